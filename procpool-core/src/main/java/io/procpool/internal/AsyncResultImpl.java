package io.procpool.internal;

import io.procpool.AsyncResult;
import io.procpool.TaskFailedException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link AsyncResult} of every backend. Completed exactly once by its job; when the caller gave
 * callbacks, they run on the pool's callback thread and the result completes after them, so that
 * {@code get()} returns only once the callback has run (Python's order).
 */
public final class AsyncResultImpl<R> implements AsyncResult<R> {
  private static final Logger LOG = LoggerFactory.getLogger(AsyncResult.class);

  private final CompletableFuture<R> future = new CompletableFuture<>();
  private final Consumer<? super R> callback;
  private final Consumer<? super Throwable> errorCallback;
  private final Executor callbacks;
  private final String what;
  private volatile int failedIndex = -1;
  private volatile Runnable onCancel;
  /** Whether a waiting caller should spin first (see {@link Spin}): not while much work is queued. */
  private final java.util.function.BooleanSupplier spinWorthwhile;

  AsyncResultImpl(
      String what, Consumer<? super R> callback, Consumer<? super Throwable> errorCallback, Executor callbacks,
      java.util.function.BooleanSupplier spinWorthwhile) {
    this.spinWorthwhile = spinWorthwhile;
    this.what = what;
    this.callback = callback;
    this.errorCallback = errorCallback;
    this.callbacks = callbacks;
  }

  private void spinFirst(long limitNanos) {
    if (!future.isDone() && spinWorthwhile.getAsBoolean()) {
      Spin.until(future::isDone, limitNanos);
    }
  }

  void onCancel(Runnable action) {
    this.onCancel = action;
  }

  void succeed(R value) {
    if (callback == null) {
      future.complete(value);
      return;
    }
    runCallback(() -> {
      try {
        callback.accept(value);
      } catch (Throwable t) {
        LOG.warn("the callback of {} threw; the result is delivered anyway", what, t);
      }
      future.complete(value);
    });
  }

  void fail(int index, Throwable cause) {
    failedIndex = index;
    if (errorCallback == null) {
      future.completeExceptionally(cause);
      return;
    }
    runCallback(() -> {
      try {
        errorCallback.accept(cause);
      } catch (Throwable t) {
        LOG.warn("the error callback of {} threw; the failure is delivered anyway", what, t);
      }
      future.completeExceptionally(cause);
    });
  }

  /** Runs {@code r} on the pool's callback thread, or here once the pool has shut it down. */
  private void runCallback(Runnable r) {
    try {
      callbacks.execute(r);
    } catch (RejectedExecutionException e) {
      r.run();
    }
  }

  /**
   * Waits for the result as a blocking pool call does: a failure becomes a
   * {@link TaskFailedException}; an interrupt abandons the wait (the interrupt flag is kept).
   */
  R await() {
    try {
      spinFirst(Long.MAX_VALUE);
      return future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      int index = failedIndex;
      throw new TaskFailedException(
          (index >= 0 ? "item " + index + " of " + what : what) + " failed: " + cause, index, cause);
    } catch (CancellationException e) {
      throw new TaskFailedException(what + " was cancelled", -1, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel(false);
      throw new TaskFailedException("interrupted while waiting for " + what, -1, e);
    }
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = future.cancel(mayInterruptIfRunning);
    Runnable action = onCancel;
    if (cancelled && action != null) {
      action.run();
    }
    return cancelled;
  }

  @Override
  public boolean isCancelled() {
    return future.isCancelled();
  }

  @Override
  public boolean isDone() {
    return future.isDone();
  }

  @Override
  public R get() throws InterruptedException, ExecutionException {
    spinFirst(Long.MAX_VALUE);
    return future.get();
  }

  @Override
  public R get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    spinFirst(unit.toNanos(timeout));
    return future.get(timeout, unit);
  }

  @Override
  public boolean ready() {
    return future.isDone();
  }

  @Override
  public boolean successful() {
    Require.state(future.isDone(), "the result of %s is not ready yet; call ready() or waitFor() first", what);
    return !future.isCompletedExceptionally();
  }

  @Override
  public boolean waitFor(Duration timeout) throws InterruptedException {
    Require.notNull(timeout, "timeout");
    if (future.isDone()) {
      return true;
    }
    if (timeout.isNegative() || timeout.isZero()) {
      return false;
    }
    try {
      future.get(toNanos(timeout), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | CancellationException e) {
      // the failure is for get(); here only readiness counts
    } catch (TimeoutException e) {
      return false;
    }
    return true;
  }

  @Override
  public CompletableFuture<R> toCompletableFuture() {
    CompletableFuture<R> copy = new CompletableFuture<>();
    future.whenCompleteAsync(
        (v, t) -> {
          if (t != null) {
            copy.completeExceptionally(t);
          } else {
            copy.complete(v);
          }
        },
        this::runCallback);
    return copy;
  }

  static long toNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  @Override
  public String toString() {
    return "AsyncResult[" + what + (future.isDone() ? ", done" : ", pending") + "]";
  }
}
