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
import io.procpool.SerializableFunction;
import io.procpool.SerializableRunnable;
import io.procpool.TaskFailedException;
import io.procpool.behaviour.Fixtures.CountedObject;
import io.procpool.behaviour.Fixtures.SayWhenError;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
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
 * <p>Tests marked "contract" have no CPython counterpart: they pin the Java semantics that the
 * Javadoc promises (argument checks, {@code close()} blocking, {@code ResultIterator} timeouts).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = SECONDS)
abstract class PoolBehaviourSuite {
  private static final Duration LONG = Duration.ofSeconds(30);

  /** The shared pool, CPython's {@code cls.pool = cls.Pool(4)}. */
  protected Pool pool;

  /** A new running pool of this backend. */
  protected abstract Pool newPool(int processes);

  /** A new running pool of this backend whose workers run {@code initializer} first. */
  protected abstract Pool newPool(int processes, SerializableRunnable initializer);

  /** The backend's name for {@link PoolChildMain}: {@code process} or {@code thread}. */
  protected abstract String backend();

  /**
   * Asserts that {@code p} (running, idle) has exactly {@code n} live workers, as far as the
   * backend can tell.
   */
  protected abstract void assertLiveWorkers(Pool p, int n) throws Exception;

  @BeforeAll
  void setUpClass() {
    pool = newPool(4);
  }

  @AfterAll
  void tearDownClass() {
    if (pool != null) {
      pool.terminate();
      pool.join();
    }
  }

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

  /** What else to check once the #31 child has exited (its workers, for processes). */
  protected abstract void afterUnclosedChildExit(String childOutput) throws Exception;

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
   * read ahead without bound ("a few chunks per worker"), and stops reading when closed.
   */
  @Test
  void test_imap_and_imap_unordered_when_buffer_is_full() {
    for (boolean ordered : new boolean[] {true, false}) {
      for (int chunksize : new int[] {1, 5}) {
        AtomicInteger pulled = new AtomicInteger();
        Iterable<Integer> endless = () -> new Iterator<>() {
          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public Integer next() {
            return pulled.getAndIncrement();
          }
        };
        int bound = 10 + 10 * pool.processes() * chunksize;
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

  // ================================================================== contract (no CPython test)

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
        pool.starmapAsync((Integer a, Integer b) -> Fixtures.failAt3(a + b), List.of(Map.entry(1, 2))),
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
      Iterable<Integer> endless = () -> new Iterator<>() {
        @Override
        public boolean hasNext() {
          return true;
        }

        @Override
        public Integer next() {
          return pulled.getAndIncrement();
        }
      };
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

  // ================================================================== helpers

  static <R> List<R> drain(ResultIterator<R> it) {
    try (it) {
      List<R> out = new ArrayList<>();
      while (it.hasNext()) {
        out.add(it.next());
      }
      return out;
    }
  }

  static Throwable catchThrown(Runnable call) {
    try {
      call.run();
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected an exception");
  }

  /** The exit status and the output (stdout and stderr) of a {@link PoolChildMain} run. */
  static final class ChildResult {
    final int exitCode;
    final String output;

    ChildResult(int exitCode, String output) {
      this.exitCode = exitCode;
      this.output = output;
    }
  }

  /** Runs {@link PoolChildMain} in a new JVM (stdin from /dev/null if asked), at most 45 s. */
  ChildResult runChild(boolean nullStdin, String mode) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(
        java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        PoolChildMain.class.getName(), backend(), mode);
    Path out = Files.createTempFile("procpool-child-", ".out");
    pb.redirectErrorStream(true).redirectOutput(out.toFile());
    if (nullStdin) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    Process child = pb.start();
    try {
      boolean exited = child.waitFor(45, SECONDS);
      String output = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(exited).as("child exited within 45 s; output: %s", output).isTrue();
      return new ChildResult(child.exitValue(), output);
    } finally {
      child.destroyForcibly();
      Files.deleteIfExists(out);
    }
  }

  /** Parses {@code PIDS [1, 2]} printed by {@link PoolChildMain}. */
  static List<Long> parsePids(String output) {
    for (String line : output.split("\\R")) {
      if (line.startsWith("PIDS [")) {
        String inner = line.substring("PIDS [".length(), line.length() - 1);
        return Arrays.stream(inner.split(",")).map(String::trim).map(Long::parseLong).collect(Collectors.toList());
      }
    }
    throw new AssertionError("no PIDS line in: " + output);
  }
}
