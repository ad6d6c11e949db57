package io.procpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procpool.testing.Tasks;
import java.io.FileNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The rows of the crash matrix that apply to threads (4, 12, 13, 15, 16). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThreadPoolCrashMatrixTest {

  @Test
  void row04_theTaskExceptionIsTheVeryObjectThrown() {
    RuntimeException thrown = new IllegalStateException("mine");
    try (ThreadPool pool = ThreadPool.create(2)) {
      assertThatThrownBy(() -> pool.apply(() -> {
        throw thrown;
      })).isInstanceOf(TaskFailedException.class).cause().isSameAs(thrown);
      assertThatThrownBy(() -> pool.apply(Tasks::throwChecked, "x")).cause().isExactlyInstanceOf(FileNotFoundException.class);
      assertThatThrownBy(() -> pool.apply(Tasks::recurse, 0)).cause().isExactlyInstanceOf(StackOverflowError.class);
      assertThat(pool.apply(Tasks::square, 3)).isEqualTo(9);
    }
  }

  @Test
  void row12_failingInitializerFailsTasksWithItsException() {
    try (ThreadPool pool = ThreadPool.builder().processes(2).initializer(() -> {
      throw new IllegalStateException("no database");
    }).build()) {
      assertThatThrownBy(() -> pool.map(Tasks::square, List.of(1, 2, 3, 4)))
          .cause().isExactlyInstanceOf(IllegalStateException.class).hasMessage("no database");
    }
  }

  @Test
  void row13_throwingCallbacksAreLoggedAndResultsStillDelivered() throws Exception {
    try (ThreadPool pool = ThreadPool.create(2)) {
      AsyncResult<Object> r = pool.applyAsync(() -> 42, v -> {
        throw new IllegalStateException("callback bug");
      }, null);
      assertThat(r.get()).isEqualTo(42);
      assertThat(pool.apply(Tasks::square, 4)).isEqualTo(16);
    }
  }

  @Test
  void row15_terminateInterruptsRunningTasksAndFailsEverything() throws Exception {
    ThreadPool pool = ThreadPool.create(2);
    CountDownLatch running = new CountDownLatch(2);
    CountDownLatch interrupted = new CountDownLatch(2);
    List<AsyncResult<Object>> results = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      results.add(pool.applyAsync(() -> {
        running.countDown();
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException e) {
          interrupted.countDown();
          throw e;
        }
        return "finished";
      }));
    }
    AsyncResult<List<Object>> queued = pool.mapAsync(Tasks::sleepMillis, Collections.nCopies(1000, 60_000L), 1);
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    long t0 = System.nanoTime();
    pool.terminate();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
    for (AsyncResult<Object> r : results) {
      assertThatThrownBy(r::get).isInstanceOf(ExecutionException.class).cause().isInstanceOf(PoolTerminatedException.class);
    }
    assertThatThrownBy(queued::get).cause().isInstanceOf(PoolTerminatedException.class);
    pool.join();
  }

  @Test
  void row16_closeAfterPartlyConsumingImapOverAnEndlessInput() {
    ThreadPool pool = ThreadPool.create(2);
    Iterable<Integer> endless = () -> new java.util.Iterator<>() {
      int i;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Integer next() {
        return ++i;
      }
    };
    ResultIterator<Object> it = pool.imap(Tasks::square, endless);
    assertThat(it.next()).isEqualTo(1);
    assertThat(it.next()).isEqualTo(4);
    pool.close();
    assertThatThrownBy(() -> {
      while (true) {
        it.next();
      }
    }).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }
}
