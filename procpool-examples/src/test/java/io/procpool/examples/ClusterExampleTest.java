package io.procpool.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procpool.hazelcast.Agent;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Across machines" example against two agents embedded in this JVM (their workers are
 * child JVMs): the same results as on one machine, and no worker left afterwards.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterExampleTest {

  @Test
  void theTourRunsUnchangedOnAClusterPool(@TempDir Path tmp) throws Exception {
    Path secret = tmp.resolve("secret");
    Files.writeString(secret, "an-example-secret-0123456789\n");
    int p1 = freePort();
    int p2 = freePort();
    String[] join = {"127.0.0.1:" + p1, "127.0.0.1:" + p2};
    String cluster = "example-" + ProcessHandle.current().pid();
    Agent a1 = Agent.builder().clusterName(cluster).port(p1).join(join).processes(1).secretFile(secret)
        .cacheDirectory(tmp.resolve("jars1")).build();
    Agent a2 = null;
    try {
      a2 = Agent.builder().clusterName(cluster).port(p2).join(join).processes(1).secretFile(secret)
          .cacheDirectory(tmp.resolve("jars2")).build();
      List<String> lines = ClusterExample.run(List.of(join), secret, cluster);
      assertThat(lines.get(0)).contains("127.0.0.1:" + p1).contains("127.0.0.1:" + p2);
      assertThat(lines).contains(
          "squares of 0..999:    sum 332833500",
          "map, chunksize 3:     [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]",
          "imap:                 [0, 1, 4, 9, 16]",
          "imap_unordered:       [0, 1, 4, 9, 16]",
          "starmap:              [6, 20]");
      assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("map with a failure:"));
    } finally {
      a1.close();
      if (a2 != null) {
        a2.close();
      }
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> NoOrphanWorkers.assertNone("ClusterExampleTest"));
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
