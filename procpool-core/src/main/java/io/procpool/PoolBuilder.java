package io.procpool;

import io.procpool.internal.Require;

/**
 * The settings every pool builder has ({@link ProcessPool.Builder}, {@link ThreadPool.Builder}), so
 * that code can configure a pool without caring which backend runs it:
 *
 * <pre>{@code
 * static Pool start(PoolBuilder<?> builder) {
 *   return builder.processes(4).initializer(App::loadModel).build();
 * }
 * }</pre>
 *
 * <p>Not thread-safe. {@link #build()} copies the settings, so a builder may build several pools.
 *
 * @param <B> the concrete builder type, returned by the setters for chaining
 */
public abstract class PoolBuilder<B extends PoolBuilder<B>> {
  int processes = Runtime.getRuntime().availableProcessors();
  SerializableRunnable initializer;
  ProgressListener progressListener;

  PoolBuilder() {}

  /**
   * Sets the number of workers (default: available processors).
   *
   * @param processes the number of workers, at least 1
   * @return this builder
   * @throws IllegalArgumentException if {@code processes < 1}
   */
  public B processes(int processes) {
    this.processes = Require.positive(processes, "processes");
    return self();
  }

  /**
   * Sets an action every worker runs once before its first task (Python's {@code initializer}).
   * If it throws, the tasks that worker takes fail with its exception as the cause, and the worker
   * is not restarted in a loop.
   *
   * @param initializer the action (serializable, so that it can reach worker JVMs)
   * @return this builder
   * @throws NullPointerException if {@code initializer} is null
   */
  public B initializer(SerializableRunnable initializer) {
    this.initializer = Require.notNull(initializer, "initializer");
    return self();
  }

  /**
   * Sets a listener that sees the progress of every call on the pool (for progress bars).
   *
   * @param listener the listener
   * @return this builder
   * @throws NullPointerException if {@code listener} is null
   */
  public B progressListener(ProgressListener listener) {
    this.progressListener = Require.notNull(listener, "listener");
    return self();
  }

  /**
   * Starts the pool.
   *
   * @return a running pool
   * @throws WorkerStartException if the pool's workers cannot be started
   */
  public abstract Pool build();

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }
}
