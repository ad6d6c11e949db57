package io.procpool.hazelcast;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procpool.AsyncResult;
import io.procpool.WorkerStartException;
import io.procpool.hazelcast.testing.ClusterFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ends of a cluster pool's life that no single machine has: a driver that dies (its work is
 * dropped by the agents, nothing runs on), and agents that are all gone (queued work fails with a
 * clear error in bounded time, never a hang).
 */
@Timeout(value = 180, unit = SECONDS)
class ClusterLifecycleTest {
  private ClusterFixture cluster;

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  static int sleepy(int x) throws InterruptedException {
    Thread.sleep(200);
    return x;
  }

  @Test
  void whenEveryAgentIsGoneQueuedWorkFailsWithAClearErrorInBoundedTime() throws Exception {
    cluster = new ClusterFixture("gone-" + ProcessHandle.current().pid(), 1).reserve(1);
    ClusterFixture.AgentProcess only = cluster.startAgents(1).get(0);
    try (ClusterPool pool = cluster.pool().retries(1).agentTimeout(Duration.ofSeconds(3)).build()) {
      List<Integer> in = IntStream.range(0, 200).boxed().collect(Collectors.toList());
      AsyncResult<List<Integer>> r = pool.mapAsync(ClusterLifecycleTest::sleepy, in, 1);
      await().atMost(Duration.ofSeconds(30)).until(() -> !only.workerPids().isEmpty());
      long t0 = System.nanoTime();
      cluster.kill(only);
      Throwable e = null;
      try {
        r.get(60, SECONDS);
      } catch (ExecutionException x) {
        e = x;
      }
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(e).as("the map fails once no agent is left").isNotNull();
      Throwable c = e;
      while (c != null && !(c instanceof WorkerStartException) && !(c instanceof io.procpool.WorkerCrashedException)) {
        c = c.getCause();
      }
      assertThat(c).as("names why: %s", e).isNotNull();
      assertThat(c.getMessage()).containsAnyOf("no procpool agent", only.address());
      assertThat(took).isLessThan(Duration.ofSeconds(30));
    }
  }

  /**
   * An agent that is cut off (SIGSTOP: its connections stay open, it answers nothing) is noticed
   * through the heartbeat timeout, and the tasks it held run on the other agent. Prints how long
   * noticing took (the figure docs/cluster.md quotes); asserts only a bound.
   */
  @Test
  void aCutOffAgentIsNoticedByHeartbeatAndItsTasksRunElsewhere() throws Exception {
    cluster = new ClusterFixture("cutoff-" + ProcessHandle.current().pid(), 1).reserve(2);
    List<ClusterFixture.AgentProcess> two = cluster.startAgents(2);
    try (ClusterPool pool = cluster.pool().minAgents(2).retries(2).build()) {
      List<Integer> in = IntStream.range(0, 60).boxed().collect(Collectors.toList());
      AsyncResult<List<Integer>> r = pool.mapAsync(ClusterLifecycleTest::sleepy, in, 1);
      ClusterFixture.AgentProcess frozen = two.get(1);
      await().atMost(Duration.ofSeconds(30)).until(() -> !frozen.workerPids().isEmpty());
      long t0 = System.nanoTime();
      new ProcessBuilder("kill", "-STOP", String.valueOf(frozen.process.pid())).start().waitFor();
      try {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> pool.agents().size() == 1);
        System.out.printf("cut-off agent noticed after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(r.get(120, SECONDS)).isEqualTo(in);
      } finally {
        new ProcessBuilder("kill", "-CONT", String.valueOf(frozen.process.pid())).start().waitFor();
      }
    }
  }

  @Test
  void aDriverKilledWithSigkillLeavesNothingRunningOnTheAgents(@TempDir Path tmp) throws Exception {
    cluster = new ClusterFixture("driverdeath-" + ProcessHandle.current().pid(), 2).reserve(2);
    cluster.startAgents(2);
    String members = cluster.agents().stream().map(ClusterFixture.AgentProcess::address).collect(Collectors.joining(","));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path out = tmp.resolve("driver.out");
    Process driver = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), DriverMain.class.getName(),
        cluster.clusterName(), cluster.secretFile().toString(), members)
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(out).contains("MAPPING"));
      await().atMost(Duration.ofSeconds(30))
          .until(() -> cluster.agents().stream().mapToInt(a -> a.workerPids().size()).sum() == 4);
      List<Long> workers = cluster.agents().stream().flatMap(a -> a.workerPids().stream()).collect(Collectors.toList());
      driver.destroyForcibly();
      driver.waitFor(30, SECONDS);
      ClusterFixture.awaitDead(workers);
      await().atMost(Duration.ofSeconds(30)).until(() -> cluster.agents().stream()
          .allMatch(a -> a.output().contains("disconnected without closing its pool")));
    } finally {
      driver.destroyForcibly();
    }
  }

  /** A driver JVM for the test above: maps long tasks and never finishes by itself. */
  public static final class DriverMain {
    public static void main(String[] args) throws Exception {
      ClusterPool pool = ClusterPool.builder().clusterName(args[0]).secretFile(Path.of(args[1])).members(args[2].split(","))
          .minAgents(2).build();
      AsyncResult<List<Integer>> r = pool.mapAsync(x -> {
        Thread.sleep(600_000);
        return x;
      }, IntStream.range(0, 100).boxed().collect(Collectors.toList()), 1);
      System.out.println("MAPPING");
      System.out.flush();
      r.get();
    }
  }
}
