package io.procpool.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs a tiny benchmark and checks the shape of its output, never the numbers. */
class BenchMainTest {
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  @SuppressWarnings("unchecked")
  void quickS2PrintsJsonLinesInThePythonSchema() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    int errors =
        BenchMain.run(new String[] {"--quick", "--scenarios", "S2", "--processes", "2", "--repeats", "1", "--skip-health"}, out);
    assertThat(errors).isZero();
    List<Map<String, Object>> recs = JsonTest.records(buf.toString(StandardCharsets.UTF_8));
    assertThat(recs.get(0)).containsEntry("scenario", "meta").containsKeys(
        "java_version", "java_vendor", "cpu_count", "loadavg_start", "other_cpu_busy_pct_start",
        "parallel_capacity_start", "args");
    Map<String, Object> end = recs.get(recs.size() - 1);
    assertThat(end).containsEntry("scenario", "meta_end").containsKeys(
        "total_s", "other_cpu_busy_pct_end", "parallel_capacity_end");
    assertThat(end.get("live_child_processes_end")).isEqualTo(0L);
    List<Map<String, Object>> s2 = recs.subList(1, recs.size() - 1);
    assertThat(s2).hasSize(4);
    for (Map<String, Object> r : s2) {
      assertThat(r).containsEntry("scenario", "S2").containsEntry("metric", "tasks_per_s")
          .containsEntry("processes", 2L).containsEntry("repeats", 1L)
          .containsKeys("variant", "impl", "params", "median", "min", "max", "time_s", "warmup_time_s");
      assertThat((Double) r.get("median")).isPositive();
      assertThat((List<?>) ((Map<String, Object>) r.get("time_s")).get("samples")).hasSize(1);
    }
    assertThat(s2).extracting(r -> r.get("impl") + "/" + r.get("variant")).containsExactly(
        "ProcessPool/map_default_chunksize", "ProcessPool/map_chunksize_1",
        "ThreadPool/map_default_chunksize", "ThreadPool/map_chunksize_1");
    assertThat(((Map<String, Object>) s2.get(0).get("params")).get("chunksize")).isEqualTo(2_500L);
  }

  @Test
  void badArgumentsAreRefused() {
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThat(BenchMain.run(new String[] {"--scenarios", "S11"}, out)).isEqualTo(-1);
    assertThat(BenchMain.run(new String[] {"--bogus"}, out)).isEqualTo(-1);
  }
}
