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
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    assertThat(Scale.run(new String[] {"--quick", "--parts", "items,rss"}, out)).isZero();
    List<Map<String, Object>> recs = new ArrayList<>();
    for (String line : buf.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        recs.add((Map<String, Object>) MiniJson.parse(line));
      }
    }
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
