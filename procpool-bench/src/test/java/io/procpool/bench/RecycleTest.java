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

/** The recycle rows at smoke-test sizes: every row the Python side has, with and without spares, in the shape the table reads. */
class RecycleTest {
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void quickRecycleRowsPrintJsonLines() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    assertThat(Recycle.run(new String[] {"--quick", "--repeats", "1"}, out)).isZero();
    List<Map<String, Object>> recs = JsonTest.records(buf.toString(StandardCharsets.UTF_8));
    assertThat(recs.get(0)).containsEntry("scenario", "meta").containsEntry("mode", "recycle");
    assertThat(recs.get(recs.size() - 1)).containsEntry("scenario", "meta_end").containsEntry("failed", 0L);
    List<Map<String, Object>> rows = recs.subList(1, recs.size() - 1);
    assertThat(rows).extracting(r -> r.get("variant")).containsExactly("map_maxtasksperchild_1+spares_0",
        "map_maxtasksperchild_1+spares_2", "crash_then_next_task+spares_0", "crash_then_next_task+spares_1");
    for (Map<String, Object> r : rows) {
      assertThat(r).containsEntry("scenario", "RECYCLE").containsEntry("metric", "ms").containsKeys("median", "spares");
      assertThat(((Number) r.get("median")).doubleValue()).isPositive();
    }
  }

  @Test
  void aBadOptionIsRefused() {
    assertThat(Recycle.run(new String[] {"--bogus"}, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
        .isEqualTo(-1);
  }
}
