package io.procpool.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void writesWhatAStrictParserReadsBack() {
    Json.Obj o =
        Json.obj()
            .with("s", "a \"quoted\" \\ line\nwith\ttabs and \u0001")
            .with("i", 42L)
            .with("d", 0.000123)
            .with("big", 1.5e7)
            .with("whole", 3.0)
            .with("nan", Double.NaN)
            .with("b", true)
            .with("n", null)
            .with("l", List.of(1, 2.5, "x"))
            .with("arr", new double[] {1.25, 2})
            .with("nested", Json.obj().with("k", new long[] {7, 8}));
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) MiniJson.parse(Json.write(o));
    assertThat(m.get("s")).isEqualTo("a \"quoted\" \\ line\nwith\ttabs and \u0001");
    assertThat(m.get("i")).isEqualTo(42L);
    assertThat((Double) m.get("d")).isEqualTo(0.000123);
    assertThat((Double) m.get("big")).isEqualTo(1.5e7);
    assertThat(m.get("whole")).isEqualTo(3.0);
    assertThat(m).containsEntry("nan", null).containsEntry("n", null).containsEntry("b", true);
    assertThat(m.get("l")).isEqualTo(List.of(1L, 2.5, "x"));
    assertThat(m.get("arr")).isEqualTo(List.of(1.25, 2.0));
    assertThat(((Map<?, ?>) m.get("nested")).get("k")).isEqualTo(List.of(7L, 8L));
  }

  @Test
  void statsFollowThePythonScript() {
    assertThat(Stats.median(new double[] {3, 1, 2})).isEqualTo(2.0);
    assertThat(Stats.median(new double[] {4, 1, 2, 3})).isEqualTo(2.5);
    double[] sorted = new double[100];
    for (int i = 0; i < 100; i++) {
      sorted[i] = i + 1;
    }
    assertThat(Stats.percentile(sorted, 50)).isEqualTo(50.0);
    assertThat(Stats.percentile(sorted, 99)).isEqualTo(99.0);
    assertThat(Stats.percentile(new double[] {5}, 99)).isEqualTo(5.0);
    assertThat(Json.round(2.675, 2)).isEqualTo(2.67); // binary 2.67499..., as Python's round
    assertThat(Scenarios.defaultChunksize(1_000_000, 2)).isEqualTo(125_000);
    assertThat(Scenarios.defaultChunksize(200, 4)).isEqualTo(13);
    assertThat(Scenarios.defaultChunksize(100, 2)).isEqualTo(13);
  }

  @Test
  void quickUsesThePythonQuickSizes() {
    Args a = Args.parse(new String[] {"--quick", "--scenarios", "S2,S4", "--processes=2"});
    assertThat(a.scenarios).containsExactly("S2", "S4");
    assertThat(a.processes).containsExactly(2);
    assertThat(a.s2N).isEqualTo(20_000);
    assertThat(a.s4N).isEqualTo(300);
    assertThat(a.repeats).isEqualTo(2);
    assertThat(a.procsFor("S2")).containsExactly(2);
  }
}
