package io.procpool;

import io.procpool.internal.AbstractPool;
import io.procpool.internal.Require;
import io.procpool.internal.thread.ThreadBackend;

/**
 * A {@link Pool} on in-process threads, like Python's {@code multiprocessing.pool.ThreadPool}: the
 * same API and argument checks as {@link ProcessPool}, without serialization or isolation. Use it
 * for I/O-bound work, for tests, or where tasks cannot be serialized.
 *
 * <p>Tasks see exactly the exception they threw as the cause of a {@link TaskFailedException}.
 * {@link #terminate()} interrupts running tasks; a task that ignores interrupts keeps its (daemon)
 * thread until it returns, but its result is already failed with {@link PoolTerminatedException}.
 *
 * <p>Thread-safe.
 */
public final class ThreadPool extends AbstractPool {

  private ThreadPool(Builder b) {
    super("threads", b.processes, new ThreadBackend(b.processes, b.initializer), b.progressListener, b.imapLookahead);
  }

  /**
   * Creates a pool with one thread per available processor.
   *
   * @return a running pool
   */
  public static ThreadPool create() {
    return builder().build();
  }

  /**
   * Creates a pool of {@code processes} threads.
   *
   * @param processes the number of threads
   * @return a running pool
   * @throws IllegalArgumentException if {@code processes < 1}
   */
  public static ThreadPool create(int processes) {
    return builder().processes(processes).build();
  }

  /**
   * Returns a builder for a thread pool.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Configures a {@link ThreadPool}: the settings of {@link PoolBuilder}. Not thread-safe;
   * {@link #build()} may be called many times.
   */
  public static final class Builder extends PoolBuilder<Builder> {
    private Builder() {}

    /**
     * Starts the pool.
     *
     * @return a running pool
     */
    @Override
    public ThreadPool build() {
      return new ThreadPool(this);
    }
  }
}
