package io.procpool.hazelcast;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.hazelcast.testing.ClusterFixture;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The first proof: two agent JVMs, a pool over them, work that runs on both. */
@Timeout(value = 120, unit = SECONDS)
class ClusterSmokeTest {
  static ClusterFixture cluster;

  @BeforeAll
  static void agents() throws Exception {
    cluster = new ClusterFixture("smoke-" + ProcessHandle.current().pid(), 2).reserve(2);
    cluster.startAgents(2);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void mapRunsOnWorkersOfBothAgents() {
    try (ClusterPool pool = cluster.pool().minAgents(2).build()) {
      assertThat(pool.agents()).hasSize(2);
      List<Integer> in = IntStream.range(0, 200).boxed().collect(Collectors.toList());
      assertThat(pool.map(x -> x * x, in, 1)).isEqualTo(in.stream().map(x -> x * x).collect(Collectors.toList()));
      List<Long> pids = pool.map(x -> ProcessHandle.current().pid(), in, 1);
      List<Long> agentWorkers = cluster.agents().stream().flatMap(a -> a.workerPids().stream()).collect(Collectors.toList());
      assertThat(pids).isSubsetOf(agentWorkers);
      assertThat(pids.stream().distinct().count()).isGreaterThan(1);
      assertThat(pool.<Integer>apply(() -> 6 * 7)).isEqualTo(42);
    }
  }
}
