package io.procpool.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs the scale curves at smoke-test sizes and checks the shape of the output, never the numbers. */
class ScaleTest {
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  @SuppressWarnings("unchecked")
  void quickItemsAndRssPrintJsonLines() {
    List<Map<String, Object>> recs = runQuick("items,rss");
    assertThat(recs.get(0)).containsEntry("scenario", "meta").containsEntry("mode", "scale");
    Map<String, Object> end = recs.get(recs.size() - 1);
    assertThat(end).containsEntry("scenario", "meta_end");
    assertThat(end.get("live_child_processes_end")).isEqualTo(0L);
    List<Map<String, Object>> body = recs.subList(1, recs.size() - 1);
    for (Map<String, Object> r : body) {
      assertThat(r).containsKeys("scenario", "variant", "impl", "processes", "params", "metric", "median", "min", "max");
    }
    assertThat(body).filteredOn(r -> r.get("scenario").equals("SCALE-items"))
        .extracting(r -> r.get("variant") + "/" + r.get("metric"))
        .contains("map/items_per_s", "imap/items_per_s", "imap/caller_peak_used_heap_mib");
    assertThat(body).filteredOn(r -> r.get("scenario").equals("SCALE-rss"))
        .extracting(r -> r.get("variant")).contains("default_options", "override_xmx64m_c1");
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  @SuppressWarnings("unchecked")
  void quickWorkersCurveHasEveryVariantAndTheWarmPointComesAfterItsWarmUp() {
    List<Map<String, Object>> recs = runQuick("workers");
    assertThat(recs.get(recs.size() - 1)).containsEntry("live_child_processes_end", 0L);
    List<Map<String, Object>> workers = recs.subList(1, recs.size() - 1);
    for (long procs : new long[] {1, 2}) {
      assertThat(workers).filteredOn(r -> r.get("processes").equals(procs)).extracting(r -> r.get("variant"))
          .contains("pool_start", "map_default_chunks", "map_chunksize_1", "map_chunksize_1_warm", "map_chunksize_1_c1_workers");
    }
    // quick: 1,000 items per call, 1 timed call after 2 warm-ups: 3,000 ran before the warm-up, and
    // 2 workers x 2,000 tasks want one more call; 1 worker x 2,000 want none
    Map<String, Object> warm2 = workers.stream()
        .filter(r -> r.get("processes").equals(2L) && r.get("variant").equals("map_chunksize_1_warm")).findFirst().orElseThrow();
    assertThat((Map<String, Object>) warm2.get("params")).containsEntry("warm_up_items", 1000L).containsEntry("tasks_per_worker_before", 2000L);
    Map<String, Object> warm1 = workers.stream()
        .filter(r -> r.get("processes").equals(1L) && r.get("variant").equals("map_chunksize_1_warm")).findFirst().orElseThrow();
    assertThat((Map<String, Object>) warm1.get("params")).containsEntry("warm_up_items", 0L);
    assertThat((Double) warm2.get("median")).isPositive();
  }

  /** Runs {@code --scale --quick --parts parts}, checks it succeeded, and returns its records. */
  private static List<Map<String, Object>> runQuick(String parts) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    assertThat(Scale.run(new String[] {"--quick", "--parts", parts}, out)).isZero();
    return JsonTest.records(buf.toString(StandardCharsets.UTF_8));
  }

  @Test
  void lazyRangeIsLazyAndRepeatable() {
    Iterable<Long> xs = Scale.lazyRange(3);
    List<Long> a = new ArrayList<>();
    xs.forEach(a::add);
    List<Long> b = new ArrayList<>();
    xs.forEach(b::add);
    assertThat(a).containsExactly(0L, 1L, 2L).isEqualTo(b);
  }

  @Test
  void badArgumentsAreRefused() {
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThat(Scale.run(new String[] {"--parts", "nope"}, out)).isEqualTo(-1);
    assertThat(Scale.run(new String[] {"--repeats", "0"}, out)).isEqualTo(-1);
    assertThat(Scale.run(new String[] {"--bogus"}, out)).isEqualTo(-1);
  }
}
