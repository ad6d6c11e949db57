package io.procpool.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs the README's demo and checks that it shows every example with its result. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@ExtendWith(NoOrphanWorkers.class)
class DemoTest {

  @Test
  void theDemoRunsEverySeedExampleInOrderAndPrintsItsResult() throws Exception {
    String text;
    try (StdoutCapture out = new StdoutCapture()) {
      Demo.main(new String[0]);
      text = out.text();
    }
    List<String> titles = Demo.titles();
    assertThat(titles).hasSize(7);
    assertThat(text).containsSubsequence(titles.stream().map(t -> "== " + t + " ==").toList());
    assertThat(text)
        .containsSubsequence(
            "with multiprocessing.Pool(processes=4) as pool:",
            "    [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]",
            "pool.apply_async(worker_function, (5,))",
            "    25",
            "pool.close()",
            "    [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]",
            "squared_numbers = pool.map(square, numbers)",
            "    [0, 1, 4, 9, 16, ..., 990025, 992016, 994009, 996004, 998001] (1000 values)",
            "total_result = sum(results)",
            "    499999500000",
            "except ZeroDivisionError as e:",
            "    result = null",
            "except Exception as e:",
            "    Error getting result: java.lang.ArithmeticException: / by zero",
            "All 7 examples ran in ");
  }

  @Test
  void abbreviateKeepsShortListsAndShortensLongOnes() {
    assertThat(Demo.abbreviate(List.of(1, 2, 3))).isEqualTo("[1, 2, 3]");
    assertThat(Demo.abbreviate(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)))
        .isEqualTo("[0, 1, 2, 3, 4, ..., 8, 9, 10, 11, 12] (13 values)");
  }
}
