package io.procpool.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The progress example draws bars that end full and reports the workers' figures. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(NoOrphanWorkers.class)
class ProgressExampleTest {

  @Test
  void barsEndFullAndStatsNameTheWorkersAndTheSlowestTask() {
    List<String> lines = ProgressExample.run();
    List<String> bars = lines.stream().filter(l -> l.startsWith("[")).toList();
    assertThat(bars).isNotEmpty();
    assertThat(bars).last().isEqualTo("[####################] 100/100");
    assertThat(lines).contains("sum of squares: 328350");
    assertThat(lines.stream().filter(l -> l.startsWith("worker-"))).hasSize(2);
    assertThat(lines).anySatisfy(l -> assertThat(l).matches("slowest task: item \\d+, \\d+ ms"));
    long slowestMs = Long.parseLong(lines.get(lines.size() - 1).replaceAll("slowest task: item \\d+, (\\d+) ms", "$1"));
    assertThat(slowestMs).isGreaterThanOrEqualTo(40); // the longest task sleeps 40 ms
  }
}
