package io.procpool.hazelcast.testing;

import static java.util.concurrent.TimeUnit.SECONDS;

import io.procpool.hazelcast.ClusterPool;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * Agent JVMs on 127.0.0.1 for tests: starts them, knows their ports and pids, kills them (and, with
 * them, their workers), and builds {@link ClusterPool}s against them. Each agent's output is kept
 * for failure messages. Thread-safe enough for a test class: agents are added and removed from one
 * thread at a time.
 */
public final class ClusterFixture implements AutoCloseable {
  /** The shared secret of test clusters. */
  public static final String SECRET = "test-secret-0123456789abcdef";

  private final String clusterName;
  private final Path dir;
  private final Path secretFile;
  private final int processes;
  private final List<Integer> ports = new ArrayList<>();
  private final List<AgentProcess> agents = new CopyOnWriteArrayList<>();

  /** One agent JVM. */
  public static final class AgentProcess {
    public final int port;
    public final Process process;
    final StringBuffer output = new StringBuffer();

    AgentProcess(int port, Process process) {
      this.port = port;
      this.process = process;
    }

    public String address() {
      return "127.0.0.1:" + port;
    }

    public String output() {
      return output.toString();
    }

    /** The pids of this agent's worker JVMs (its direct children). */
    public List<Long> workerPids() {
      return process.toHandle().children().map(ProcessHandle::pid).collect(Collectors.toList());
    }
  }

  public ClusterFixture(String clusterName, int processes) throws IOException {
    this.clusterName = clusterName;
    this.processes = processes;
    this.dir = Files.createTempDirectory("procpool-cluster-");
    this.secretFile = dir.resolve("secret");
    Files.writeString(secretFile, SECRET + "\n");
  }

  public String clusterName() {
    return clusterName;
  }

  public Path secretFile() {
    return secretFile;
  }

  public Path dir() {
    return dir;
  }

  public List<AgentProcess> agents() {
    return agents;
  }

  /** Reserves {@code n} more free ports (all agents list every reserved port as join addresses). */
  public ClusterFixture reserve(int n) throws IOException {
    for (int i = 0; i < n; i++) {
      try (ServerSocket s = new ServerSocket(0)) {
        ports.add(s.getLocalPort());
      }
    }
    return this;
  }

  /** Starts an agent on each reserved port without an agent, and waits until each says it is ready. */
  public List<AgentProcess> startAgents(int n) throws Exception {
    List<AgentProcess> started = new ArrayList<>();
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    for (int port : ports) {
      if (started.size() == n) {
        break;
      }
      if (agents.stream().anyMatch(a -> a.port == port)) {
        continue;
      }
      AgentProcess a = launch(port);
      started.add(a);
      agents.add(a);
      ready.add(watch(a));
    }
    CompletableFuture.allOf(ready.toArray(new CompletableFuture[0])).get(90, SECONDS);
    return started;
  }

  private AgentProcess launch(int port) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String join = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    ProcessBuilder pb = new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-Dorg.slf4j.simpleLogger.log.com.hazelcast=warn", "-cp", System.getProperty("java.class.path"), AgentMain.class.getName(),
        clusterName, String.valueOf(port), join, secretFile.toString(), String.valueOf(processes),
        dir.resolve("jars-" + port).toString());
    pb.redirectErrorStream(true);
    return new AgentProcess(port, pb.start());
  }

  private static CompletableFuture<Void> watch(AgentProcess a) {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(a.process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          a.output.append(line).append('\n');
          if (line.startsWith("AGENT READY")) {
            ready.complete(null);
          }
        }
      } catch (IOException e) {
        // the agent is gone
      }
      ready.completeExceptionally(new IllegalStateException("agent on port " + a.port + " exited: " + a.output));
    }, "agent-" + a.port + "-output");
    t.setDaemon(true);
    t.start();
    return ready;
  }

  /** A builder for a pool against every reserved port. */
  public ClusterPool.Builder pool() {
    return ClusterPool.builder().clusterName(clusterName)
        .members(ports.stream().map(p -> "127.0.0.1:" + p).toArray(String[]::new)).secretFile(secretFile)
        .agentTimeout(java.time.Duration.ofSeconds(30));
  }

  /** Kills an agent with SIGKILL (its workers follow through their lifeline) and waits until it is gone. */
  public void kill(AgentProcess a) throws InterruptedException {
    List<Long> workers = a.workerPids();
    a.process.destroyForcibly();
    a.process.waitFor(30, SECONDS);
    agents.remove(a);
    awaitDead(workers);
  }

  /** Whether {@code pid} is gone or a zombie (PID 1 here does not reap orphans). */
  public static boolean isDead(long pid) {
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

  /** Waits (at most 30 s) until every pid is dead. */
  public static void awaitDead(List<Long> pids) {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
        .until(() -> pids.stream().allMatch(ClusterFixture::isDead));
  }

  /** Stops every agent (closing stdin: each kills its workers and exits), and checks that no process is left. */
  @Override
  public void close() throws Exception {
    List<Long> all = new ArrayList<>();
    for (AgentProcess a : agents) {
      all.add(a.process.pid());
      all.addAll(a.workerPids());
      a.process.getOutputStream().close();
    }
    for (AgentProcess a : agents) {
      if (!a.process.waitFor(20, SECONDS)) {
        a.process.destroyForcibly();
      }
    }
    agents.clear();
    awaitDead(all);
  }
}
