package io.procpool.hazelcast.internal;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import io.procpool.Pool;
import io.procpool.TaskFailedException;
import io.procpool.WorkerStartException;
import io.procpool.hazelcast.Agent;
import io.procpool.hazelcast.ClusterPool;
import io.procpool.hazelcast.testing.ClusterExtension;
import io.procpool.hazelcast.testing.ClusterFixture;
import java.io.InvalidClassException;
import java.io.Serializable;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security of the cluster: a driver without the secret, a forged call, and a member without the
 * secret get nothing run; a class outside the pool's allow list is refused in the workers.
 */
@Timeout(value = 120, unit = SECONDS)
class ClusterSecurityTest {
  @RegisterExtension static final ClusterExtension CLUSTER = new ClusterExtension(2, 1);

  private static ClusterFixture cluster() {
    return CLUSTER.fixture();
  }

  private static String[] members() {
    return cluster().agents().stream().map(ClusterFixture.AgentProcess::address).toArray(String[]::new);
  }

  @Test
  void aDriverWithAnotherSecretGetsNothingRun(@TempDir Path tmp) {
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> ClusterPool.builder().clusterName(cluster().clusterName()).members(members())
        .secret("not-the-cluster-secret!".getBytes(StandardCharsets.UTF_8)).agentTimeout(Duration.ofSeconds(5)).build())
        .isInstanceOf(WorkerStartException.class).hasMessageContaining("same secret");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
    await().atMost(Duration.ofSeconds(10))
        .until(() -> cluster().agents().stream().allMatch(a -> a.output().contains("refused a call not signed")));
    assertThat(cluster().agents()).allSatisfy(a -> assertThat(a.workerPids()).isEmpty());
  }

  @Test
  void aForgedOrUnsignedCallIsRefusedBeforeItIsRead() throws Exception {
    HazelcastInstance client = HazelcastClient.newHazelcastClient(
        HazelcastConfigs.client(cluster().clusterName(), List.of(members()), Duration.ofSeconds(10), "forger"));
    try {
      IExecutorService executor = client.getExecutorService(HazelcastConfigs.EXECUTOR);
      com.hazelcast.cluster.Member target = client.getCluster().getMembers().iterator().next();
      Signer wrong = new Signer("a-forger-guesses-a-key".getBytes(StandardCharsets.UTF_8));
      for (AgentCall forged : List.of(
          AgentCall.signed(wrong, AgentCall.OPEN, "forger", new byte[] {0, 0, 0, 1}),
          AgentCall.withSignature(AgentCall.BATCH, "forger", new byte[16], new byte[Signer.LENGTH]),
          AgentCall.withSignature(AgentCall.JAR, "forger", new byte[8], new byte[0]))) {
        assertThatThrownBy(() -> executor.submitToMember(forged, target).get(10, SECONDS))
            .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SecurityException.class)
            .hasMessageContaining("not signed with this cluster's secret");
      }
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aMemberWithoutTheSecretGetsNoWork(@TempDir Path tmp) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String[] join = java.util.stream.Stream.concat(java.util.Arrays.stream(members()), java.util.stream.Stream.of("127.0.0.1:" + port))
        .toArray(String[]::new);
    Agent rogue = Agent.builder().clusterName(cluster().clusterName()).port(port).join(join).processes(1)
        .secret("the-rogue-has-its-own-key".getBytes(StandardCharsets.UTF_8)).cacheDirectory(tmp.resolve("jars")).build();
    try {
      try (ClusterPool pool = cluster().pool().minAgents(2).build()) {
        assertThat(pool.agents()).hasSize(2).doesNotContain(rogue.address());
        assertThat(pool.map(x -> x + 1, List.of(1, 2, 3, 4, 5, 6), 1)).containsExactly(2, 3, 4, 5, 6, 7);
      }
      assertThat(rogue.batchesRun()).isZero();
      assertThat(rogue.refusedCalls()).isPositive();
      assertThat(rogue.workerPids()).isEmpty();
    } finally {
      rogue.kill();
    }
  }

  @Test
  void aClassOutsideTheAllowListIsRefusedInTheWorkers() throws Exception {
    try (Pool pool = cluster().pool().minAgents(2).serialFilter("java.base/*;io.procpool.*;io.procpool.internal.**;io.procpool.hazelcast.internal.*;!*").build()) {
      assertThat(pool.map(x -> x * 3, List.of(1, 2))).containsExactly(3, 6);
      Throwable e = null;
      try {
        pool.map(x -> x.getClass().getName(), List.<Object>of(new io.procpool.hazelcast.testing.Outsider()));
      } catch (TaskFailedException t) {
        e = t;
      }
      assertThat(e).as("the map of an Outsider fails").isNotNull();
      Throwable c = e;
      while (c != null && !(c instanceof InvalidClassException)) {
        c = c.getCause();
      }
      assertThat(c).as("an InvalidClassException in %s", e).isNotNull();
      assertThat(c.getMessage()).contains("REJECTED");
      assertThat(pool.map(x -> x * 3, List.of(4))).containsExactly(12);
    }
  }
}
