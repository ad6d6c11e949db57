package io.procpool.behaviour;

import static io.procpool.behaviour.Fixtures.countFiles;
import static io.procpool.behaviour.Fixtures.exceptionThrowingGenerator;
import static io.procpool.behaviour.Fixtures.pairs;
import static io.procpool.behaviour.Fixtures.products;
import static io.procpool.behaviour.Fixtures.range;
import static io.procpool.behaviour.Fixtures.squares;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.procpool.AsyncResult;
import io.procpool.Pool;
import io.procpool.PoolTerminatedException;
import io.procpool.ResultIterator;
import io.procpool.TaskFailedException;
import io.procpool.behaviour.Fixtures.CountedObject;
import io.procpool.behaviour.Fixtures.SayWhenError;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * CPython's Pool tests ({@code Lib/test/_test_multiprocessing.py}, see
 * {@code python-anchors.md} section 2), ported to Java and run against every backend. A subclass
 * supplies the pool factory; tests that only make sense for one backend live in that backend's
 * subclass. Like {@code _TestPool}, the class shares one pool of four workers; lifecycle tests
 * create their own.
 *
 * <p>Not ported, because Java has no counterpart: #25 {@code test_resource_warning} (no
 * {@code ResourceWarning}; the closest Java behaviour, a program that forgets to close its pool
 * still exits, is #31), #35 (manager proxies), #36 (no {@code __main__} re-import under spawn).
 * #32's {@code Pool(initializer=1)} type error is a compile error in Java; its runtime analogue is a
 * null initializer.
 *
 * <p>Tests without a CPython counterpart, which pin the Java semantics that the Javadoc promises,
 * are inherited from {@link PoolContractSuite}.
 */
@Timeout(value = 60, unit = SECONDS)
abstract class PoolBehaviourSuite extends PoolContractSuite {

  // ================================================================== _TestPool

  /** #1 test_apply: keyword arguments become a closure. */
  @Test
  void test_apply() {
    Integer five = pool.apply(Fixtures::sqr, 5); // assertThat(pool.apply(..)) would be ambiguous
    assertThat(five).isEqualTo(25);
    assertThat(pool.<Integer>apply(() -> Fixtures.sqr(3))).isEqualTo(9);
  }

  /** #2 test_map. */
  @Test
  void test_map() {
    assertThat(pool.map(Fixtures::sqr, range(10))).isEqualTo(squares(10));
    assertThat(pool.map(Fixtures::sqr, range(100), 20)).isEqualTo(squares(100));
  }

  /** #3 test_starmap: tuples become {@code Map.entry}. */
  @Test
  void test_starmap() {
    assertThat(pool.starmap(Fixtures::mul, pairs(10))).isEqualTo(products(10));
    assertThat(pool.starmap(Fixtures::mul, pairs(100), 20)).isEqualTo(products(100));
  }

  /** #4 test_starmap_async. */
  @Test
  void test_starmap_async() throws Exception {
    assertThat(pool.starmapAsync(Fixtures::mul, pairs(100)).get()).isEqualTo(products(100));
    assertThat(pool.starmapAsync(Fixtures::mul, pairs(100), 20).get()).isEqualTo(products(100));
  }

  /** #5 test_map_async. */
  @Test
  void test_map_async() throws Exception {
    assertThat(pool.mapAsync(Fixtures::sqr, range(10)).get()).isEqualTo(squares(10));
    assertThat(pool.mapAsync(Fixtures::sqr, range(10), 3).get()).isEqualTo(squares(10));
  }

  /**
   * #6 test_map_async_callbacks: exactly one callback runs, once, with the whole list or the
   * failure, before {@code waitFor()} returns.
   */
  @Test
  void test_map_async_callbacks() throws Exception {
    List<Object> calls = Collections.synchronizedList(new ArrayList<>());
    AsyncResult<List<Integer>> ok = pool.mapAsync(Integer::parseInt, List.of("1"), calls::add, calls::add);
    assertThat(ok.waitFor(LONG)).isTrue();
    assertThat(calls).containsExactly(List.of(1));

    AsyncResult<List<Integer>> bad = pool.mapAsync(Integer::parseInt, List.of("a"), calls::add, calls::add);
    assertThat(bad.waitFor(LONG)).isTrue();
    assertThat(calls).hasSize(2);
    assertThat(calls.get(1)).isExactlyInstanceOf(NumberFormatException.class);
    assertThat(bad.successful()).isFalse();
  }

  /** #8 test_map_chunksize: an empty input with an explicit chunk size does not stall. */
  @Test
  void test_map_chunksize() throws Exception {
    assertThat(pool.mapAsync(Fixtures::sqr, List.<Integer>of(), 1).get(100, MILLISECONDS)).isEmpty();
  }

  /** #9 test_map_handle_iterable_exception: the input's exception is thrown as is, at the call. */
  @Test
  void test_map_handle_iterable_exception() {
    for (int repeat = 0; repeat < 2; repeat++) { // twice: the pool stays usable
      assertThatThrownBy(() -> pool.map(Fixtures::sqr, exceptionThrowingGenerator(1, -1), 1))
          .isExactlyInstanceOf(SayWhenError.class);
    }
    assertThatThrownBy(() -> pool.map(Fixtures::sqr, exceptionThrowingGenerator(10, 3), 1))
        .isExactlyInstanceOf(SayWhenError.class);
    assertThatThrownBy(() -> pool.mapAsync(Fixtures::sqr, exceptionThrowingGenerator(10, 3)))
        .isExactlyInstanceOf(SayWhenError.class);
    for (int repeat = 0; repeat < 2; repeat++) {
      assertThatThrownBy(() -> pool.map(Fixtures::sqr, Fixtures.specialIterable(), 1))
          .isExactlyInstanceOf(SayWhenError.class);
    }
    assertThat(pool.map(Fixtures::sqr, range(3))).isEqualTo(squares(3));
  }

  /** #10 test_async: {@code apply_async(sqr, (7, TIMEOUT1))}. */
  @Test
  void test_async() throws Exception {
    long t0 = System.nanoTime();
    AsyncResult<Integer> res = pool.applyAsync(x -> Fixtures.sqr(x, 100), 7);
    assertThat(res.get()).isEqualTo(49);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
  }

  /**
   * #11 test_async_timeout: {@code get(timeout)} times out, and {@code terminate()} returns although
   * the task still runs; the pending result then fails with {@link PoolTerminatedException}.
   */
  @Test
  void test_async_timeout() throws Exception {
    Pool p = newPool(3);
    try {
      AsyncResult<Integer> res = p.applyAsync(x -> Fixtures.sqr(x, 30_100), 6);
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> res.get(100, MILLISECONDS)).isInstanceOf(TimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
      long t1 = System.nanoTime();
      p.terminate();
      p.join();
      assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(Duration.ofSeconds(10));
      assertThatThrownBy(res::get)
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(PoolTerminatedException.class);
    } finally {
      p.terminate();
    }
  }

  /** #12 test_imap. */
  @Test
  void test_imap() {
    assertThat(drain(pool.imap(Fixtures::sqr, range(10)))).isEqualTo(squares(10));

    ResultIterator<Integer> it = pool.imap(Fixtures::sqr, range(10));
    for (int i = 0; i < 10; i++) {
      assertThat(it.next()).isEqualTo(i * i);
    }
    assertThat(it.hasNext()).isFalse();
    assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);

    it = pool.imap(Fixtures::sqr, range(1000), 100);
    for (int i = 0; i < 1000; i++) {
      assertThat(it.next()).isEqualTo(i * i);
    }
    assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
  }

  /**
   * #13 test_imap_handle_iterable_exception: the input's exception comes from {@code next()} at
   * its position, as is; the incomplete chunk being filled when it was thrown is not run.
   */
  @Test
  void test_imap_handle_iterable_exception() {
    for (int repeat = 0; repeat < 2; repeat++) {
      ResultIterator<Integer> it = pool.imap(Fixtures::sqr, exceptionThrowingGenerator(1, -1), 1);
      assertThatThrownBy(it::next).isExactlyInstanceOf(SayWhenError.class);
    }
    assertImapValuesThenSayWhen(pool.imap(Fixtures::sqr, exceptionThrowingGenerator(10, 3), 1), 3);
    // SayWhenError seen at the start of the problematic chunk's results
    assertImapValuesThenSayWhen(pool.imap(Fixtures::sqr, exceptionThrowingGenerator(20, 7), 2), 6);
    assertImapValuesThenSayWhen(pool.imap(Fixtures::sqr, exceptionThrowingGenerator(20, 7), 4), 4);
  }

  private static void assertImapValuesThenSayWhen(ResultIterator<Integer> it, int values) {
    try (it) {
      for (int i = 0; i < values; i++) {
        assertThat(it.next()).isEqualTo(i * i);
      }
      assertThatThrownBy(it::next).isExactlyInstanceOf(SayWhenError.class);
    }
  }

  /** #14 test_imap_unordered. */
  @Test
  void test_imap_unordered() {
    assertThat(drain(pool.imapUnordered(Fixtures::sqr, range(10)))).containsExactlyInAnyOrderElementsOf(squares(10));
    assertThat(drain(pool.imapUnordered(Fixtures::sqr, range(1000), 100)))
        .containsExactlyInAnyOrderElementsOf(squares(1000));
  }

  /** #15 test_imap_unordered_handle_iterable_exception. */
  @Test
  void test_imap_unordered_handle_iterable_exception() {
    for (int repeat = 0; repeat < 2; repeat++) {
      ResultIterator<Integer> it = pool.imapUnordered(Fixtures::sqr, exceptionThrowingGenerator(1, -1), 1);
      assertThatThrownBy(it::next).isExactlyInstanceOf(SayWhenError.class);
    }
    assertUnorderedValuesThenSayWhen(pool.imapUnordered(Fixtures::sqr, exceptionThrowingGenerator(10, 3), 1), 10);
    assertUnorderedValuesThenSayWhen(pool.imapUnordered(Fixtures::sqr, exceptionThrowingGenerator(20, 7), 2), 20);
  }

  /** Every value is an expected square, none twice, and SayWhenError comes before {@code n} calls. */
  private static void assertUnorderedValuesThenSayWhen(ResultIterator<Integer> it, int n) {
    try (it) {
      List<Integer> expected = new ArrayList<>(squares(n));
      assertThatThrownBy(
              () -> {
                for (int i = 0; i < n; i++) {
                  Integer value = it.next();
                  assertThat(expected).contains(value);
                  expected.remove(value);
                }
              })
          .isExactlyInstanceOf(SayWhenError.class);
    }
  }

  /** #16 test_make_pool: sizes below 1 are rejected; {@code Pool(3)} has exactly 3 live workers. */
  @Test
  void test_make_pool() throws Exception {
    assertThatThrownBy(() -> newPool(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    assertThatThrownBy(() -> newPool(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
    Pool p = newPool(3);
    try {
      assertThat(p.processes()).isEqualTo(3);
      assertLiveWorkers(p, 3);
    } finally {
      p.close();
    }
    p.join();
  }

  /**
   * #16 test_make_pool, observed through behaviour: a pool of 3 given 4 tasks runs exactly 3 of
   * them at once (the 4th waits for a free worker), and no worker stays idle while a task waits.
   */
  @Test
  void test_make_pool_runs_three_tasks_at_once(@TempDir Path tmp) throws Exception {
    String dir = tmp.toString();
    try (Pool p = newPool(3)) {
      try {
        AsyncResult<List<Integer>> res = p.mapAsync(x -> Fixtures.blockUntilReleased(dir, x), range(4), 1);
        await().atMost(LONG).until(() -> countFiles(tmp, "started-") == 3);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> countFiles(tmp, "started-") == 3);
        Fixtures.touch(dir, "release");
        assertThat(res.get()).isEqualTo(range(4));
      } finally {
        Fixtures.touch(dir, "release"); // never leave tasks blocked, whatever failed
      }
    }
  }

  /**
   * #17 test_terminate: 10,000 long tasks; once some run, {@code terminate()} and {@code join()}
   * return promptly, and every pending result (running, queued, lazy) fails with
   * {@link PoolTerminatedException}.
   */
  @Test
  void test_terminate(@TempDir Path tmp) throws Exception {
    Pool p = newPool(3);
    try {
      String dir = tmp.toString();
      List<Integer> many = range(10_000);
      AsyncResult<List<Object>> mapped = p.mapAsync(x -> Fixtures.markThenSleep(dir, x, 300_000), many, 1);
      AsyncResult<Integer> queued = p.applyAsync(Fixtures::sqr, 2);
      List<Object> values = Collections.synchronizedList(new ArrayList<>());
      List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
      AsyncResult<Integer> withCallbacks = p.applyAsync(Fixtures::sqr, 3, values::add, errors::add);
      ResultIterator<Integer> lazy = p.imap(Fixtures::sqr, range(3));
      await().atMost(LONG).until(() -> countFiles(tmp, "started-") >= 3);
      long t0 = System.nanoTime();
      p.terminate();
      p.join();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
      for (AsyncResult<?> r : List.of(mapped, queued)) {
        assertThat(r.isDone()).isTrue();
        assertThatThrownBy(r::get).isInstanceOf(ExecutionException.class).cause().isInstanceOf(PoolTerminatedException.class);
      }
      assertThatThrownBy(lazy::next).isInstanceOf(TaskFailedException.class).cause().isInstanceOf(PoolTerminatedException.class);
      assertThatThrownBy(() -> withCallbacks.get(10, SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(PoolTerminatedException.class);
      assertThat(errors).singleElement().isInstanceOf(PoolTerminatedException.class);
      assertThat(values).isEmpty();
    } finally {
      p.terminate();
    }
  }

  /** #18 test_empty_iterable (bpo-12157). */
  @Test
  void test_empty_iterable() throws Exception {
    Pool p = newPool(1);
    try {
      List<Integer> empty = List.of();
      assertThat(p.map(Fixtures::sqr, empty)).isEmpty();
      assertThat(drain(p.imap(Fixtures::sqr, empty))).isEmpty();
      assertThat(drain(p.imapUnordered(Fixtures::sqr, empty))).isEmpty();
      assertThat(p.mapAsync(Fixtures::sqr, empty).get()).isEmpty();
      assertThat(p.starmap(Fixtures::mul, pairs(0))).isEmpty();
      List<Object> calls = Collections.synchronizedList(new ArrayList<>());
      assertThat(p.mapAsync(Fixtures::sqr, empty, calls::add, calls::add).get()).isEmpty();
      assertThat(calls).containsExactly(List.of()); // the callback ran, with the empty list
    } finally {
      p.close();
    }
    p.join();
  }

  /** #19 test_context: after try-with-resources the pool is closed: join works, submit fails. */
  @Test
  void test_context() throws Exception {
    Pool p;
    try (Pool q = newPool(2)) {
      p = q;
      assertThat(q.mapAsync(Fixtures::sqr, range(10)).get()).isEqualTo(squares(10));
    }
    p.join();
    assertThatThrownBy(() -> p.mapAsync(Fixtures::sqr, range(10))).isInstanceOf(IllegalStateException.class);
  }

  /**
   * #20 test_traceback: the cause is the task's exception, same class and message, and its stack
   * trace holds the worker-side frame; an input error is not "remote" and has no cause.
   */
  @Test
  void test_traceback() {
    Throwable e = catchThrown(() -> pool.apply(Fixtures::raiseRuntime123));
    assertThat(e).isInstanceOf(TaskFailedException.class);
    assertThat(((TaskFailedException) e).index()).isEqualTo(-1);
    Throwable cause = e.getCause();
    assertThat(cause).isExactlyInstanceOf(RuntimeException.class).hasMessage("123");
    assertThat(cause.getStackTrace())
        .anySatisfy(
            f -> {
              assertThat(f.getClassName()).isEqualTo(Fixtures.class.getName());
              assertThat(f.getMethodName()).isEqualTo("raiseRuntime123");
            });
    StringWriter printed = new StringWriter();
    e.printStackTrace(new PrintWriter(printed));
    assertThat(printed.toString()).contains("Caused by: java.lang.RuntimeException: 123").contains("raiseRuntime123");

    assertThatThrownBy(() -> pool.map(Fixtures::sqr, exceptionThrowingGenerator(1, -1), 1))
        .isExactlyInstanceOf(SayWhenError.class)
        .hasNoCause();
  }

  /** #21 test_wrapped_exception (bpo-20980): the cause is the task's RuntimeException. */
  @Test
  void test_wrapped_exception() {
    assertThatThrownBy(() -> pool.apply(() -> {
          throw new RuntimeException("foo");
        }))
        .isExactlyInstanceOf(TaskFailedException.class)
        .cause()
        .isExactlyInstanceOf(RuntimeException.class)
        .hasMessage("foo");
  }

  /**
   * #22 test_map_no_failfast (bpo-23992): {@code map} waits for every item before throwing, and
   * closing the pool afterwards does not deadlock on the 1 MiB exceptions.
   */
  @Test
  void test_map_no_failfast() {
    long t0 = System.nanoTime();
    Pool p = newPool(2);
    try {
      Throwable e = catchThrown(() -> p.map(Fixtures::raiseLargeValueError, List.of(0, 1)));
      assertThat(e).isInstanceOf(TaskFailedException.class);
      assertThat(((TaskFailedException) e).index()).isZero();
      assertThat(e.getCause()).isExactlyInstanceOf(IllegalArgumentException.class);
      assertThat(e.getCause().getMessage()).hasSize(1 << 20);
    } finally {
      p.close();
    }
    p.join();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(900));
  }

  /**
   * (procpool) Payloads of several MiB travel both ways intact, in one message (default chunks)
   * and one by one: messages far larger than a socket buffer and than one socket write.
   */
  @Test
  void test_multi_mib_payloads_both_ways() {
    List<byte[]> in = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      in.add(Fixtures.payload(i, 3));
    }
    for (int chunksize : new int[] {3, 1}) {
      List<byte[]> out = pool.map(Fixtures::reversed, in, chunksize);
      assertThat(out).hasSize(in.size());
      for (int i = 0; i < in.size(); i++) {
        assertThat(out.get(i)).as("payload %d, chunksize %d", i, chunksize).isEqualTo(Fixtures.reversed(in.get(i)));
      }
    }
  }

  /** Large arrays and JDK-serialized objects in the same message (a chunk of results, both ways) both arrive. */
  @Test
  void test_large_arrays_and_serialized_objects_in_one_chunk() {
    List<Integer> in = range(6);
    List<Object> out = pool.map(Fixtures::bigArrayOrObject, in, 6);
    for (int i = 0; i < 6; i++) {
      Object expected = Fixtures.bigArrayOrObject(i);
      if (expected instanceof byte[]) {
        assertThat((byte[]) out.get(i)).as("item %d", i).isEqualTo((byte[]) expected);
      } else {
        assertThat(out.get(i)).as("item %d", i).isEqualTo(expected);
      }
    }
    // and as a chunk of inputs: an identity over the same mix
    List<Object> mixed = new ArrayList<>(out);
    List<Object> back = pool.map(Fixtures::same, mixed, 6);
    assertThat(back.get(1)).isEqualTo(Fixtures.bigArrayOrObject(1));
    assertThat((byte[]) back.get(2)).isEqualTo((byte[]) Fixtures.bigArrayOrObject(2));
  }

  /**
   * #23 test_release_task_refs (bpo-29861): the pool keeps no reference to the arguments or results
   * of a finished map. The caller's side is what we can observe for both backends (arguments are
   * the caller's objects; results are the caller's objects for threads and caller-side copies for
   * processes); CPython's instance counter inside the workers has no cross-JVM equivalent.
   */
  @Test
  void test_release_task_refs() {
    List<WeakReference<Object>> refs = mapAndForget(pool, 10);
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              System.gc();
              return refs.stream().allMatch(r -> r.get() == null);
            });
  }

  private static List<WeakReference<Object>> mapAndForget(Pool p, int n) {
    List<CountedObject> objs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      objs.add(new CountedObject());
    }
    List<CountedObject> results = p.map(Fixtures::identity, objs);
    assertThat(results).hasSize(n).doesNotContainNull();
    List<WeakReference<Object>> refs = new ArrayList<>();
    objs.forEach(o -> refs.add(new WeakReference<>(o)));
    results.forEach(o -> refs.add(new WeakReference<>(o)));
    return refs;
  }

  /**
   * #24 test_enter (bpo-35477): leaving a try-with-resources block closes the pool; Java has no
   * "enter", so re-use is what fails (IllegalStateException), and a second close is a no-op.
   */
  @Test
  void test_enter() {
    Pool p;
    try (Pool q = newPool(1)) {
      p = q;
    }
    assertThatCode(p::close).doesNotThrowAnyException();
    assertThatThrownBy(() -> p.apply(() -> 1)).isInstanceOf(IllegalStateException.class);
    p.join();
  }

  // ================================================================== _TestPoolWorkerErrors

  /** #26 test_async_error_callback: the error callback gets the task's exception before get() ends. */
  @Test
  void test_async_error_callback() {
    List<Object> errors = Collections.synchronizedList(new ArrayList<>());
    List<Object> values = Collections.synchronizedList(new ArrayList<>());
    AsyncResult<Object> res = pool.applyAsync(Fixtures::raiseKeyError, values::add, errors::add);
    assertThatThrownBy(res::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isExactlyInstanceOf(NoSuchElementException.class)
        .hasMessage("key");
    assertThat(errors).singleElement().isInstanceOf(NoSuchElementException.class);
    assertThat(values).isEmpty();
  }

  // ================================================================== _TestPoolWorkerLifetime

  /**
   * #31 test_worker_finalization_via_atexit_handler_of_multiprocessing: a program that keeps a
   * pool in a static field and returns from main without closing it exits with status 0.
   */
  @Test
  void test_worker_finalization_via_atexit_handler_of_multiprocessing() throws Exception {
    ChildResult r = runChild(false, "unclosed");
    assertThat(r.exitCode).as(r.output).isZero();
    assertThat(r.output).contains("RESULT [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]");
    afterUnclosedChildExit(r.output);
  }

  // ================================================================== other Pool tests

  /**
   * #32 TestInitializers.test_pool_initializer: the initializer runs once per worker, before the
   * first task. The log file stands for CPython's manager Namespace (it crosses processes).
   */
  @Test
  void test_pool_initializer(@TempDir Path tmp) throws Exception {
    assertThatThrownBy(() -> newPool(1, null)).isInstanceOf(NullPointerException.class);
    String log = tmp.resolve("init.log").toString();
    try (Pool p = newPool(1, () -> Fixtures.appendLine(log, "init"))) {
      List<String> seenByTask = p.apply(f -> Files.readAllLines(Path.of(f)), log);
      assertThat(seenByTask).containsExactly("init");
      assertThat(p.map(Fixtures::sqr, range(5))).isEqualTo(squares(5));
    }
    assertThat(Files.readAllLines(Path.of(log))).containsExactly("init");
  }

  /**
   * #33 TestStdinBadfiledescriptor.test_pool_in_process: a program whose stdin is closed can
   * create a pool of four, map over seven items, close it and exit.
   */
  @Test
  void test_pool_in_process() throws Exception {
    ChildResult r = runChild(true, "stdin-closed");
    assertThat(r.exitCode).as(r.output).isZero();
    assertThat(r.output).contains("RESULT [1, 4, 9, 16, 25, 36, 49]");
  }

  /**
   * #37 test_imap_and_imap_unordered_when_buffer_is_full: with an endless input, the pool does not
   * read ahead without bound (8 chunks or 256 items per worker, whichever is more, grown at most
   * 16 times while results come back quickly), and stops reading when closed.
   */
  @Test
  void test_imap_and_imap_unordered_when_buffer_is_full() {
    for (boolean ordered : new boolean[] {true, false}) {
      for (int chunksize : new int[] {1, 5}) {
        AtomicInteger pulled = new AtomicInteger();
        Iterable<Integer> endless = Fixtures.naturalsCounted(pulled);
        // the documented bound: the window grows to at most max(128 chunks, 4096 items) per worker
        int bound = 10 + pool.processes() * Math.max(128 * chunksize, 4096);
        ResultIterator<Integer> it =
            ordered ? pool.imap(Fixtures::sqr, endless, chunksize) : pool.imapUnordered(Fixtures::sqr, endless, chunksize);
        try (it) {
          Set<Integer> seen = new HashSet<>();
          for (int i = 0; i < 10; i++) {
            seen.add(it.next());
          }
          assertThat(seen).hasSize(10);
          await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> pulled.get() <= bound);
        }
        int afterClose = pulled.get();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> pulled.get() == afterClose);
      }
    }
  }

  /**
   * #38 gh-83371 (Java contract differs from CPython main): a throwing callback is logged and does
   * not hang anything; the result (or the task's own failure) is still delivered.
   */
  @Test
  void test_raising_callback_does_not_hang() throws Exception {
    AsyncResult<Integer> ok = pool.applyAsync(() -> 7, v -> {
      throw new IllegalStateException("callback failed");
    }, null);
    assertThat(ok.get(30, SECONDS)).isEqualTo(7);

    AsyncResult<List<Integer>> bad = pool.mapAsync(Fixtures::failAt3, range(5), null, e -> {
      throw new IllegalStateException("error callback failed");
    });
    assertThatThrownBy(() -> bad.get(30, SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isExactlyInstanceOf(ArithmeticException.class);
    assertThat(pool.<Integer, Integer>apply(Fixtures::sqr, 4)).isEqualTo(16);
  }
}
