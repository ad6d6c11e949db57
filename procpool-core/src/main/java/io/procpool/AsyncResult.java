package io.procpool;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * The pending result of an asynchronous call ({@code applyAsync}, {@code mapAsync},
 * {@code starmapAsync}), shaped like Python's {@code AsyncResult} and usable as a {@link Future}.
 *
 * <p>{@link #get()} and {@link #get(long, java.util.concurrent.TimeUnit)} follow {@link Future}:
 * a failed task throws {@link java.util.concurrent.ExecutionException} whose cause is the task's
 * failure (see {@link TaskFailedException} for the kinds). A callback given at submission has run
 * before {@code get()} or {@link #waitFor(Duration)} return. {@link #cancel(boolean)} completes the
 * result as cancelled; work already sent to a worker still runs to its end.
 *
 * <p>Implementations are thread-safe.
 *
 * @param <R> the result type
 */
public interface AsyncResult<R> extends Future<R> {

  /**
   * Returns whether the call has completed (successfully or not); the same as {@link #isDone()}.
   *
   * @return true once the result is available
   */
  boolean ready();

  /**
   * Returns whether the call completed without failure.
   *
   * @return true if the call succeeded
   * @throws IllegalStateException if the call is not {@link #ready()} yet
   */
  boolean successful();

  /**
   * Waits until the call completes or the timeout passes. Never throws the task's failure.
   *
   * @param timeout how long to wait at most; zero or negative means do not wait
   * @return whether the result is ready
   * @throws NullPointerException if timeout is null
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  boolean waitFor(Duration timeout) throws InterruptedException;

  /**
   * Returns a {@link CompletableFuture} completed with this result. Completing the returned future
   * does not affect this one. Dependent stages run on a pool thread reserved for callbacks, never
   * on a thread that reads worker results.
   *
   * @return a future that completes with this result
   */
  CompletableFuture<R> toCompletableFuture();
}
