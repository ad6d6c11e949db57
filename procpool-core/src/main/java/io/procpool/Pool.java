package io.procpool;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A pool of workers that runs functions over inputs, shaped like Python's
 * {@code multiprocessing.Pool}. {@link ProcessPool} runs every task in a worker JVM of its own,
 * {@link ThreadPool} on in-process threads; both behave the same way.
 *
 * <pre>{@code
 * try (Pool pool = ProcessPool.create(4)) {
 *   List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3)); // [1, 4, 9]
 *   AsyncResult<Integer> r = pool.applyAsync(App::workerFunction, 5);
 *   System.out.println(r.get());
 * }
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * A pool starts running. {@link #close()} stops accepting work, lets submitted work finish, waits
 * for the workers to exit and returns (like a Python {@code with} block or Java 19's {@code
 * ExecutorService.close()}). {@link #terminate()} stops at once: running and queued work is
 * abandoned and every pending result completes exceptionally with a {@link PoolTerminatedException}.
 * {@link #join()} waits for the workers after either. Submitting after {@code close()} or {@code
 * terminate()} throws {@link IllegalStateException}.
 *
 * <h2>Failures</h2>
 * Blocking calls throw {@link TaskFailedException} whose cause is the task's failure; asynchronous
 * results throw {@link java.util.concurrent.ExecutionException} with the same cause. Invalid
 * arguments are rejected at the call: {@code null} with {@link NullPointerException}, a chunk size
 * below 1 with {@link IllegalArgumentException}.
 *
 * <p>Pools are thread-safe: any number of threads may submit work at once.
 */
public interface Pool extends AutoCloseable {

  /**
   * Returns the number of workers the pool keeps running.
   *
   * @return the pool size
   */
  int processes();

  /**
   * Returns a snapshot of the pool's counters: tasks done and failed, worker starts, crashes and
   * recycles, each live worker's busy, idle and start-up time, and the slowest tasks. Cheap enough
   * to poll while the pool runs.
   *
   * @return the current figures
   */
  PoolStats stats();

  /**
   * Applies {@code fn} to every item and returns the results in input order, blocking until all
   * are done. The input is read on the calling thread before any work starts; an exception thrown
   * by its iterator is thrown here as is. Items go to workers in chunks of
   * {@code ceil(n / (4 * processes()))}, as in Python, and at most 65,536 items (a larger chunk
   * only makes the messages bigger).
   *
   * @param fn the function
   * @param items the inputs
   * @param <T> the input type
   * @param <R> the result type
   * @return the results, in input order
   * @throws TaskFailedException if any item failed (after all items have ended); it names the
   *     lowest failed index, and its cause is that item's failure
   * @throws IllegalStateException if the pool was closed or terminated
   */
  <T, R> List<R> map(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items);

  /**
   * Like {@link #map(SerializableFunction, Iterable)} with an explicit chunk size.
   *
   * @param fn the function
   * @param items the inputs
   * @param chunksize how many items a worker takes at once (at least 1)
   * @param <T> the input type
   * @param <R> the result type
   * @return the results, in input order
   * @throws IllegalArgumentException if {@code chunksize < 1}
   * @throws TaskFailedException if any item failed
   */
  <T, R> List<R> map(
      SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items, int chunksize);

  /**
   * Applies a two-argument function to every pair, Java's shape of Python's {@code starmap} over
   * tuples: {@code pool.starmap((a, b) -> a * b, List.of(Map.entry(2, 3)))}. Any {@link Map.Entry}
   * works; the pool carries key and value itself, so the entry need not be serializable.
   *
   * @param fn the function
   * @param pairs the argument pairs
   * @param <A> the first argument type
   * @param <B> the second argument type
   * @param <R> the result type
   * @return the results, in input order
   * @throws TaskFailedException if any item failed
   */
  <A, B, R> List<R> starmap(
      SerializableBiFunction<? super A, ? super B, ? extends R> fn,
      Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs);

  /**
   * Like {@link #starmap(SerializableBiFunction, Iterable)} with an explicit chunk size.
   *
   * @param fn the function
   * @param pairs the argument pairs
   * @param chunksize how many items a worker takes at once (at least 1)
   * @param <A> the first argument type
   * @param <B> the second argument type
   * @param <R> the result type
   * @return the results, in input order
   * @throws IllegalArgumentException if {@code chunksize < 1}
   * @throws TaskFailedException if any item failed
   */
  <A, B, R> List<R> starmap(
      SerializableBiFunction<? super A, ? super B, ? extends R> fn,
      Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs,
      int chunksize);

  /**
   * Asynchronous {@link #starmap(SerializableBiFunction, Iterable)}.
   *
   * @param fn the function
   * @param pairs the argument pairs
   * @param <A> the first argument type
   * @param <B> the second argument type
   * @param <R> the result type
   * @return the pending list of results
   */
  <A, B, R> AsyncResult<List<R>> starmapAsync(
      SerializableBiFunction<? super A, ? super B, ? extends R> fn,
      Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs);

  /**
   * Asynchronous {@link #starmap(SerializableBiFunction, Iterable, int)}.
   *
   * @param fn the function
   * @param pairs the argument pairs
   * @param chunksize how many items a worker takes at once (at least 1)
   * @param <A> the first argument type
   * @param <B> the second argument type
   * @param <R> the result type
   * @return the pending list of results
   * @throws IllegalArgumentException if {@code chunksize < 1}
   */
  <A, B, R> AsyncResult<List<R>> starmapAsync(
      SerializableBiFunction<? super A, ? super B, ? extends R> fn,
      Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs,
      int chunksize);

  /**
   * Asynchronous {@link #map(SerializableFunction, Iterable)}: the input is read on the calling
   * thread (an exception of its iterator is thrown here), the work runs in the background.
   *
   * @param fn the function
   * @param items the inputs
   * @param <T> the input type
   * @param <R> the result type
   * @return the pending list of results; it fails with the lowest-indexed item's failure
   */
  <T, R> AsyncResult<List<R>> mapAsync(
      SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items);

  /**
   * Asynchronous {@link #map(SerializableFunction, Iterable, int)}.
   *
   * @param fn the function
   * @param items the inputs
   * @param chunksize how many items a worker takes at once (at least 1)
   * @param <T> the input type
   * @param <R> the result type
   * @return the pending list of results
   * @throws IllegalArgumentException if {@code chunksize < 1}
   */
  <T, R> AsyncResult<List<R>> mapAsync(
      SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items, int chunksize);

  /**
   * Asynchronous map with callbacks, as Python's {@code map_async(callback=, error_callback=)}:
   * exactly one of them runs once, with the whole list or with the first failure, before
   * {@link AsyncResult#get()} returns. Callbacks run on a pool thread reserved for them; one that
   * throws is logged and the result is still delivered.
   *
   * @param fn the function
   * @param items the inputs
   * @param callback receives the list of results, may be null
   * @param errorCallback receives the lowest-indexed item's failure, may be null
   * @param <T> the input type
   * @param <R> the result type
   * @return the pending list of results
   */
  <T, R> AsyncResult<List<R>> mapAsync(
      SerializableFunction<? super T, ? extends R> fn,
      Iterable<? extends T> items,
      Consumer<? super List<R>> callback,
      Consumer<? super Throwable> errorCallback);

  /**
   * Asynchronous map with an explicit chunk size and callbacks.
   *
   * @param fn the function
   * @param items the inputs
   * @param chunksize how many items a worker takes at once (at least 1)
   * @param callback receives the list of results, may be null
   * @param errorCallback receives the lowest-indexed item's failure, may be null
   * @param <T> the input type
   * @param <R> the result type
   * @return the pending list of results
   * @throws IllegalArgumentException if {@code chunksize < 1}
   */
  <T, R> AsyncResult<List<R>> mapAsync(
      SerializableFunction<? super T, ? extends R> fn,
      Iterable<? extends T> items,
      int chunksize,
      Consumer<? super List<R>> callback,
      Consumer<? super Throwable> errorCallback);

  /**
   * Lazy ordered map, one item per chunk: returns at once, and the returned iterator yields results
   * in input order. The input is read a few chunks per worker ahead of what the caller has taken,
   * on the thread that calls {@code imap} and {@code next()}: 4 chunks per worker at first,
   * doubling while it holds less than 4 ms of work at the rate results are taken, up to 128 chunks
   * or 4,096 items per worker, whichever is more (a worker pool bounds it further to 8 MiB of
   * encoded input per worker, and {@link PoolBuilder#imapLookahead} caps it in items).
   *
   * @param fn the function
   * @param items the inputs, possibly endless
   * @param <T> the input type
   * @param <R> the result type
   * @return the results, lazily
   */
  <T, R> ResultIterator<R> imap(
      SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items);

  /**
   * Lazy ordered map with an explicit chunk size.
   *
   * @param fn the function
   * @param items the inputs, possibly endless
   * @param chunksize how many items a worker takes at once (at least 1)
   * @param <T> the input type
   * @param <R> the result type
   * @return the results, lazily
   * @throws IllegalArgumentException if {@code chunksize < 1}
   */
  <T, R> ResultIterator<R> imap(
      SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items, int chunksize);

  /**
   * Lazy map that yields results in completion order.
   *
   * @param fn the function
   * @param items the inputs, possibly endless
   * @param <T> the input type
   * @param <R> the result type
   * @return the results, lazily, as they complete
   */
  <T, R> ResultIterator<R> imapUnordered(
      SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items);

  /**
   * Lazy map in completion order with an explicit chunk size.
   *
   * @param fn the function
   * @param items the inputs, possibly endless
   * @param chunksize how many items a worker takes at once (at least 1)
   * @param <T> the input type
   * @param <R> the result type
   * @return the results, lazily, as they complete
   * @throws IllegalArgumentException if {@code chunksize < 1}
   */
  <T, R> ResultIterator<R> imapUnordered(
      SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items, int chunksize);

  /**
   * Runs {@code task} on a worker and returns its result, blocking until it is done.
   *
   * @param task the task
   * @param <R> the result type
   * @return the task's result
   * @throws TaskFailedException if the task failed
   */
  <R> R apply(SerializableCallable<? extends R> task);

  /**
   * Runs {@code fn(arg)} on a worker and returns its result, blocking until it is done.
   *
   * @param fn the function
   * @param arg its argument (may be null)
   * @param <T> the argument type
   * @param <R> the result type
   * @return the result
   * @throws TaskFailedException if the task failed
   */
  <T, R> R apply(SerializableFunction<? super T, ? extends R> fn, T arg);

  /**
   * Runs {@code task} on a worker in the background.
   *
   * @param task the task
   * @param <R> the result type
   * @return the pending result
   */
  <R> AsyncResult<R> applyAsync(SerializableCallable<? extends R> task);

  /**
   * Runs {@code fn(arg)} on a worker in the background.
   *
   * @param fn the function
   * @param arg its argument (may be null)
   * @param <T> the argument type
   * @param <R> the result type
   * @return the pending result
   */
  <T, R> AsyncResult<R> applyAsync(SerializableFunction<? super T, ? extends R> fn, T arg);

  /**
   * Runs {@code task} in the background and calls exactly one of the callbacks once, before
   * {@link AsyncResult#get()} returns. A callback that throws is logged; the result is still
   * delivered.
   *
   * @param task the task
   * @param callback receives the result, may be null
   * @param errorCallback receives the failure, may be null
   * @param <R> the result type
   * @return the pending result
   */
  <R> AsyncResult<R> applyAsync(
      SerializableCallable<? extends R> task,
      Consumer<? super R> callback,
      Consumer<? super Throwable> errorCallback);

  /**
   * Runs {@code fn(arg)} in the background with callbacks.
   *
   * @param fn the function
   * @param arg its argument (may be null)
   * @param callback receives the result, may be null
   * @param errorCallback receives the failure, may be null
   * @param <T> the argument type
   * @param <R> the result type
   * @return the pending result
   */
  <T, R> AsyncResult<R> applyAsync(
      SerializableFunction<? super T, ? extends R> fn,
      T arg,
      Consumer<? super R> callback,
      Consumer<? super Throwable> errorCallback);

  /**
   * Closes the pool gracefully: no new work is accepted, work already submitted finishes, the
   * workers exit, and this call returns once they have. Lazy iterators stop reading their input
   * (their unread items are not run). Idempotent; after {@link #terminate()} it returns at once.
   *
   * @throws IllegalStateException if called from one of the pool's own callback threads (it would
   *     wait for itself)
   */
  @Override
  void close();

  /**
   * Waits until every worker has exited.
   *
   * @throws IllegalStateException if neither {@link #close()} nor {@link #terminate()} was called
   */
  void join();

  /**
   * Waits at most {@code timeout} for every worker to exit.
   *
   * @param timeout how long to wait
   * @return whether every worker has exited
   * @throws IllegalStateException if neither {@link #close()} nor {@link #terminate()} was called
   * @throws InterruptedException if interrupted while waiting
   */
  boolean join(Duration timeout) throws InterruptedException;

  /**
   * Stops the pool at once: queued and running work is abandoned, workers are killed (threads
   * interrupted), and every pending result completes exceptionally with a
   * {@link PoolTerminatedException}. Returns when the workers are gone. Idempotent.
   */
  void terminate();
}
