package io.procpool.internal.process;

import io.procpool.TaskTimeoutException;
import io.procpool.WorkerCrashedException;
import io.procpool.internal.Batch;
import io.procpool.internal.Dispatcher;
import io.procpool.internal.Stats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what becomes of a batch whose worker died or ran past the timeout (run it again or fail
 * it), of a batch a dying worker held but never started (requeue it, up to a limit), and when to
 * stop replacing workers that fail to start. Transport-free: it sees batches, the dispatcher and
 * the statistics, not processes. Called by the supervisor, the readers and the scheduler; no lock
 * of its own (a {@link Batch} completes once).
 */
final class FailurePolicy {
  private static final Logger LOG = LoggerFactory.getLogger(FailurePolicy.class);
  /** A batch that never started goes to at most this many workers that die before starting it. */
  static final int MAX_REQUEUES = 3;
  /** Replacements that fail to start in a row before the pool stops trying (when none is left). */
  static final int MAX_CONSECUTIVE_START_FAILURES = 3;

  private final int retries;
  private final Dispatcher dispatcher;
  private final Stats stats;
  private final String poolName;

  FailurePolicy(int retries, Dispatcher dispatcher, Stats stats, String poolName) {
    this.retries = retries;
    this.dispatcher = dispatcher;
    this.stats = stats;
    this.poolName = poolName;
  }

  /**
   * A batch whose worker crashed or timed out ({@code cause}) runs again, in full, while it has
   * retries left; otherwise it fails with {@code cause}. {@code who} names the worker for the log.
   */
  void retryOrFail(Batch b, Throwable cause, Object who) {
    if (cause instanceof TaskTimeoutException) {
      stats.timedOut.increment();
    }
    if (retries > 0 && !b.isCompleted() && b.retried() <= retries) {
      stats.retried.increment();
      LOG.info("{}: retrying {} after {}: {}", poolName, b, who, cause.getMessage());
      dispatcher.requeue(b);
    } else {
      b.fail(cause);
    }
  }

  /**
   * A batch a dead worker held without starting it goes back to the queue, unless it was handed
   * to {@link #MAX_REQUEUES} workers that all died first: then it fails, naming the last death
   * ({@code lastExit}, the worker's {@code pid} and exit {@code code}).
   */
  void requeueUnstarted(Batch b, java.util.function.Supplier<String> lastExit, long pid, int code) {
    if (b.requeued() > MAX_REQUEUES) {
      b.fail(new WorkerCrashedException(
          "this task was handed to " + MAX_REQUEUES + " workers that all died before starting it; last: " + lastExit.get(),
          pid, code));
    } else {
      dispatcher.requeue(b);
    }
  }

  /** Whether, after {@code inARow} replacements failed to start, the pool stops trying. */
  static boolean givesUpStarting(int inARow) {
    return inARow >= MAX_CONSECUTIVE_START_FAILURES;
  }
}
