package io.procpool.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The JSON lines as the table scripts read them (one object per line, integers as Python ints,
 * every double as a float, a missing figure as null), the statistics, and {@code --quick}; its
 * {@link #records} reads a run's output for the other tests.
 */
class JsonTest {
  /** Strict reading: one object per line, no duplicate key, integers as Long, fractions as Double. */
  private static final ObjectMapper STRICT =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.USE_LONG_FOR_INTS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** The records of a run's output, one per non-blank line, in order. */
  static List<Map<String, Object>> records(String output) {
    List<Map<String, Object>> recs = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (!line.isBlank()) {
        try {
          recs.add(STRICT.readValue(line, new TypeReference<Map<String, Object>>() {}));
        } catch (JsonProcessingException e) {
          throw new UncheckedIOException("not one JSON object: " + line, e);
        }
      }
    }
    return recs;
  }

  @Test
  @SuppressWarnings("unchecked")
  void aRateRecordIsOneLineWithTheFieldsAndTypesTheTableScriptsRead() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Scenarios sc = new Scenarios(Args.parse(new String[] {"--quick"}), new PrintStream(buf, true, StandardCharsets.UTF_8));
    sc.context.put("other_cpu_busy_pct_before", (Double) null);
    Scenarios.Runs<Double> runs = new Scenarios.Runs<>();
    runs.samples.addAll(List.of(0.5, 0.25));
    runs.warmup.add(1.0);
    ObjectNode params = JsonLines.obj().put("n_tasks", 1000L).put("chunksize", 125L).put("chunksize_arg", (Integer) null);
    sc.emitRate(Scenarios.base("S2", "map_default_chunksize", "ProcessPool", "jvm", 2, params), 1000, runs, "tasks_per_s");

    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(out).endsWith("\n").doesNotContain("\n\n");
    assertThat(out.split("\n")).hasSize(1);
    Map<String, Object> r = records(out).get(0);
    assertThat(r.keySet()).containsExactly(
        "scenario", "variant", "impl", "start_method", "processes", "params", "metric", "median", "min", "max",
        "time_s", "repeats", "warmup_time_s", "other_cpu_busy_pct_before");
    assertThat(r).containsEntry("scenario", "S2").containsEntry("processes", 2L).containsEntry("repeats", 2L)
        .containsEntry("other_cpu_busy_pct_before", null);
    // whole rates stay floats (3000.0, not 3000), as Python's script writes them
    assertThat(r).containsEntry("median", 3000.0).containsEntry("min", 2000.0).containsEntry("max", 4000.0);
    assertThat(out).contains("\"median\":3000.0,");
    Map<String, Object> p = (Map<String, Object>) r.get("params");
    assertThat(p.keySet()).containsExactly("n_tasks", "chunksize", "chunksize_arg");
    assertThat(p).containsEntry("n_tasks", 1000L).containsEntry("chunksize", 125L).containsEntry("chunksize_arg", null);
    assertThat((Map<String, Object>) r.get("time_s")).containsEntry("median", 0.375)
        .containsEntry("samples", List.of(0.5, 0.25));
    assertThat(r.get("warmup_time_s")).isEqualTo(List.of(1.0));
  }

  @Test
  void writesWhatAStrictParserReadsBack() {
    ObjectNode o =
        JsonLines.obj()
            .put("s", "a \"quoted\" \\ line\nwith\ttabs and \u0001")
            .put("i", 42L)
            .put("d", 0.000123)
            .put("big", 1.5e7)
            .put("whole", 3.0)
            .put("nan", Double.NaN)
            .put("inf", Double.POSITIVE_INFINITY)
            .put("b", true)
            .putNull("n")
            .putPOJO("l", List.of(1, 2.5, "x"))
            .putPOJO("rounded", Stats.rounded(new double[] {1.25, 2, Double.NaN}, 2));
    o.putObject("nested").putPOJO("k", new long[] {7, 8});
    String line = JsonLines.write(o);
    assertThat(line).doesNotContain("\n").doesNotContain("NaN").doesNotContain("Infinity");
    Map<String, Object> m = records(line).get(0);
    assertThat(m.get("s")).isEqualTo("a \"quoted\" \\ line\nwith\ttabs and \u0001");
    assertThat(m.get("i")).isEqualTo(42L);
    assertThat(m.get("d")).isEqualTo(0.000123);
    assertThat(m.get("big")).isEqualTo(1.5e7);
    assertThat(m.get("whole")).isEqualTo(3.0);
    assertThat(m).containsEntry("nan", null).containsEntry("inf", null).containsEntry("n", null)
        .containsEntry("b", true);
    assertThat(m.get("l")).isEqualTo(List.of(1L, 2.5, "x"));
    assertThat(m.get("rounded")).isEqualTo(Arrays.asList(1.25, 2.0, null));
    assertThat(((Map<?, ?>) m.get("nested")).get("k")).isEqualTo(List.of(7L, 8L));
  }

  @Test
  void theReaderOfTheTestsIsStrict() {
    assertThatThrownBy(() -> records("{\"a\":1,\"a\":2}")).isInstanceOf(UncheckedIOException.class);
    assertThatThrownBy(() -> records("{\"a\":1}{\"b\":2}")).isInstanceOf(UncheckedIOException.class);
    assertThatThrownBy(() -> records("{\"a\":NaN}")).isInstanceOf(UncheckedIOException.class);
    assertThatThrownBy(() -> records("[1]")).isInstanceOf(UncheckedIOException.class);
    assertThat(records("{\"a\":1}\n\n{\"b\":2.0}\n")).containsExactly(Map.of("a", 1L), Map.of("b", 2.0));
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
    assertThat(Stats.round(2.675, 2)).isEqualTo(2.67); // binary 2.67499..., as Python's round
    assertThat(Stats.round(Double.NaN, 2)).isNaN();
    assertThat(Scenarios.defaultChunksize(1_000_000, 2)).isEqualTo(65_536); // Python's 125,000, capped
    assertThat(Scenarios.defaultChunksize(400_000, 2)).isEqualTo(50_000);
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
