package io.procpool.examples;

import io.procpool.AsyncResult;
import io.procpool.Pool;
import io.procpool.ProcessPool;
import io.procpool.ResultIterator;
import io.procpool.TaskFailedException;
import io.procpool.ThreadPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

/**
 * Every row of the README's "Python Pool → procpool" table as running code: one static method per
 * Python feature, most of them taking the pool to use. {@link #main} runs them on a process pool.
 */
public final class PoolApiTour {
  private PoolApiTour() {}

  /** Set in each worker JVM by the initializer; never set in the caller. */
  private static String greeting;

  /**
   * Multiplies two numbers, the two-argument function of {@code starmap}.
   *
   * @param a a factor
   * @param b another factor
   * @return {@code a * b}
   */
  public static int mul(int a, int b) {
    return a * b;
  }

  /**
   * {@code pool.map(f, range(10), chunksize=3)}.
   *
   * @param pool the pool
   * @return the squares of 0 to 9
   */
  public static List<Integer> mapWithChunksize(Pool pool) {
    return pool.map(x -> x * x, IntStream.range(0, 10).boxed().toList(), 3);
  }

  /**
   * {@code for y in pool.imap(f, range(5)): ...}: lazy, in input order.
   *
   * @param pool the pool
   * @return the squares of 0 to 4, in order
   */
  public static List<Integer> imap(Pool pool) {
    List<Integer> out = new ArrayList<>();
    try (ResultIterator<Integer> it = pool.imap(x -> x * x, IntStream.range(0, 5).boxed().toList())) {
      it.forEachRemaining(out::add);
    }
    return out;
  }

  /**
   * {@code pool.imap_unordered(f, range(5), chunksize=2)}: lazy, in completion order.
   *
   * @param pool the pool
   * @return the squares of 0 to 4, sorted here because they arrive in any order
   */
  public static List<Integer> imapUnordered(Pool pool) {
    List<Integer> out = new ArrayList<>();
    try (ResultIterator<Integer> it =
        pool.imapUnordered(x -> x * x, IntStream.range(0, 5).boxed().toList(), 2)) {
      it.forEachRemaining(out::add);
    }
    Collections.sort(out);
    return out;
  }

  /**
   * {@code pool.starmap(mul, [(2, 3), (4, 5)])}: pairs are {@link Map.Entry}s.
   *
   * @param pool the pool
   * @return {@code [6, 20]}
   */
  public static List<Integer> starmap(Pool pool) {
    return pool.starmap(PoolApiTour::mul, List.of(Map.entry(2, 3), Map.entry(4, 5)));
  }

  /**
   * {@code pool.starmap_async(mul, [(2, 3), (4, 5)]).get()}.
   *
   * @param pool the pool
   * @return {@code [6, 20]}
   * @throws ExecutionException if a task failed
   * @throws InterruptedException if interrupted while waiting
   */
  public static List<Integer> starmapAsync(Pool pool) throws ExecutionException, InterruptedException {
    AsyncResult<List<Integer>> r = pool.starmapAsync(PoolApiTour::mul, List.of(Map.entry(2, 3), Map.entry(4, 5)));
    return r.get();
  }

  /**
   * {@code pool.apply(f, (7,))} and {@code pool.apply(g)}.
   *
   * @param pool the pool
   * @return {@code [49, 42]}
   */
  public static List<Integer> apply(Pool pool) {
    int a = pool.apply(x -> x * x, 7);
    int b = pool.<Integer>apply(() -> 42);
    return List.of(a, b);
  }

  /**
   * {@code pool.apply_async(f, (7,), callback=results.append, error_callback=errors.append)}, once
   * with a task that succeeds and once with one that fails. Callbacks run in the caller's JVM.
   *
   * @param pool the pool
   * @return what the callbacks received: {@code [49, java.lang.ArithmeticException: / by zero]}
   * @throws InterruptedException if interrupted while waiting
   */
  public static List<String> applyAsyncWithCallbacks(Pool pool) throws InterruptedException {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    AsyncResult<Integer> ok =
        pool.applyAsync(x -> x * x, 7, r -> seen.add(String.valueOf(r)), e -> seen.add(e.toString()));
    ok.waitFor(Duration.ofSeconds(30)); // the callback has run when waitFor (or get) returns
    AsyncResult<Integer> bad =
        pool.applyAsync(x -> 1 / x, 0, r -> seen.add(String.valueOf(r)), e -> seen.add(e.toString()));
    bad.waitFor(Duration.ofSeconds(30));
    return List.copyOf(seen);
  }

  /**
   * {@code pool.map_async(f, range(4), callback=print)}: the callback gets the whole list once.
   *
   * @param pool the pool
   * @return the list the callback received, {@code [0, 1, 4, 9]}
   * @throws ExecutionException if a task failed
   * @throws InterruptedException if interrupted while waiting
   */
  public static List<Integer> mapAsyncWithCallback(Pool pool) throws ExecutionException, InterruptedException {
    List<List<Integer>> seen = Collections.synchronizedList(new ArrayList<>());
    AsyncResult<List<Integer>> r =
        pool.mapAsync(x -> x * x, List.of(0, 1, 2, 3), seen::add, e -> e.printStackTrace());
    r.get();
    return seen.get(0);
  }

  /**
   * {@code r.ready()}, {@code r.successful()}, {@code r.wait(30)} and {@code r.get(timeout=1)} that
   * raises {@code multiprocessing.TimeoutError}: here {@link TimeoutException}.
   *
   * @param pool the pool (with at least one free worker)
   * @return {@code "ready=true successful=true get=25 timeout=TimeoutException"}
   * @throws Exception if the example fails
   */
  public static String asyncResultMethods(Pool pool) throws Exception {
    AsyncResult<Integer> r = pool.applyAsync(x -> x * x, 5);
    boolean ready = r.waitFor(Duration.ofSeconds(30));
    String s = "ready=" + (ready && r.ready()) + " successful=" + r.successful() + " get=" + r.get();
    AsyncResult<Integer> slow = pool.applyAsync(() -> {
      Thread.sleep(1_000); // a slow task: get(timeout) gives up waiting, the task goes on
      return 0;
    });
    try {
      slow.get(100, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      s += " timeout=" + e.getClass().getSimpleName();
    }
    return s;
  }

  /**
   * {@code pool.map(f, xs)} where {@code f} raises: the blocking call throws {@link
   * TaskFailedException} naming the failed item, with the worker's exception as its cause.
   *
   * @param pool the pool
   * @return {@code "index 2: java.lang.ArithmeticException: / by zero"}
   */
  public static String mapFailure(Pool pool) {
    try {
      pool.map(x -> 10 / x, List.of(5, 2, 0, 1));
      return "no failure";
    } catch (TaskFailedException e) {
      return "index " + e.index() + ": " + e.getCause();
    }
  }

  /**
   * {@code Pool(2, initializer=init, initargs=("hello",))}: the initializer runs once in every
   * worker JVM, and sets state that the tasks of that worker see.
   *
   * @return {@code ["hello 1", "hello 2"]}
   */
  public static List<String> initializer() {
    String arg = "hello";
    try (ProcessPool pool = ProcessPool.builder().processes(2).initializer(() -> greeting = arg).build()) {
      return pool.map(x -> greeting + " " + x, List.of(1, 2));
    }
  }

  /**
   * {@code Pool(1, maxtasksperchild=2)}: a worker JVM is replaced after two tasks, so six tasks run
   * in three JVMs.
   *
   * @return how many different worker pids ran the six tasks: 3
   */
  public static long maxTasksPerChild() {
    try (ProcessPool pool = ProcessPool.builder().processes(1).maxTasksPerChild(2).build()) {
      List<Long> pids = pool.map(x -> ProcessHandle.current().pid(), List.of(1, 2, 3, 4, 5, 6), 1);
      return pids.stream().distinct().count();
    }
  }

  /**
   * {@code pool.terminate()}: running work is abandoned, pending results fail at once.
   *
   * @return the cause of the pending result's failure, a {@code PoolTerminatedException}
   * @throws InterruptedException if interrupted while waiting
   */
  public static String terminate() throws InterruptedException {
    ProcessPool pool = ProcessPool.create(1);
    AsyncResult<Integer> r = pool.applyAsync(() -> {
      Thread.sleep(60_000);
      return 0;
    });
    pool.terminate();
    pool.join();
    try {
      return "result " + r.get();
    } catch (ExecutionException e) {
      return e.getCause().getClass().getSimpleName();
    }
  }

  /**
   * {@code multiprocessing.pool.ThreadPool(4)}: the same API on threads of the caller's JVM.
   *
   * @return the squares of 0 to 9
   */
  public static List<Integer> threadPool() {
    try (ThreadPool pool = ThreadPool.create(4)) {
      return pool.map(x -> x * x, IntStream.range(0, 10).boxed().toList());
    }
  }

  /**
   * Runs the tour and prints each result.
   *
   * @param args ignored
   * @throws Exception if a step fails
   */
  public static void main(String[] args) throws Exception {
    try (ProcessPool pool = ProcessPool.create(2)) {
      System.out.println("map, chunksize 3:     " + mapWithChunksize(pool));
      System.out.println("imap:                 " + imap(pool));
      System.out.println("imap_unordered:       " + imapUnordered(pool));
      System.out.println("starmap:              " + starmap(pool));
      System.out.println("starmap_async:        " + starmapAsync(pool));
      System.out.println("apply:                " + apply(pool));
      System.out.println("apply_async + cbs:    " + applyAsyncWithCallbacks(pool));
      System.out.println("map_async + callback: " + mapAsyncWithCallback(pool));
      System.out.println("map with a failure:   " + mapFailure(pool));
      System.out.println("AsyncResult:          " + asyncResultMethods(pool));
    }
    System.out.println("initializer:          " + initializer());
    System.out.println("maxtasksperchild:     " + maxTasksPerChild() + " worker JVMs for 6 tasks");
    System.out.println("terminate:            " + terminate());
    System.out.println("ThreadPool:           " + threadPool());
  }
}
