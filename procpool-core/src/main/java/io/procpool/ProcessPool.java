package io.procpool;

import io.procpool.internal.AbstractPool;
import io.procpool.internal.Require;
import io.procpool.internal.process.ProcessBackend;
import io.procpool.internal.process.StartupCacheDirectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link Pool} whose workers are JVMs of their own, like Python's {@code multiprocessing.Pool}:
 * a task that crashes, calls {@code System.exit}, runs out of memory or must be killed takes only
 * its worker with it, and the pool replaces the worker.
 *
 * <pre>{@code
 * try (ProcessPool pool = ProcessPool.create(4)) {
 *   System.out.println(pool.map(x -> x * x, List.of(0, 1, 2, 3))); // [0, 1, 4, 9]
 * }
 * }</pre>
 *
 * <p>Workers are started with the caller's {@code java} and class path, so every class the caller
 * can load, the worker can load. Functions, arguments and results cross to the workers by
 * serialization: lambdas written where the pool expects a {@link SerializableFunction} are
 * serializable, and what they capture must be too. A worker's stdout and stderr are copied to the
 * caller's, each line prefixed with the worker's id; a worker reads its stdin as a lifeline and
 * exits when the caller dies.
 *
 * <p>A worker that dies fails only the task it was running, with a {@link WorkerCrashedException}
 * that says why; tasks it had been handed but not started go to another worker. The library's
 * threads are daemons: a program that forgets to close a pool still exits, and its workers with it.
 *
 * <p>Thread-safe.
 */
public final class ProcessPool extends AbstractPool {
  private final ProcessBackend backend;

  private ProcessPool(Builder b, ProcessBackend backend) {
    super("process", b.processes, backend, b.progressListener, b.imapLookahead);
    this.backend = backend;
  }

  private static ProcessPool create(Builder b) {
    ProcessBackend backend =
        new ProcessBackend(
            new ProcessBackend.Settings(
                b.processes,
                b.initializer,
                b.maxTasksPerChild,
                b.maxMemoryPerChild,
                b.retries,
                b.taskTimeout,
                b.timeoutGrace,
                b.jvmOptions,
                b.javaCommand,
                b.classpath,
                b.startTimeout,
                b.outputHandler,
                b.startupCacheChosen ? b.startupCache : StartupCacheDirectory.fromEnvironment(),
                b.serialFilter,
                b.spares));
    return new ProcessPool(b, backend);
  }

  /**
   * Starts a pool with one worker JVM per available processor and waits until they are ready.
   *
   * @return a running pool
   * @throws WorkerStartException if a worker JVM cannot be started
   */
  public static ProcessPool create() {
    return builder().build();
  }

  /**
   * Starts a pool of {@code processes} worker JVMs and waits until they are ready.
   *
   * @param processes the number of workers
   * @return a running pool
   * @throws IllegalArgumentException if {@code processes < 1}
   * @throws WorkerStartException if a worker JVM cannot be started
   */
  public static ProcessPool create(int processes) {
    return builder().processes(processes).build();
  }

  /**
   * Returns a builder for a process pool.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the process ids of the workers currently connected (for monitoring and tests).
   *
   * @return the worker pids, in no particular order
   */
  public List<Long> workerPids() {
    return backend.workerPids();
  }

  /**
   * Returns the process ids of the spare workers that are ready to take over (see {@link
   * Builder#spares(int)}); empty without spares, or while they start.
   *
   * @return the spare workers' pids, in no particular order
   */
  public List<Long> sparePids() {
    return backend.sparePids();
  }

  /**
   * Configures a {@link ProcessPool}: the settings of {@link PoolBuilder} and those of worker JVMs.
   * Not thread-safe; {@link #build()} copies the settings, so a builder may build several pools.
   */
  public static final class Builder extends PoolBuilder<Builder> {
    private int maxTasksPerChild;
    private long maxMemoryPerChild;
    private int retries;
    private Duration taskTimeout;
    private Duration timeoutGrace = Duration.ofMillis(500);
    private List<String> jvmOptions = new ArrayList<>();
    private String javaCommand;
    private String classpath;
    private Duration startTimeout = Duration.ofSeconds(60);
    private WorkerOutputHandler outputHandler;
    private java.nio.file.Path startupCache;
    private boolean startupCacheChosen;
    private int spares;

    private Builder() {}

    /**
     * Keeps {@code spares} extra worker JVMs started and initialised (the initializer has run) but
     * idle, so that a worker that crashes, is killed for running past the task timeout, or retires
     * ({@link #maxTasksPerChild(int)}, {@link #maxMemoryPerChild(long)}) is replaced at once instead
     * of after a JVM start. A spare that takes over is replaced by a new spare in the background. The
     * pool still runs at most {@code processes} tasks at a time; spares cost their memory and a
     * JVM start each. They start after {@link #build()} returns, which does not wait for them; a
     * spare that fails to start is logged and tried again, and after repeated failures the pool goes
     * on without spares. Default: 0.
     *
     * @param spares how many idle workers to keep ready, at least 0
     * @return this builder
     * @throws IllegalArgumentException if {@code spares < 0}
     */
    public Builder spares(int spares) {
      if (spares < 0) {
        throw new IllegalArgumentException("spares: " + spares + " (expected: >= 0; 0 keeps no spare worker)");
      }
      this.spares = spares;
      return this;
    }


    /**
     * Routes the workers' stdout and stderr lines to {@code handler} instead of copying them to the
     * caller's {@code System.out}/{@code System.err} with a worker prefix.
     *
     * @param handler receives every line
     * @return this builder
     * @throws NullPointerException if {@code handler} is null
     */
    public Builder outputHandler(WorkerOutputHandler handler) {
      this.outputHandler = Require.notNull(handler, "handler");
      return this;
    }



    /**
     * Replaces a worker after it has run this many tasks (Python's {@code maxtasksperchild}), to
     * contain leaks. A chunk is not split: the worker retires after the chunk in which it reached
     * the limit. Default: never.
     *
     * @param maxTasksPerChild tasks per worker, at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code maxTasksPerChild < 1}
     */
    public Builder maxTasksPerChild(int maxTasksPerChild) {
      this.maxTasksPerChild = Require.positive(maxTasksPerChild, "maxTasksPerChild");
      return this;
    }

    /**
     * Replaces a worker after a task when its used heap stays above {@code bytes} after a garbage
     * collection (like billiard's {@code max_memory_per_child}), to contain leaks that
     * {@link #maxTasksPerChild(int)} would catch too late. The check runs after every chunk. Default:
     * never.
     *
     * @param bytes the most heap a worker may keep using, positive
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes < 1}
     */
    public Builder maxMemoryPerChild(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxMemoryPerChild: " + bytes + " (expected: >= 1 byte)");
      }
      this.maxMemoryPerChild = bytes;
      return this;
    }

    /**
     * Runs a task again, on another worker, when its worker crashed or it timed out, up to
     * {@code retries} times; a task that threw an exception is never retried. Each item's result is
     * still delivered exactly once and in order; a retried chunk runs again in full, so tasks should
     * be idempotent. Default: 0 (no retries).
     *
     * @param retries how many extra runs a task may get, at least 0
     * @return this builder
     * @throws IllegalArgumentException if {@code retries < 0}
     */
    public Builder retries(int retries) {
      if (retries < 0) {
        throw new IllegalArgumentException("retries: " + retries + " (expected: >= 0)");
      }
      this.retries = retries;
      return this;
    }

    /**
     * Limits how long one task may run. A task that runs longer is interrupted; if it has not
     * returned after a short grace period (500 ms), its worker is killed and replaced. Either way
     * the task fails with a {@link TaskTimeoutException}. With a timeout set, the pool hands items
     * to workers one at a time, whatever the chunk size, so that each has its own clock.
     *
     * @param taskTimeout the longest a task may run, positive
     * @return this builder
     * @throws NullPointerException if {@code taskTimeout} is null
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder taskTimeout(Duration taskTimeout) {
      this.taskTimeout = Require.positive(taskTimeout, "taskTimeout");
      return this;
    }

    /**
     * Adds options for the worker JVMs, such as {@code -Xmx64m}; they come after procpool's own
     * defaults, so they win. The defaults: {@code -XX:+UseSerialGC}, unless these options or the
     * {@code JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS} or {@code _JAVA_OPTIONS} variables pick
     * a collector ({@code -XX:+UseG1GC}, {@code -XX:+UseParallelGC}, ...); and, when the pool has
     * more workers than the machine has CPUs, a smaller initial heap ({@code -Xms}: together the
     * workers start with what one worker per CPU would have, at least 32 MiB each), unless these
     * options or those variables size the heap.
     *
     * @param options JVM options
     * @return this builder
     * @throws NullPointerException if {@code options} or one of them is null
     */
    public Builder jvmOptions(String... options) {
      Require.notNull(options, "options");
      for (String o : options) {
        Require.notNull(o, "a JVM option");
      }
      jvmOptions.addAll(Arrays.asList(options));
      return this;
    }

    /**
     * Sets the {@code java} executable for the workers (default: the caller's own).
     *
     * @param javaCommand path of a java executable
     * @return this builder
     * @throws NullPointerException if {@code javaCommand} is null
     */
    public Builder javaCommand(String javaCommand) {
      this.javaCommand = Require.notNull(javaCommand, "javaCommand");
      return this;
    }

    /**
     * Sets the workers' class path (default: discovered from the caller, see {@link ProcessPool}).
     *
     * @param classpath a class path in the platform's format
     * @return this builder
     * @throws NullPointerException if {@code classpath} is null
     */
    public Builder classpath(String classpath) {
      this.classpath = Require.notNull(classpath, "classpath");
      return this;
    }

    /**
     * Sets where the class-data archive of the workers' start-up is kept, or turns it off with
     * {@code null}. Workers start from the archive (HotSpot's dynamic AppCDS), which cuts a worker's
     * start-up by about a quarter (see BENCHMARKS.md, S1).
     *
     * <p>On by default, in a per-user directory: {@code $XDG_CACHE_HOME/procpool}, else {@code
     * ~/.cache/procpool} ({@code %LOCALAPPDATA%\procpool} on Windows). The system property {@code
     * procpool.startupCache} or the environment variable {@code PROCPOOL_STARTUP_CACHE} names another
     * directory, or {@code off}; this setting wins over both.
     *
     * <p>The first pool with a given java, class path (names, sizes and dates of its jars) and JVM
     * options records the archive: one of its workers writes it when it exits on {@code close()}
     * (which then takes a few hundred milliseconds longer, once); later pools use it. Recordings are
     * written to a temporary file and moved into place atomically, so programs that start at once are
     * safe. A changed class path or JDK makes a new archive; an unusable one is ignored; a directory
     * keeps at most 8 archives and 1 GiB, the least recently used go first. Recording needs a class
     * path of jars only (HotSpot cannot archive from directories); otherwise, or when the JVM options
     * already choose a CDS or AOT archive, or when the directory cannot be written, the pool starts as
     * without a cache.
     *
     * @param directory where archives are kept (created if missing), or null for no cache
     * @return this builder
     */
    public Builder startupCache(java.nio.file.Path directory) {
      this.startupCache = directory;
      this.startupCacheChosen = true;
      return this;
    }

    /**
     * Sets how long a new worker may take to start and connect (default 60 s).
     *
     * @param startTimeout positive duration
     * @return this builder
     */
    public Builder startTimeout(Duration startTimeout) {
      this.startTimeout = Require.positive(startTimeout, "startTimeout");
      return this;
    }

    /**
     * Starts the pool and waits until every worker is ready.
     *
     * @return a running pool
     * @throws WorkerStartException if a worker JVM cannot be started; no worker is left running
     * @throws IllegalArgumentException if the initializer cannot be serialized
     */
    @Override
    public ProcessPool build() {
      Builder copy = new Builder();
      copyCommonTo(copy);
      copy.maxTasksPerChild = maxTasksPerChild;
      copy.maxMemoryPerChild = maxMemoryPerChild;
      copy.retries = retries;
      copy.taskTimeout = taskTimeout;
      copy.timeoutGrace = taskTimeout != null && taskTimeout.compareTo(timeoutGrace) < 0 ? taskTimeout : timeoutGrace;
      copy.jvmOptions = new ArrayList<>(jvmOptions);
      copy.javaCommand = javaCommand;
      copy.classpath = classpath;
      copy.startTimeout = startTimeout;
      copy.outputHandler = outputHandler;
      copy.startupCache = startupCache;
      copy.startupCacheChosen = startupCacheChosen;
      copy.spares = spares;
      return create(copy);
    }
  }
}
