package io.procpool.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.procpool.ProcessPool;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Seed example 6: an exception caught in the worker, and one caught by the caller. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(NoOrphanWorkers.class)
class SeedExceptionExampleTest {

  @Test
  void theWorkerCatchesItsExceptionPrintsItAndReturnsNull() throws Exception {
    try (StdoutCapture out = new StdoutCapture()) {
      assertThat(SeedExceptionExample.runCaughtInWorker()).isNull();
      // the worker's line travels through its stdout pipe, which the pool copies asynchronously
      await().atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(out.text())
              .containsPattern("(?m)^\\[procpool-\\d+ worker-\\d+\\] Error in worker function: / by zero$"));
    }
  }

  @Test
  void theCallerCatchesTheWorkersExceptionAroundGet() throws Exception {
    assertThat(SeedExceptionExample.runCaughtByCaller())
        .isEqualTo("Error getting result: java.lang.ArithmeticException: / by zero");
  }

  @Test
  void getThrowsExecutionExceptionWhoseCauseIsTheWorkersArithmeticException() {
    try (ProcessPool pool = ProcessPool.create(1)) {
      assertThatThrownBy(() -> pool.applyAsync(SeedExceptionExample::unsafeWorkerFunction, 0).get())
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isExactlyInstanceOf(ArithmeticException.class)
          .hasMessage("/ by zero")
          .satisfies(c -> assertThat(c.getStackTrace())
              .anyMatch(f -> f.getMethodName().equals("unsafeWorkerFunction")));
    }
  }

  @Test
  void theTasksComputeOneOverXLikeJavaIntegerDivision() {
    assertThat(SeedExceptionExample.workerFunction(1)).isEqualTo(1);
    assertThat(SeedExceptionExample.workerFunction(5)).isZero();
    assertThat(SeedExceptionExample.unsafeWorkerFunction(-1)).isEqualTo(-1);
  }
}
