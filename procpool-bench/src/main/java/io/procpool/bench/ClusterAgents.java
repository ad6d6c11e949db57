package io.procpool.bench;

import io.procpool.hazelcast.ClusterPool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The agent JVMs of one benchmark cluster on 127.0.0.1: starts {@link ClusterAgentMain}s (a JVM
 * each, the bench jar as class path, stdin kept open as their lifeline), kills one with SIGKILL,
 * builds {@link ClusterPool}s against the live ones, and on {@link #close()} closes every stdin,
 * waits, and kills what is left. Each agent's output goes to stderr, prefixed with its port. Used
 * from one thread.
 */
final class ClusterAgents implements AutoCloseable {
  private final String clusterName;
  private final Path dir;
  private final Path secretFile;
  private final byte[] secret;
  private final List<String> agentJvmOptions;
  private final List<AgentJvm> agents = new CopyOnWriteArrayList<>();
  private final List<Long> everyPid = new ArrayList<>();

  /** One agent JVM. */
  static final class AgentJvm {
    final int port;
    final Process process;

    AgentJvm(int port, Process process) {
      this.port = port;
      this.process = process;
    }

    String address() {
      return "127.0.0.1:" + port;
    }

    /** The pids of this agent's worker JVMs (its child processes). */
    List<Long> workerPids() {
      return process.toHandle().children().map(ProcessHandle::pid).collect(Collectors.toList());
    }
  }

  ClusterAgents(String clusterName, List<String> agentJvmOptions) throws IOException {
    this.clusterName = clusterName;
    this.agentJvmOptions = List.copyOf(agentJvmOptions);
    this.dir = Files.createTempDirectory("procpool-bench-cluster-");
    this.secretFile = dir.resolve("secret");
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    // a text secret, as the docs say: raw random bytes that happen to end in '\n' or '\r' would
    // lose them when the agent reads the file (Secrets.read strips a final line break), and the
    // agents would refuse the driver (seen once in 12 benchmark clusters)
    this.secret = java.util.Base64.getEncoder().encode(random);
    Files.write(secretFile, secret);
  }

  /** A free port on 127.0.0.1, right now. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  List<AgentJvm> live() {
    return agents;
  }

  /**
   * Starts one agent per port, each joining every port in {@code join} (and its own), and waits
   * until all say they are ready.
   */
  List<AgentJvm> start(List<Integer> ports, List<Integer> join, int processes) throws Exception {
    String joinList = Stream.concat(join.stream(), ports.stream()).distinct().map(p -> "127.0.0.1:" + p)
        .collect(Collectors.joining(","));
    List<AgentJvm> started = new ArrayList<>();
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    for (int port : ports) {
      AgentJvm a = launch(port, joinList, processes);
      started.add(a);
      agents.add(a);
      everyPid.add(a.process.pid());
      ready.add(pump(a));
    }
    CompletableFuture.allOf(ready.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);
    return started;
  }

  private AgentJvm launch(int port, String join, int processes) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(agentJvmOptions);
    cmd.add("-Dorg.slf4j.simpleLogger.log.com.hazelcast=warn");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ClusterAgentMain.class.getName());
    cmd.add(clusterName);
    cmd.add(String.valueOf(port));
    cmd.add(join);
    cmd.add(secretFile.toString());
    cmd.add(String.valueOf(processes));
    cmd.add(dir.resolve("jars-" + port).toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    return new AgentJvm(port, pb.start());
  }

  private static CompletableFuture<Void> pump(AgentJvm a) {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      StringBuilder early = new StringBuilder();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(a.process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          System.err.println("[agent " + a.port + "] " + line);
          if (!ready.isDone()) {
            early.append(line).append('\n');
          }
          if (line.startsWith("AGENT READY")) {
            ready.complete(null);
          }
        }
      } catch (IOException e) {
        // the agent is gone
      }
      ready.completeExceptionally(new IllegalStateException("agent on port " + a.port + " exited before it was ready: " + early));
    }, "bench-agent-" + a.port + "-output");
    t.setDaemon(true);
    t.start();
    return ready;
  }

  /** A pool builder against the live agents. */
  ClusterPool.Builder pool() {
    return ClusterPool.builder().clusterName(clusterName).members(agents.stream().map(AgentJvm::address).toArray(String[]::new))
        .secret(secret).agentTimeout(Duration.ofSeconds(60));
  }

  /**
   * Kills {@code a} with SIGKILL (its workers follow through their own lifeline) and returns the
   * {@link System#nanoTime()} just before the signal was sent.
   */
  long kill(AgentJvm a) {
    agents.remove(a);
    long t = System.nanoTime();
    a.process.destroyForcibly();
    return t;
  }

  /** Waits until {@code a} and its workers are gone (at most 30 s). */
  static void awaitGone(AgentJvm a, List<Long> workers) throws InterruptedException {
    a.process.waitFor(30, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline && workers.stream().anyMatch(ClusterAgents::alive)) {
      Thread.sleep(20);
    }
  }

  /** Alive and not a zombie (PID 1 of a container may not reap orphans). */
  static boolean alive(long pid) {
    if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Closes every agent's stdin (it kills its workers and exits), waits, then kills what is left. */
  @Override
  public void close() {
    List<Long> pids = new ArrayList<>(everyPid);
    for (AgentJvm a : agents) {
      pids.addAll(a.workerPids());
      try {
        a.process.getOutputStream().close();
      } catch (IOException e) {
        // gone already
      }
    }
    for (AgentJvm a : agents) {
      try {
        if (!a.process.waitFor(20, TimeUnit.SECONDS)) {
          a.process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        a.process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    agents.clear();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline && pids.stream().anyMatch(ClusterAgents::alive)) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (long pid : pids) {
      if (alive(pid)) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind
    }
  }
}
