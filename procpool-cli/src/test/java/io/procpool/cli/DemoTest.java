package io.procpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code procpool demo} on a small job: the tutorial's results and the three timings. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DemoTest {

  @Test
  void demoPrintsTheExamplesAndTheSpeedups() {
    Cli.Result r = Cli.run("demo", "--items", "20", "--work-ms", "2", "-p", "2");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]")
        .contains("\n   25   (")
        .contains("[0, 1, 4, 9, 16, ..., 994009, 996004, 998001] (1000 values)")
        .contains("499999500000")
        .contains("result = null")
        .contains("Error getting result: java.lang.ArithmeticException: / by zero")
        .contains("CPU-bound job: 20 tasks of about 2 ms each, 2 workers")
        .containsPattern("serial +\\d+\\.\\d\\d s")
        .containsPattern("ThreadPool\\(2\\) +\\d+\\.\\d\\d s   speed-up \\d+\\.\\d\\dx")
        .containsPattern("ProcessPool\\(2\\) +\\d+\\.\\d\\d s   speed-up \\d+\\.\\d\\dx")
        .contains("All three computed the same sum");
  }
}
