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

/** The cold column at smoke-test sizes: every row the Python side has, in the shape the table reads; never the numbers. */
class ColdTest {
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void quickColdRowsPrintJsonLines() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    assertThat(Cold.run(new String[] {"--quick", "--repeats", "1"}, out)).isZero();
    List<Map<String, Object>> recs = JsonTest.records(buf.toString(StandardCharsets.UTF_8));
    assertThat(recs.get(0)).containsEntry("scenario", "meta").containsEntry("mode", "cold");
    assertThat(recs.get(recs.size() - 1)).containsEntry("scenario", "meta_end").containsEntry("failed", 0L);
    List<Map<String, Object>> rows = recs.subList(1, recs.size() - 1);
    assertThat(rows).extracting(r -> r.get("variant")).containsExactly("S2_map_default_chunksize", "S2_map_chunksize_1",
        "S3_imap_chunksize_1", "S3_imap_chunksize_100", "S5_apply_async");
    for (Map<String, Object> r : rows) {
      assertThat(r).containsEntry("scenario", "COLD").containsEntry("metric", "items_per_s").containsKeys("median", "total_ms");
      assertThat(((Number) r.get("median")).doubleValue()).isPositive();
    }
  }

  @Test
  void aBadOptionIsRefused() {
    assertThat(Cold.run(new String[] {"--bogus"}, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
        .isEqualTo(-1);
  }
}
