package io.procpool.behaviour;

import static io.procpool.behaviour.Fixtures.range;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procpool.Pool;
import io.procpool.PoolStats;
import io.procpool.SerializableRunnable;
import io.procpool.hazelcast.ClusterPool;
import io.procpool.hazelcast.testing.ClusterExtension;
import io.procpool.hazelcast.testing.ClusterFixture;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The behaviour suite (CPython's Pool tests and the contract) on {@link ClusterPool}, against two
 * agent JVMs on 127.0.0.1 with two workers each.
 */
@Timeout(value = 90, unit = SECONDS)
class ClusterPoolBehaviourTest extends PoolBehaviourSuite {
  @RegisterExtension static final ClusterExtension CLUSTER = new ClusterExtension(2, 2);

  private static ClusterFixture cluster() {
    return CLUSTER.fixture();
  }

  @Override
  protected Pool newPool(int processes) {
    return cluster().pool().minAgents(2).processes(processes).build();
  }

  @Override
  protected Pool newPool(int processes, SerializableRunnable initializer) {
    return cluster().pool().minAgents(2).processes(processes).initializer(initializer).build();
  }

  @Override
  protected io.procpool.PoolBuilder<?> newBuilder() {
    return cluster().pool().minAgents(2);
  }

  @Override
  protected String backend() {
    String members = cluster().agents().stream().map(ClusterFixture.AgentProcess::address).collect(Collectors.joining(","));
    return "factory:" + ClusterChildPools.class.getName() + ":" + cluster().clusterName() + "|" + cluster().secretFile()
        + "|" + members;
  }

  /** Every worker the pool reports is a live child of an agent, and tasks run in them (processes(n) shares n workers out over the agents). */
  @Override
  protected void assertLiveWorkers(Pool p, int n) {
    List<PoolStats.WorkerStats> workers = p.stats().workers();
    List<Long> agentChildren = cluster().agents().stream().flatMap(a -> a.workerPids().stream()).collect(Collectors.toList());
    List<Long> pids = workers.stream().map(PoolStats.WorkerStats::pid).collect(Collectors.toList());
    assertThat(pids).hasSize(n).doesNotHaveDuplicates().isSubsetOf(agentChildren);
    assertThat(workers).allSatisfy(w -> assertThat(w.agent()).isNotNull());
    assertThat(p.map(x -> ProcessHandle.current().pid(), range(40), 1)).isSubsetOf(pids);
  }

  /** The unclosed pool's driver JVM exited: each agent ends its session, leaving only this class's pool's workers. */
  @Override
  protected void afterUnclosedChildExit(String childOutput) {
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster().agents().stream().allMatch(a -> a.workerPids().size() <= 2));
  }
}
