package io.procpool.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.ProcessPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** What procpool adds to Python's Pool, as the README shows it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(NoOrphanWorkers.class)
class BeyondPythonExampleTest {

  @Test
  void aWorkerThatExitsFailsItsTaskAndIsReplaced() {
    try (ProcessPool pool = ProcessPool.create(1)) {
      assertThat(BeyondPythonExample.workerCrash(pool)).isEqualTo("crashed with exit code 3, then 42");
    }
  }

  @Test
  void aTaskPastItsTimeoutIsKilled() {
    assertThat(BeyondPythonExample.taskTimeout()).isEqualTo("TaskTimeoutException after PT0.5S, then 42");
  }

  @Test
  void imapReadsAnEndlessInputLazily() {
    try (ProcessPool pool = ProcessPool.create(2)) {
      assertThat(BeyondPythonExample.lazyImap(pool)).containsExactly(1, 4, 9, 16, 25);
    }
  }

  @Test
  void theWorkersExceptionKeepsItsClassMessageAndFrames() {
    try (ProcessPool pool = ProcessPool.create(1)) {
      assertThat(BeyondPythonExample.remoteException(pool))
          .isEqualTo("java.lang.NumberFormatException: For input string: \"abc\""
              + " at java.lang.NumberFormatException.forInputString");
    }
  }

  @Test
  void jvmOptionsReachTheWorkers() {
    assertThat(BeyondPythonExample.jvmOptions()).isBetween(32L, 64L);
  }

  @Test
  void withMaxTasksPerChild1AndASpareEveryItemRunsOnAFreshWorker() {
    assertThat(BeyondPythonExample.oneTaskPerWorker()).isEqualTo(4);
  }

  @Test
  void noWorkerOutlivesClose() {
    assertThat(BeyondPythonExample.anyWorkerAliveAfterClose()).isFalse();
  }
}
