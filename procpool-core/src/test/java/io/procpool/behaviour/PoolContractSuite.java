package io.procpool.behaviour;

import static io.procpool.behaviour.Fixtures.pairs;
import static io.procpool.behaviour.Fixtures.range;
import static io.procpool.behaviour.Fixtures.squares;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.procpool.AsyncResult;
import io.procpool.Pool;
import io.procpool.ResultIterator;
import io.procpool.SerializableFunction;
import io.procpool.TaskFailedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behaviour that the Javadoc promises but CPython's tests do not cover (argument checks, failure
 * reporting, {@code close()}/{@code terminate()} semantics, {@code ResultIterator} and
 * {@code AsyncResult} details). Run for every backend through {@link PoolBehaviourSuite}.
 */
@Timeout(value = 60, unit = SECONDS)
abstract class PoolContractSuite extends PoolSuiteSupport {

  /** Contract: bad arguments are rejected at the call. */
  @Test
  void test_argument_checks() {
    SerializableFunction<Integer, Integer> f = Fixtures::sqr;
    List<Integer> xs = range(3);
    for (int cs : new int[] {0, -1}) {
      List<Runnable> calls = List.of(
          () -> pool.map(f, xs, cs),
          () -> pool.mapAsync(f, xs, cs),
          () -> pool.mapAsync(f, xs, cs, null, null),
          () -> pool.starmap(Fixtures::mul, pairs(3), cs),
          () -> pool.starmapAsync(Fixtures::mul, pairs(3), cs),
          () -> pool.imap(f, xs, cs),
          () -> pool.imapUnordered(f, xs, cs));
      for (Runnable call : calls) {
        assertThatThrownBy(call::run).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chunksize");
      }
    }
    List<Runnable> nulls = List.of(
        () -> pool.map(null, xs),
        () -> pool.map(f, null),
        () -> pool.mapAsync(null, xs),
        () -> pool.mapAsync(f, null),
        () -> pool.starmap(null, pairs(3)),
        () -> pool.starmap(Fixtures::mul, null),
        () -> pool.imap(null, xs),
        () -> pool.imap(f, null),
        () -> pool.imapUnordered(f, null),
        () -> pool.apply(null),
        () -> pool.apply(null, 1),
        () -> pool.applyAsync(null),
        () -> pool.applyAsync(null, 1));
    for (Runnable call : nulls) {
      assertThatThrownBy(call::run).isInstanceOf(NullPointerException.class);
    }
    assertThatThrownBy(pool::join).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> pool.join(Duration.ZERO)).isInstanceOf(IllegalStateException.class);
    assertThat(pool.map(f, xs)).isEqualTo(squares(3)); // still running
  }

  /**
   * Contract: a failed task is a {@link TaskFailedException} (blocking calls) or an
   * {@link ExecutionException} (futures) whose cause is the task's exception, same class and
   * message; the lowest failed index is named.
   */
  @Test
  void test_task_failure_is_the_cause() {
    assertFailure(() -> pool.map(Fixtures::failAt3, range(10)), 3);
    assertFailure(() -> pool.map(Fixtures::failAt3, range(10), 4), 3);
    assertFailure(() -> pool.starmap((a, b) -> Fixtures.failAt3(a + b), List.of(Map.entry(0, 1), Map.entry(1, 2))), 1);
    assertFailure(() -> pool.apply(Fixtures::failAt3, 3), -1);
    assertFailure(() -> pool.apply(() -> Fixtures.failAt3(3)), -1);
    for (AsyncResult<?> r : List.of(
        pool.mapAsync(Fixtures::failAt3, range(10)),
        pool.starmapAsync((a, b) -> Fixtures.failAt3(a + b), List.of(Map.entry(1, 2))),
        pool.applyAsync(Fixtures::failAt3, 3),
        pool.applyAsync(() -> Fixtures.failAt3(3)))) {
      assertThatThrownBy(r::get)
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isExactlyInstanceOf(ArithmeticException.class)
          .hasMessage("item 3 failed");
    }
  }

  private static void assertFailure(Runnable call, int index) {
    Throwable e = catchThrown(call);
    assertThat(e).isExactlyInstanceOf(TaskFailedException.class);
    assertThat(((TaskFailedException) e).index()).isEqualTo(index);
    assertThat(e.getCause()).isExactlyInstanceOf(ArithmeticException.class).hasMessage("item 3 failed");
  }

  /** Contract: map fails with the lowest-indexed failure, not the first in time. */
  @Test
  void test_map_reports_lowest_failed_index() {
    Throwable e = catchThrown(() -> pool.map(Fixtures::failAt2SlowlyAnd5, range(8), 1));
    assertThat(e).isExactlyInstanceOf(TaskFailedException.class);
    assertThat(((TaskFailedException) e).index()).isEqualTo(2);
    assertThat(e.getCause()).hasMessage("item 2 failed");

    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    AsyncResult<List<Integer>> r = pool.mapAsync(Fixtures::failAt2SlowlyAnd5, range(8), 1, null, errors::add);
    assertThatThrownBy(() -> r.get(30, SECONDS)).isInstanceOf(ExecutionException.class).cause().hasMessage("item 2 failed");
    assertThat(errors).singleElement().satisfies(err -> assertThat(err).hasMessage("item 2 failed"));
  }

  /** Contract: a failed item of imap throws for that item only; iteration goes on. */
  @Test
  void test_imap_failed_item_does_not_end_iteration() {
    try (ResultIterator<Integer> it = pool.imap(Fixtures::failAt3, range(6))) {
      assertThat(it.next()).isEqualTo(0);
      assertThat(it.next()).isEqualTo(1);
      assertThat(it.next()).isEqualTo(4);
      Throwable e = catchThrown(it::next);
      assertThat(e).isExactlyInstanceOf(TaskFailedException.class);
      assertThat(((TaskFailedException) e).index()).isEqualTo(3);
      assertThat(e.getCause()).isExactlyInstanceOf(ArithmeticException.class).hasMessage("item 3 failed");
      assertThat(it.next()).isEqualTo(16);
      assertThat(it.next()).isEqualTo(25);
      assertThat(it.hasNext()).isFalse();
    }
    try (ResultIterator<Integer> it = pool.imapUnordered(Fixtures::failAt3, range(6))) {
      List<Integer> values = new ArrayList<>();
      int failures = 0;
      while (it.hasNext()) {
        try {
          values.add(it.next());
        } catch (TaskFailedException e) {
          assertThat(e.getCause()).isExactlyInstanceOf(ArithmeticException.class);
          failures++;
        }
      }
      assertThat(values).containsExactlyInAnyOrder(0, 1, 4, 16, 25);
      assertThat(failures).isOne();
    }
  }

  /** Contract: {@code next(timeout)} times out without losing the item. */
  @Test
  void test_imap_next_timeout() throws Exception {
    try (ResultIterator<Integer> it = pool.imap(x -> Fixtures.sqr(x, 500), List.of(7))) {
      assertThatThrownBy(() -> it.next(Duration.ofMillis(50))).isInstanceOf(TimeoutException.class);
      assertThat(it.next(LONG)).isEqualTo(49);
      assertThat(it.hasNext()).isFalse();
    }
  }

  /** Contract: closing an iterator from another thread ends a blocked {@code next()} at once. */
  @Test
  void test_iterator_close_from_another_thread() throws Exception {
    ResultIterator<Integer> it = pool.imap(x -> Fixtures.sqr(x, 2000), List.of(1));
    ExecutorService consumer = Executors.newSingleThreadExecutor(r -> new Thread(r, "blocked-next"));
    try {
      Future<Integer> blocked = consumer.submit(() -> it.next()); // it::next is ambiguous (next is overloaded)
      await().atMost(LONG).until(() -> blocked.isDone() || isBlockedInNext("blocked-next"));
      it.close();
      assertThat(blocked)
          .failsWithin(Duration.ofSeconds(1))
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(IllegalStateException.class);
    } finally {
      consumer.shutdownNow();
    }
  }

  /** Whether the named thread is inside {@code ResultIterator.next()}. */
  private static boolean isBlockedInNext(String threadName) {
    return Thread.getAllStackTraces().entrySet().stream()
        .anyMatch(e -> e.getKey().getName().equals(threadName)
            && Arrays.stream(e.getValue()).anyMatch(frame -> frame.getMethodName().equals("next")
                && frame.getClassName().startsWith("io.procpool")));
  }

  /**
   * Pull-based dispatch (CPython's shared task queue): no task waits behind a running one while
   * another worker is idle, also after many fast tasks (when a process worker's window has grown).
   */
  @Test
  void test_no_task_waits_behind_a_running_one(@TempDir Path tmp) throws Exception {
    assertThat(pool.map(Fixtures::sqr, range(2000), 1)).hasSize(2000); // warm up
    String dir = tmp.toString();
    ResultIterator<Integer> it = pool.imapUnordered(x -> x == 0 ? Fixtures.blockUntilReleased(dir, 0) : x, range(8));
    try {
      Set<Integer> fast = new HashSet<>();
      for (int i = 0; i < 7; i++) {
        try {
          fast.add(it.next(Duration.ofSeconds(10)));
        } catch (TimeoutException e) {
          throw new AssertionError("only " + fast + " arrived while item 0 ran; " + pool.stats(), e);
        }
      }
      assertThat(fast).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7);
      Fixtures.touch(dir, "release");
      assertThat(it.next(LONG)).isZero();
    } finally {
      Fixtures.touch(dir, "release");
      it.close();
    }
  }

  /** Contract: pools are thread-safe; many threads may submit at once. */
  @Test
  void test_concurrent_submitters() throws Exception {
    ExecutorService submitters = Executors.newFixedThreadPool(8);
    try {
      List<Future<List<Integer>>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int chunksize = t + 1;
        results.add(submitters.submit(() -> pool.map(Fixtures::sqr, range(200), chunksize)));
        results.add(submitters.submit(() -> drain(pool.imapUnordered(Fixtures::sqr, range(50)))));
      }
      for (Future<List<Integer>> r : results) {
        assertThat(r.get(30, SECONDS)).containsExactlyInAnyOrderElementsOf(squares(r.get().size()));
      }
    } finally {
      submitters.shutdownNow();
    }
  }

  /**
   * Contract: {@code successful()} needs a ready result; {@code waitFor()} reports readiness and
   * never throws the task's failure.
   */
  @Test
  void test_async_result_state() throws Exception {
    AsyncResult<Integer> slow = pool.applyAsync(x -> Fixtures.sqr(x, 1000), 5);
    assertThat(slow.ready()).isFalse();
    assertThatThrownBy(slow::successful).isInstanceOf(IllegalStateException.class);
    assertThat(slow.waitFor(Duration.ofMillis(10))).isFalse();
    assertThat(slow.waitFor(LONG)).isTrue();
    assertThat(slow.ready()).isTrue();
    assertThat(slow.successful()).isTrue();
    assertThat(slow.get(0, SECONDS)).isEqualTo(25);

    assertThat(slow.toCompletableFuture()).succeedsWithin(LONG).isEqualTo(25);

    AsyncResult<Integer> failed = pool.applyAsync(Fixtures::failAt3, 3);
    assertThat(failed.waitFor(LONG)).isTrue();
    assertThat(failed.successful()).isFalse();
    assertThatThrownBy(() -> failed.get(1, SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isExactlyInstanceOf(ArithmeticException.class);
    assertThat(failed.toCompletableFuture())
        .failsWithin(LONG)
        .withThrowableOfType(ExecutionException.class)
        .withCauseExactlyInstanceOf(ArithmeticException.class);
  }

  /**
   * Contract: {@code close()} is graceful and blocking: submitted work finishes before it
   * returns, {@code join()} then returns at once, a second close is a no-op, submissions fail.
   */
  @Test
  void test_close_is_graceful_and_blocking() throws Exception {
    Pool p = newPool(2);
    List<AsyncResult<Integer>> results = new ArrayList<>();
    try {
      for (int i = 0; i < 6; i++) {
        results.add(p.applyAsync(x -> Fixtures.sqr(x, 200), i));
      }
      p.close();
      for (int i = 0; i < 6; i++) {
        assertThat(results.get(i).isDone()).isTrue();
        assertThat(results.get(i).get(0, SECONDS)).isEqualTo(i * i);
      }
      assertThat(p.join(Duration.ZERO)).isTrue();
      p.join();
      p.close();
      assertSubmissionsRejected(p);
    } finally {
      p.terminate();
    }
  }

  /**
   * Contract: {@code close()} returns after the submitted work has finished, including the
   * callbacks that {@code get()} waits for (CPython's {@code close(); join()} waits for the result
   * handler, which runs them).
   */
  @Test
  void test_close_waits_for_callbacks() throws Exception {
    Pool p = newPool(1);
    List<Object> calls = Collections.synchronizedList(new ArrayList<>());
    AsyncResult<Integer> r;
    try {
      r = p.applyAsync(() -> 5, v -> {
        try {
          Thread.sleep(500); // a slow callback
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        calls.add(v);
      }, null);
    } finally {
      p.close();
    }
    assertThat(calls).containsExactly(5);
    assertThat(r.isDone()).isTrue();
  }

  /**
   * Contract (Pool#close, ResultIterator#next): closing the pool stops a lazy iterator's input;
   * what was submitted is still returned, in order, then {@code next()} throws
   * IllegalStateException. {@code close()} does not wait for the unread (endless) input.
   */
  @Test
  void test_close_stops_lazy_iterators() {
    Pool p = newPool(2);
    try {
      AtomicInteger pulled = new AtomicInteger();
      Iterable<Integer> endless = Fixtures.naturalsCounted(pulled);
      ResultIterator<Integer> it = p.imap(Fixtures::sqr, endless);
      assertThat(it.next()).isZero();
      p.close();
      int read = pulled.get();
      List<Integer> rest = new ArrayList<>();
      assertThatThrownBy(() -> {
        while (true) {
          rest.add(it.next());
        }
      }).isInstanceOf(IllegalStateException.class);
      assertThat(rest).isEqualTo(squares(read).subList(1, read));
      assertThat(pulled.get()).isEqualTo(read);
    } finally {
      p.terminate();
    }
  }

  /**
   * Contract (PoolBuilder#imapLookahead): with a cap, {@code imap} and {@code imapUnordered} never
   * hold more than {@code max(cap, chunksize)} items the consumer has not taken, at every take.
   */
  @Test
  void test_imap_lookahead_cap_holds_at_every_take() {
    try (Pool p = newBuilder().processes(2).imapLookahead(6).build()) {
      for (int chunksize : new int[] {1, 4, 10}) {
        for (boolean ordered : new boolean[] {true, false}) {
          AtomicInteger pulled = new AtomicInteger();
          Iterable<Integer> endless = Fixtures.naturalsCounted(pulled);
          int cap = Math.max(6, chunksize);
          try (ResultIterator<Integer> it = ordered ? p.imap(Fixtures::sqr, endless, chunksize) : p.imapUnordered(Fixtures::sqr, endless, chunksize)) {
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < 600; i++) {
              int v = it.next();
              if (ordered) {
                assertThat(v).isEqualTo(i * i);
              }
              seen.add(v);
              assertThat(pulled.get() - (i + 1)).as("read ahead at take %d (chunksize %d, ordered %s)", i, chunksize, ordered)
                  .isLessThanOrEqualTo(cap);
            }
            assertThat(seen).hasSize(600);
          }
        }
      }
      assertThat(p.map(Fixtures::sqr, range(10))).isEqualTo(squares(10));
    }
  }

  /** Contract: after {@code terminate()} every submission fails; close and terminate are no-ops. */
  @Test
  void test_submit_after_terminate() throws Exception {
    Pool p = newPool(1);
    try {
      p.terminate();
      p.terminate();
      p.close();
      assertThat(p.join(Duration.ofSeconds(10))).isTrue();
      assertSubmissionsRejected(p);
    } finally {
      p.terminate();
    }
  }

  /** Contract: {@code close()} from the pool's own callback thread is refused, not a deadlock. */
  @Test
  void test_close_from_callback_is_rejected() throws Exception {
    Pool p = newPool(1);
    try {
      List<Throwable> thrown = Collections.synchronizedList(new ArrayList<>());
      AsyncResult<Integer> r = p.applyAsync(() -> 1, v -> {
        try {
          p.close();
        } catch (Throwable t) {
          thrown.add(t);
        }
      }, null);
      assertThat(r.get(30, SECONDS)).isEqualTo(1);
      assertThat(thrown).singleElement().isInstanceOf(IllegalStateException.class);
      Integer nine = p.apply(Fixtures::sqr, 3); // still running
      assertThat(nine).isEqualTo(9);
    } finally {
      p.close();
    }
  }

  /** Contract: {@code null} arguments and results travel ("arg ... may be null"). */
  @Test
  void test_null_values_travel() {
    String seen = pool.apply(x -> x == null ? "null" : "not null", (Integer) null);
    assertThat(seen).isEqualTo("null");
    List<String> mapped = pool.map(x -> x == null ? null : x.toUpperCase(), Arrays.asList("a", null, "c"));
    assertThat(mapped).containsExactly("A", null, "C");
    Object nothing = pool.apply(() -> null);
    assertThat(nothing).isNull();
  }

  private static void assertSubmissionsRejected(Pool p) {
    SerializableFunction<Integer, Integer> f = Fixtures::sqr;
    List<Runnable> calls = List.of(
        () -> p.map(f, range(3)),
        () -> p.mapAsync(f, range(3)),
        () -> p.starmap(Fixtures::mul, pairs(3)),
        () -> p.starmapAsync(Fixtures::mul, pairs(3)),
        () -> p.imap(f, range(3)),
        () -> p.imapUnordered(f, range(3)),
        () -> p.apply(f, 1),
        () -> p.apply(() -> 1),
        () -> p.applyAsync(f, 1),
        () -> p.applyAsync(() -> 1));
    for (Runnable call : calls) {
      assertThatThrownBy(call::run).isInstanceOf(IllegalStateException.class);
    }
  }

  /** Contract (initializer Javadoc): a failing initializer fails that worker's tasks with its exception. */
  @Test
  void test_pool_initializer_failure() {
    try (Pool p = newPool(1, () -> {
      throw new IllegalStateException("error in initializer");
    })) {
      assertThatThrownBy(() -> p.apply(() -> 1))
          .isInstanceOf(TaskFailedException.class)
          .cause()
          .isExactlyInstanceOf(IllegalStateException.class)
          .hasMessage("error in initializer");
    }
  }
}
