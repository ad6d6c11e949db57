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
  boolean processesSet;
  SerializableRunnable initializer;
  ProgressListener progressListener;
  String serialFilter;
  int imapLookahead;

  /** For the builders of procpool's backends (here and in {@code procpool-hazelcast}). */
  protected PoolBuilder() {}

  /**
   * Sets the number of workers (default: available processors).
   *
   * @param processes the number of workers, at least 1
   * @return this builder
   * @throws IllegalArgumentException if {@code processes < 1}
   */
  public B processes(int processes) {
    this.processes = Require.positive(processes, "processes");
    this.processesSet = true;
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
   * Sets the deserialization filter (JEP 290, {@link java.io.ObjectInputFilter.Config#createFilter}
   * syntax) for everything this pool decodes: arguments and functions in the workers, results in
   * the caller. Use an allow list to run only classes you expect, for example {@code
   * "java.base/*;com.example.**;io.procpool.**;!*"}. The default is a deny list of well-known
   * gadget classes and a depth limit (docs/security.md); the system property {@code
   * procpool.serialFilter}, if set, replaces that default. Threads decode nothing: a {@link
   * ThreadPool} only checks the pattern.
   *
   * @param pattern the filter pattern
   * @return this builder
   * @throws NullPointerException if {@code pattern} is null
   * @throws IllegalArgumentException if {@code pattern} is not a valid filter pattern (the message
   *     says which part)
   */
  public B serialFilter(String pattern) {
    io.procpool.internal.wire.SerialFilters.of(Require.notNull(pattern, "pattern"));
    this.serialFilter = pattern;
    return self();
  }

  /**
   * Caps how many input items {@code imap} and {@code imapUnordered} read ahead of the consumer
   * (default: no cap beyond the adaptive window, which starts at 4 chunks per worker and grows
   * only while the consumer waits for results that come faster than the window covers). Use it
   * for inputs that are expensive or endless (a database cursor, a socket): the pool never holds
   * more than {@code max(maxItems, chunksize)} items the consumer has not taken. A small cap
   * costs throughput with quick tasks (each refill is a wake-up of the workers).
   *
   * @param maxItems the most items read ahead of the consumer, at least 1
   * @return this builder
   * @throws IllegalArgumentException if {@code maxItems < 1}
   */
  public B imapLookahead(int maxItems) {
    this.imapLookahead = Require.positive(maxItems, "maxItems");
    return self();
  }

  /** Copies the settings every builder has into {@code to} (a backend's {@code build()} copy), so that none is left out. */
  void copyCommonTo(PoolBuilder<?> to) {
    to.processes = processes;
    to.processesSet = processesSet;
    to.initializer = initializer;
    to.progressListener = progressListener;
    to.serialFilter = serialFilter;
    to.imapLookahead = imapLookahead;
  }

  /**
   * The settings common to every builder, as set so far, for a subclass's {@code build()}.
   *
   * @return a copy of the settings
   */
  protected final Common common() {
    return new Common(processes, processesSet, initializer, progressListener, serialFilter, imapLookahead);
  }

  /**
   * The settings every builder has, copied by {@link #common()}: the number of workers, the
   * initializer (or null), the progress listener (or null), the serial filter pattern (or null
   * for the default) and the cap on {@code imap}'s look-ahead (or 0). Immutable.
   */
  protected static final class Common {
    /** The number of workers. */
    public final int processes;
    /** Whether {@link #processes} was set (else it is the default, the available processors). */
    public final boolean processesSet;
    /** The initializer, or null. */
    public final SerializableRunnable initializer;
    /** The progress listener, or null. */
    public final ProgressListener progressListener;
    /** The serial filter pattern, or null for the default. */
    public final String serialFilter;
    /** The cap on {@code imap}'s look-ahead in items, or 0 for none. */
    public final int imapLookahead;

    Common(int processes, boolean processesSet, SerializableRunnable initializer, ProgressListener progressListener,
        String serialFilter, int imapLookahead) {
      this.imapLookahead = imapLookahead;
      this.processes = processes;
      this.processesSet = processesSet;
      this.initializer = initializer;
      this.progressListener = progressListener;
      this.serialFilter = serialFilter;
    }
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
