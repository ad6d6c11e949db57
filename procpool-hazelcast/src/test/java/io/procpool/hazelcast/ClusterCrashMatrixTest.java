package io.procpool.hazelcast;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procpool.Pool;
import io.procpool.TaskFailedException;
import io.procpool.TaskTimeoutException;
import io.procpool.WorkerCrashedException;
import io.procpool.WorkerStartException;
import io.procpool.hazelcast.testing.ClusterExtension;
import io.procpool.hazelcast.testing.ClusterFixture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rows of the crash matrix that apply to a cluster: a task that exits its worker JVM, halts it,
 * or runs past its timeout fails as on one machine, with an exception that names the agent; the
 * pool (and the agent's local pool) goes on. Plus the cluster's own rows: a wrong address and a
 * cluster with no agent left give a clear error in bounded time.
 */
@Timeout(value = 120, unit = SECONDS)
class ClusterCrashMatrixTest {
  @RegisterExtension static final ClusterExtension CLUSTER = new ClusterExtension(2, 1);

  private static ClusterFixture cluster() {
    return CLUSTER.fixture();
  }

  private static List<String> addresses() {
    return cluster().agents().stream().map(ClusterFixture.AgentProcess::address).collect(Collectors.toList());
  }

  @Test
  void systemExitInATaskFailsItWithWorkerCrashedNamingTheAgent() {
    try (Pool pool = cluster().pool().minAgents(2).build()) {
      Throwable e = catchThrown(() -> pool.apply(() -> {
        System.exit(3);
        return 0;
      }));
      WorkerCrashedException crash = crashIn(e);
      assertThat(crash.exitCode()).isEqualTo(3);
      assertThat(crash.agent()).isIn(addresses());
      assertThat(crash.getMessage()).contains("on agent " + crash.agent()).contains("exit");
      assertThat(crash.pid()).isPositive();
      assertThat(pool.map(x -> x * 10, List.of(1, 2, 3))).containsExactly(10, 20, 30);
    }
  }

  @Test
  void maxTasksPerChildCountsTasksNotChunksAsOnOneMachine() {
    // a worker retires after the chunk in which it reached 3 tasks: each chunk of 3 runs on a worker
    // JVM of its own (the agent's local pool relays a chunk as one item, which must count as 3)
    try (Pool pool = cluster().pool().minAgents(2).maxTasksPerChild(3).build()) {
      List<Integer> input = java.util.stream.IntStream.range(0, 12).boxed().collect(Collectors.toList());
      List<Long> pids = pool.map(x -> ProcessHandle.current().pid(), input, 3);
      assertThat(pids).hasSize(12);
      for (int chunk = 0; chunk < 4; chunk++) {
        assertThat(pids.subList(chunk * 3, chunk * 3 + 3)).as("one chunk, one worker").containsOnly(pids.get(chunk * 3));
      }
      assertThat(new java.util.HashSet<>(pids)).as("a fresh worker per chunk").hasSize(4);
    }
  }

  @Test
  void haltWithRetriesRunsTheRestAndReportsTheCrash() {
    try (Pool pool = cluster().pool().minAgents(2).build()) {
      Throwable e = catchThrown(() -> pool.map(x -> {
        if (x == 3) {
          Runtime.getRuntime().halt(7);
        }
        return x;
      }, List.of(1, 2, 3, 4), 1));
      assertThat(crashIn(e).exitCode()).isEqualTo(7);
      assertThat(pool.map(x -> x, List.of(5, 6), 1)).containsExactly(5, 6);
    }
  }

  @Test
  void aCrashInsideABundleOfShortBatchesFailsOnlyItsOwnItem() {
    // 3000 one-item batches of a fast function: after the first answers the driver sends them
    // bundled (up to 256 per call) and the agent runs a bundle as one local job; the halt at item
    // 2500 must fail that item alone, and every other item's result arrives once
    try (Pool pool = cluster().pool().minAgents(2).build()) {
      List<Integer> input = java.util.stream.IntStream.range(0, 3000).boxed().collect(Collectors.toList());
      java.util.Iterator<Integer> it = pool.imap(x -> {
        if (x == 2500) {
          Runtime.getRuntime().halt(9);
        }
        return x * 10;
      }, input, 1);
      int i = 0;
      WorkerCrashedException crash = null;
      while (it.hasNext()) {
        if (i == 2500) {
          crash = crashIn(catchThrown(it::next));
        } else {
          assertThat(it.next()).as("item %d", i).isEqualTo(i * 10);
        }
        i++;
      }
      assertThat(i).isEqualTo(3000);
      assertThat(crash.exitCode()).isEqualTo(9);
      assertThat(crash.agent()).isIn(addresses());
      assertThat(pool.map(x -> x + 1, List.of(1, 2), 1)).containsExactly(2, 3);
    }
  }

  @Test
  void aTaskPastItsTimeoutIsKilledOnTheAgent() throws Exception {
    try (Pool pool = cluster().pool().minAgents(2).taskTimeout(Duration.ofMillis(500)).build()) {
      Throwable e = catchThrown(() -> pool.applyAsync(() -> {
        Thread.sleep(60_000);
        return 1;
      }).get());
      assertThat(e).isInstanceOf(ExecutionException.class);
      Throwable cause = e.getCause() instanceof TaskFailedException ? e.getCause().getCause() : e.getCause();
      assertThat(cause).isInstanceOf(TaskTimeoutException.class);
      assertThat(cause.getMessage()).contains("on agent ");
      assertThat(pool.<Integer>apply(() -> 42)).isEqualTo(42);
    }
  }

  @Test
  void aClusterThatCannotBeReachedFailsTheBuildInBoundedTime() {
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> ClusterPool.builder().clusterName("nobody-" + ProcessHandle.current().pid())
        .members("127.0.0.1:1").secret("0123456789abcdef0123".getBytes()).agentTimeout(Duration.ofSeconds(3)).build())
        .isInstanceOf(WorkerStartException.class).hasMessageContaining("cannot reach").hasMessageContaining("procpool agent");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void badArgumentsFailAtTheCall() {
    assertThatThrownBy(() -> ClusterPool.builder().members()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClusterPool.builder().secret("short".getBytes())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16 bytes");
    assertThatThrownBy(() -> ClusterPool.builder().retries(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClusterPool.builder().build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("secret");
    assertThatThrownBy(() -> ClusterPool.builder().serialFilter("maxdepth=x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("serialFilter");
  }

  private static WorkerCrashedException crashIn(Throwable e) {
    Throwable c = e;
    while (c != null && !(c instanceof WorkerCrashedException)) {
      c = c.getCause();
    }
    assertThat(c).as("a WorkerCrashedException in %s", e).isNotNull();
    return (WorkerCrashedException) c;
  }

  private static Throwable catchThrown(ThrowingRunnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected an exception");
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
