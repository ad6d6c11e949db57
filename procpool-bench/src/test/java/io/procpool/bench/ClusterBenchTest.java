package io.procpool.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The cluster benchmark's command line and failover arithmetic; starts no agent and no pool. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ClusterBenchTest {
  @Test
  void optionsParse() {
    ClusterBench.Options o = ClusterBench.Options.parse(new String[] {"--quick", "--parts", "apply,failover", "--repeats", "4",
        "--agent-jvm-options", "-Xmx128m -XX:+UseSerialGC"});
    assertThat(o.quick).isTrue();
    assertThat(o.parts).containsExactly("apply", "failover");
    assertThat(o.reps(3)).isEqualTo(4);
    assertThat(o.agentJvmOptions).containsExactly("-Xmx128m", "-XX:+UseSerialGC");
    ClusterBench.Options d = ClusterBench.Options.parse(new String[0]);
    assertThat(d.parts).isEqualTo(ClusterBench.PARTS);
    assertThat(d.reps(5)).isEqualTo(5);
    assertThatThrownBy(() -> ClusterBench.Options.parse(new String[] {"--parts", "nope"})).hasMessageContaining("unknown part");
    assertThatThrownBy(() -> ClusterBench.Options.parse(new String[] {"--repeats", "0"})).hasMessageContaining("positive");
    assertThatThrownBy(() -> ClusterBench.Options.parse(new String[] {"--repeats"})).hasMessageContaining("missing value");
  }

  @Test
  void failoverFiguresFromBeacons() {
    long ms = 1_000_000;
    long kill = 1000 * ms;
    long[] arrival = new long[4];
    arrival[0] = 900 * ms; // done before the kill, on the killed pid: not lost
    arrival[1] = 1300 * ms; // started on the killed pid, re-run on 20
    arrival[2] = 1500 * ms; // likewise, the last one back
    arrival[3] = 1100 * ms; // ran on the survivor only
    List<ClusterFailover.Start> beacons = List.of(
        new ClusterFailover.Start(800 * ms, 1, 0, 10), new ClusterFailover.Start(950 * ms, 1, 1, 10),
        new ClusterFailover.Start(960 * ms, 1, 2, 10), new ClusterFailover.Start(990 * ms, 1, 3, 20),
        new ClusterFailover.Start(1080 * ms, 1, 1, 20), new ClusterFailover.Start(1350 * ms, 1, 2, 20));
    ClusterFailover.Outcome o = ClusterFailover.outcome(beacons, arrival, Set.of(10L), kill, 1600 * ms);
    assertThat(o.lostItems).isEqualTo(2);
    assertThat(o.detectMs).isEqualTo(80.0);
    assertThat(o.recoveredMs).isEqualTo(500.0);
    assertThat(o.afterKillMs).isEqualTo(600.0);
    assertThat(o.figure("lost_items")).isEqualTo(2.0);
  }
}
