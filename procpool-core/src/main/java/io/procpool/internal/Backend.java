package io.procpool.internal;

/**
 * Where a pool's batches run: worker processes, threads, or (later) a cluster. A backend pulls
 * batches from the {@link Dispatcher} and completes each exactly once.
 *
 * <p>The front end ({@link AbstractPool}) owns the lifecycle and calls these methods in order:
 * {@link #start} once; {@link #prepare} for every job; then either {@link #shutdown} (once no
 * batch is outstanding) or {@link #kill} (any time, also after or during {@code shutdown}).
 */
public interface Backend {

  /**
   * Starts the workers and returns once they are ready to take work.
   *
   * @throws io.procpool.WorkerStartException if the workers cannot be started
   */
  void start(Dispatcher dispatcher, String poolName, Stats stats);

  /** Figures of the live workers, for {@link io.procpool.Pool#stats()}; thread-safe. */
  java.util.List<io.procpool.PoolStats.WorkerStats> workerStats();

  /**
   * Prepares a job on the submitting thread, before its batches are queued (the process backend
   * serializes the function here, so that an unserializable one fails at once, naming its class).
   *
   * @throws Exception the job's items all fail with it
   */
  void prepare(Job job) throws Exception;

  /** The largest batch this backend runs (1 when every item must be tracked on its own). */
  int maxBatchSize();

  /** Lets the workers leave once the queue is empty and waits until they have (bounded). */
  void shutdown();

  /** Stops every worker at once (kills processes, interrupts threads) and waits until they are gone (bounded). */
  void kill();

  /** Whether {@code thread} is one of the backend's own worker threads. */
  boolean ownsThread(Thread thread);
}
