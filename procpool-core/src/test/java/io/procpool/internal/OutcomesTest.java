package io.procpool.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procpool.ProcessPool;
import io.procpool.SerializableFunction;
import io.procpool.ThreadPool;
import io.procpool.WorkerCrashedException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link AbstractPool#outcomesAsync}, the relay's map (a cluster agent runs a driver's bundle of
 * batches with it): every item's own outcome, so that one item's crash or exception loses no other
 * item's result.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OutcomesTest {

  static Object crashOnFiveThrowOnThree(Object x) {
    int i = (Integer) x;
    if (i == 5) {
      Runtime.getRuntime().halt(7);
    }
    if (i == 3) {
      throw new IllegalArgumentException("three");
    }
    return i * 2;
  }

  static Object throwOnThree(Object x) {
    if ((Integer) x == 3) {
      throw new IllegalArgumentException("three");
    }
    return (Integer) x * 2;
  }

  private static Object[] inputs(int n) {
    Object[] in = new Object[n];
    for (int i = 0; i < n; i++) {
      in[i] = i;
    }
    return in;
  }

  @Test
  void aCrashAndAnExceptionFailOnlyTheirOwnItemsOnProcesses() throws Exception {
    try (ProcessPool pool = ProcessPool.create(2)) {
      SerializableFunction<Object, Object> fn = OutcomesTest::crashOnFiveThrowOnThree;
      Object[] out = pool.outcomesAsync(fn, inputs(12), 1).get(30, TimeUnit.SECONDS);
      assertThat(out).hasSize(12);
      for (int i = 0; i < 12; i++) {
        if (i == 5) {
          assertThat(out[i]).isInstanceOf(Failure.class);
          assertThat(((Failure) out[i]).cause()).isInstanceOf(WorkerCrashedException.class);
        } else if (i == 3) {
          assertThat(out[i]).isInstanceOf(Failure.class);
          assertThat(((Failure) out[i]).cause()).isInstanceOf(IllegalArgumentException.class).hasMessage("three");
        } else {
          assertThat(out[i]).as("item %d", i).isEqualTo(i * 2);
        }
      }
      // the pool replaced the crashed worker and goes on
      Object next = pool.apply((Integer x) -> x + 1, 41);
      assertThat(next).isEqualTo(42);
    }
  }

  @Test
  void threadsGiveTheSameShape() throws Exception {
    try (ThreadPool pool = ThreadPool.create(2)) {
      Object[] out = pool.outcomesAsync(OutcomesTest::throwOnThree, inputs(7), 2).get(30, TimeUnit.SECONDS);
      assertThat(out[3]).isInstanceOf(Failure.class);
      assertThat(out[6]).isEqualTo(12);
      assertThat(pool.outcomesAsync(OutcomesTest::throwOnThree, new Object[0], 1).get(5, TimeUnit.SECONDS)).isEmpty();
    }
  }

  @Test
  void badArgumentsAreRefusedAtTheCall() {
    try (ThreadPool pool = ThreadPool.create(1)) {
      assertThatThrownBy(() -> pool.outcomesAsync(OutcomesTest::throwOnThree, inputs(2), 0))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chunksize");
      assertThatThrownBy(() -> pool.outcomesAsync(null, inputs(2), 1)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> pool.outcomesAsync(OutcomesTest::throwOnThree, inputs(2), 1, new int[3]))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tasksPerItem");
    }
  }

  static Object pid(Object ignored) {
    return ProcessHandle.current().pid();
  }

  @Test
  void maxTasksPerChildCountsTheTasksAnItemStandsFor() throws Exception {
    // each item stands for 3 tasks (a relayed chunk of 3): with maxTasksPerChild(3) the pool sends a
    // worker one item and then replaces it, so every item runs on a worker JVM of its own
    try (ProcessPool pool = ProcessPool.builder().processes(1).maxTasksPerChild(3).build()) {
      Object[] out = pool.outcomesAsync(OutcomesTest::pid, inputs(4), 1, new int[] {3, 3, 3, 3}).get(60, TimeUnit.SECONDS);
      assertThat(new java.util.HashSet<>(java.util.Arrays.asList(out))).hasSize(4);
      Object[] counted = pool.outcomesAsync(OutcomesTest::pid, inputs(3), 1).get(60, TimeUnit.SECONDS);
      assertThat(new java.util.HashSet<>(java.util.Arrays.asList(counted))).as("one task each: one worker for 3").hasSize(1);
    }
  }
}
