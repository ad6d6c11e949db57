package io.procpool.hazelcast;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procpool.ResultIterator;
import io.procpool.hazelcast.testing.ClusterFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chaos test of the cluster: a map of 10,000 tasks over three agents while one agent is killed
 * with SIGKILL and another joins. With retries every result arrives exactly once and correct, the
 * joined agent takes work, and no process (agent or worker) survives the test.
 */
@Timeout(value = 240, unit = SECONDS)
class ClusterChaosTest {
  private ClusterFixture cluster;

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  static int slowDouble(int x) throws InterruptedException {
    Thread.sleep(2);
    return 2 * x;
  }

  @Test
  void killOneAgentAndAddAnotherDuringAMapOf10000Tasks() throws Exception {
    cluster = new ClusterFixture("chaos-" + ProcessHandle.current().pid(), 1).reserve(4);
    List<ClusterFixture.AgentProcess> first = cluster.startAgents(3);
    List<Long> everyPid = new ArrayList<>();
    for (ClusterFixture.AgentProcess a : first) {
      everyPid.add(a.process.pid());
    }
    int n = 10_000;
    try (ClusterPool pool = cluster.pool().minAgents(3).retries(3).build()) {
      assertThat(pool.agents()).hasSize(3);
      for (ClusterFixture.AgentProcess a : first) {
        everyPid.addAll(a.workerPids());
      }
      List<Integer> in = IntStream.range(0, n).boxed().collect(Collectors.toList());
      Map<Integer, Integer> seen = new HashMap<>();
      ClusterFixture.AgentProcess joined = null;
      try (ResultIterator<Integer> it = pool.imapUnordered(ClusterChaosTest::slowDouble, in, 5)) {
        int got = 0;
        while (it.hasNext()) {
          int v = it.next();
          seen.merge(v, 1, Integer::sum);
          got++;
          if (got == 1_000) {
            cluster.kill(first.get(0)); // SIGKILL; returns once its workers are gone too
            joined = cluster.startAgents(1).get(0);
            everyPid.add(joined.process.pid());
          }
        }
      }
      assertThat(seen).hasSize(n);
      assertThat(seen.values()).allMatch(c -> c == 1);
      assertThat(seen.keySet()).isEqualTo(in.stream().map(x -> 2 * x).collect(Collectors.toSet()));
      ClusterFixture.AgentProcess newcomer = joined;
      assertThat(newcomer).isNotNull();
      await().atMost(Duration.ofSeconds(30)).until(() -> newcomer.output().contains("opened a pool"));
      everyPid.addAll(newcomer.workerPids());
      assertThat(pool.stats().tasksRetried()).isGreaterThan(0);
      // the pool works on after the chaos
      assertThat(pool.map(x -> x + 1, List.of(1, 2, 3))).containsExactly(2, 3, 4);
    }
    cluster.close();
    cluster = null;
    ClusterFixture.awaitDead(everyPid);
  }
}
