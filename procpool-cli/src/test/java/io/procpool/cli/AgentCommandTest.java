package io.procpool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procpool.hazelcast.ClusterPool;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code procpool agent}: its options and usage errors (in this JVM, nothing started), and one
 * agent in a child JVM that a {@link ClusterPool} of this JVM runs work on, stopped by SIGTERM.
 */
class AgentCommandTest {
  private static final String SECRET = "agent-test-secret-0123456789";

  @TempDir Path dir;

  private Path secret() throws IOException {
    Path f = dir.resolve("secret");
    Files.writeString(f, SECRET + "\n");
    return f;
  }

  private static AgentCommand parse(String... args) {
    ProcpoolCommand command = new ProcpoolCommand(new ByteArrayInputStream(new byte[0]),
        new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), false, false);
    CommandLine.ParseResult r = ProcpoolCommand.commandLine(command).parseArgs(args);
    return (AgentCommand) r.subcommand().commandSpec().userObject();
  }

  private static void assertUsageError(Cli.Result r, String fragment) {
    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.errLines()).as(r.err()).hasSizeBetween(1, 2);
    assertThat(r.errLines().get(0)).startsWith("procpool: ").contains(fragment);
    assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception in thread");
    assertThat(r.out()).isEmpty();
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void defaults() {
    AgentCommand a = parse("agent", "--secret-file", "s");
    assertThat(a.clusterName).isEqualTo("procpool");
    assertThat(a.port).isEqualTo(5701);
    assertThat(a.interfaceAddress).isEqualTo("127.0.0.1");
    assertThat(a.join).isEmpty();
    assertThat(a.processes).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(a.secretFile).isEqualTo(Path.of("s"));
    assertThat(a.jvmOptions).isEmpty();
    assertThat(a.cacheDirectory).isNull();
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void everyOption() {
    AgentCommand a = parse("agent", "--cluster-name", "crawl", "--port", "5702", "--interface", "10.0.0.5",
        "--join", "10.0.0.5:5701,10.0.0.6:5701", "--join=10.0.0.7:5703", "-p", "3", "--secret-file", "/etc/s",
        "--jvm-option=-Xmx256m", "--jvm-option", "-XX:+UseSerialGC", "--cache-dir", "/tmp/jars", "--cache-limit", "512");
    assertThat(a.clusterName).isEqualTo("crawl");
    assertThat(a.port).isEqualTo(5702);
    assertThat(a.interfaceAddress).isEqualTo("10.0.0.5");
    assertThat(a.join).containsExactly("10.0.0.5:5701", "10.0.0.6:5701", "10.0.0.7:5703");
    assertThat(a.processes).isEqualTo(3);
    assertThat(a.secretFile).isEqualTo(Path.of("/etc/s"));
    assertThat(a.jvmOptions).containsExactly("-Xmx256m", "-XX:+UseSerialGC");
    assertThat(a.cacheDirectory).isEqualTo(Path.of("/tmp/jars"));
    assertThat(a.cacheLimitMb).isEqualTo(512);
    assertThat(parse("agent", "--secret-file", "s", "--processes", "5").processes).isEqualTo(5);
    assertThat(parse("agent", "--secret-file", "s").cacheLimitMb).isEqualTo(2048);
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void help() {
    Cli.Result r = Cli.run("agent", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("Usage: procpool agent").contains("--secret-file=FILE", "--join=HOST:PORT",
        "--cluster-name=NAME", "--jvm-option=OPT", "--cache-dir=DIR", "--cache-limit=MB", "Exit codes:");
    assertThat(Cli.run("--help").out()).contains("agent");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void missingSecretFileOption() {
    assertUsageError(Cli.run("agent"), "Missing required option: '--secret-file=FILE'");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void secretFileThatDoesNotExist() {
    Path f = dir.resolve("nope");
    assertUsageError(Cli.run("agent", "--secret-file", f.toString()), "the secret file " + f + " does not exist");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void secretFileThatIsADirectory() {
    assertUsageError(Cli.run("agent", "--secret-file", dir.toString()), "is a directory");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void shortSecret() throws IOException {
    Path f = dir.resolve("short");
    Files.writeString(f, "tooshort");
    assertUsageError(Cli.run("agent", "--secret-file", f.toString()), "has 8 bytes; use at least 16");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void secretShortOnceItsLineBreakIsDropped() throws IOException {
    Path f = dir.resolve("short-nl");
    Files.writeString(f, "0123456789abcde\n\n"); // 17 bytes, a 15-byte secret
    assertUsageError(Cli.run("agent", "--secret-file", f.toString()), "has 15 bytes; use at least 16");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void badPort() throws IOException {
    String s = secret().toString();
    assertUsageError(Cli.run("agent", "--secret-file", s, "--port", "http"), "Invalid value for option '--port'");
    assertUsageError(Cli.run("agent", "--secret-file", s, "--port", "0"), "--port must be between 1 and 65535, not 0");
    assertUsageError(Cli.run("agent", "--secret-file", s, "--port", "70000"), "--port must be between 1 and 65535, not 70000");
    assertUsageError(Cli.run("agent", "--secret-file", s, "--cache-limit", "0"),
        "--cache-limit must be a positive number of megabytes, not 0");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void badJoinAddressesProcessesAndName() throws IOException {
    String s = secret().toString();
    assertUsageError(Cli.run("agent", "--secret-file", s, "--join", "10.0.0.5"), "--join takes HOST:PORT[,HOST:PORT...], not '10.0.0.5'");
    assertUsageError(Cli.run("agent", "--secret-file", s, "--join", "a:1,b:x"), "not 'b:x'");
    assertUsageError(Cli.run("agent", "--secret-file", s, "--join", "a:99999"), "the port must be between 1 and 65535");
    assertUsageError(Cli.run("agent", "--secret-file", s, "-p", "0"), "--processes must be at least 1, not 0");
    assertUsageError(Cli.run("agent", "--secret-file", s, "--cluster-name", ""), "--cluster-name must not be empty");
  }

  /**
   * A real agent: {@code procpool agent} in a child JVM, work from this JVM's ClusterPool, then
   * SIGTERM: exit code 0 and no worker JVM left. The agent writes to a file, not a pipe: {@link
   * Process#destroy()} closes this side's pipes at once, and what the agent says while it stops
   * would be lost.
   */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void agentRunsClusterPoolWorkAndStopsOnSigterm() throws Exception {
    long t0 = System.nanoTime();
    Path secret = secret();
    Path log = dir.resolve("agent.log");
    int port = freePort();
    String cluster = "agent-test-" + UUID.randomUUID();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), ProcpoolCommand.class.getName(), "agent",
        "--port", String.valueOf(port), "--secret-file", secret.toString(), "--processes", "2",
        "--cluster-name", cluster, "--cache-dir", dir.resolve("jars").toString(),
        "--jvm-option=-XX:+UseSerialGC", "--jvm-option=-XX:TieredStopAtLevel=1");
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    Process agent = pb.start();
    List<Long> workers = new ArrayList<>();
    try {
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
          .until(() -> read(log).contains("joined cluster") || !agent.isAlive());
      assertThat(read(log)).contains("procpool agent 127.0.0.1:" + port + " (pid " + agent.pid()
          + ") joined cluster '" + cluster + "' with 2 workers");
      long joined = System.nanoTime();

      try (ClusterPool pool = ClusterPool.builder().clusterName(cluster).members("127.0.0.1:" + port)
          .secretFile(secret).agentTimeout(Duration.ofSeconds(30)).build()) {
        List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3));
        assertThat(squares).containsExactly(1, 4, 9);
        workers.addAll(agent.toHandle().children().map(ProcessHandle::pid).collect(Collectors.toList()));
      }
      assertThat(workers).as("the agent's worker JVMs; its output:%n%s", read(log)).hasSize(2);

      long term = System.nanoTime();
      agent.destroy(); // SIGTERM
      assertThat(agent.waitFor(30, TimeUnit.SECONDS)).as("the agent exits; its output:%n%s", read(log)).isTrue();
      long exited = System.nanoTime();
      assertThat(agent.exitValue()).as("its output:%n%s", read(log)).isZero();
      await().atMost(Duration.ofSeconds(30)).until(() -> workers.stream().allMatch(AgentCommandTest::isDead));
      assertThat(read(log)).contains("procpool agent 127.0.0.1:" + port + " stopping (finishing running work)",
          "procpool agent 127.0.0.1:" + port + " stopped").doesNotContain("Exception");
      System.out.printf("AgentCommandTest e2e: %d ms in all; start to 'joined cluster' %d ms, map and close %d ms,"
          + " SIGTERM to exit 0 %d ms%n", (System.nanoTime() - t0) / 1_000_000, (joined - t0) / 1_000_000,
          (term - joined) / 1_000_000, (exited - term) / 1_000_000);
    } finally {
      List<ProcessHandle> left = agent.descendants().collect(Collectors.toList());
      agent.destroyForcibly();
      left.forEach(ProcessHandle::destroyForcibly);
      workers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      agent.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Whether {@code pid} is gone or a zombie (PID 1 here does not reap orphans). */
  private static boolean isDead(long pid) {
    if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
      return true;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return true;
    }
  }
}
