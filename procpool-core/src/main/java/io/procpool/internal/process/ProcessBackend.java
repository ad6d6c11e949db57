package io.procpool.internal.process;

import io.procpool.SerializableRunnable;
import io.procpool.WorkerStartException;
import io.procpool.internal.Backend;
import io.procpool.internal.Dispatcher;
import io.procpool.internal.Job;
import io.procpool.internal.NamedThreads;
import io.procpool.internal.Stats;
import io.procpool.internal.wire.JobFunctions;
import io.procpool.internal.wire.SerialFilters;
import io.procpool.internal.wire.WireCodec;
import io.procpool.internal.worker.WorkerMain;
import java.io.IOException;
import java.io.NotSerializableException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs batches in worker JVMs: the {@link Backend} of a process pool, which builds the pool's
 * parts when it starts and hands each call to the part that owns it. Called by the pool's front
 * end ({@code start} and {@code shutdown}/{@code kill} by the caller that starts and stops it,
 * {@code prepare} by submitting threads, the rest by any thread); no lock of its own.
 *
 * <p>The parts and their threads (docs/architecture.md has the map): {@link WorkerLauncher}
 * starts worker processes; {@link WorkerServer} (thread {@code <pool>-acceptor}) takes their
 * connections; per worker, {@link WorkerWriter} ({@code -writer}) sends batches and {@link
 * WorkerReader} ({@code -reader}) completes them, with {@link Stealing}; {@link Timeouts} ({@code
 * <pool>-scheduler}) enforces the task timeout; {@link WorkerExits} ({@code <pool>-supervisor})
 * handles a worker's death with {@link CrashReport} and {@link FailurePolicy}, and puts one of the
 * {@link Spares} or a new worker in its place; {@link PoolStopper}
 * stops them; {@link PoolWorkers} holds the pool's workers, {@link ExitHook} kills them if the JVM
 * exits first.
 */
public final class ProcessBackend implements Backend {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessBackend.class);

  /** Immutable settings of a process backend. */
  public static final class Settings {
    final int processes;
    final SerializableRunnable initializer;
    final int maxTasksPerChild;
    final long maxMemoryPerChild;
    final int retries;
    final Duration taskTimeout;
    final Duration timeoutGrace;
    final List<String> jvmOptions;
    final String javaCommand;
    final String classpath;
    final Duration startTimeout;
    final io.procpool.WorkerOutputHandler outputHandler;
    final Path startupCache;
    /** The serial filter pattern, or null for the default. */
    final String serialFilter;
    /** How many idle, initialised workers to keep ready to take over (see {@link Spares}). */
    final int spares;

    public Settings(
        int processes,
        SerializableRunnable initializer,
        int maxTasksPerChild,
        long maxMemoryPerChild,
        int retries,
        Duration taskTimeout,
        Duration timeoutGrace,
        List<String> jvmOptions,
        String javaCommand,
        String classpath,
        Duration startTimeout,
        io.procpool.WorkerOutputHandler outputHandler,
        Path startupCache,
        String serialFilter,
        int spares) {
      this.processes = processes;
      this.initializer = initializer;
      this.maxTasksPerChild = maxTasksPerChild;
      this.maxMemoryPerChild = maxMemoryPerChild;
      this.retries = retries;
      this.taskTimeout = taskTimeout;
      this.timeoutGrace = timeoutGrace;
      this.jvmOptions = List.copyOf(jvmOptions);
      this.javaCommand = javaCommand;
      this.classpath = classpath;
      this.startTimeout = startTimeout;
      this.outputHandler = outputHandler;
      this.startupCache = startupCache;
      this.serialFilter = serialFilter;
      this.spares = spares;
    }
  }

  private final Settings settings;
  private final ClassLoader loader;
  private final WireCodec codec;
  private final JobFunctions functions;
  private final PoolWorkers workers = new PoolWorkers();
  private String poolName;
  private PoolStopper stopper;

  public ProcessBackend(Settings settings) {
    this.settings = settings;
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    this.loader = context != null ? context : ProcessBackend.class.getClassLoader();
    this.codec = new WireCodec(loader, SerialFilters.of(settings.serialFilter));
    this.functions = new JobFunctions(codec);
  }

  @Override
  public void start(Dispatcher dispatcher, String poolName, Stats stats) {
    this.poolName = poolName;
    byte[] initializer;
    try {
      initializer = settings.initializer == null ? new byte[0] : codec.encodeObject(settings.initializer);
    } catch (IOException e) {
      throw new IllegalArgumentException("the initializer cannot be serialized: " + e.getMessage()
          + (e instanceof NotSerializableException ? " is not Serializable" : ""), e);
    }
    PoolContext ctx = new PoolContext(settings, poolName, dispatcher, stats, codec,
        Executors.newSingleThreadExecutor(NamedThreads.daemon(poolName + "-supervisor")),
        Executors.newSingleThreadScheduledExecutor(NamedThreads.daemon(poolName + "-scheduler")));
    FailurePolicy policy = new FailurePolicy(settings.retries, dispatcher, stats, poolName);
    Stealing stealing = new Stealing(ctx, workers);
    Timeouts timeouts = new Timeouts(ctx, workers);
    WorkerExits[] exits = new WorkerExits[1];
    WorkerReader reader = new WorkerReader(ctx, stealing, timeouts, policy, w -> exits[0].onRetiring(w));
    WorkerWriter writer = new WorkerWriter(ctx, stealing);
    ResultLogFiles logs = new ResultLogFiles(poolName);
    Consumer<WorkerHandle> activate = w -> activate(w, writer, dispatcher);
    WorkerServer server = new WorkerServer(ctx, workers, logs, initializer, w -> startReader(w, reader), activate);
    WorkerLauncher launcher = new WorkerLauncher(ctx, workers, logs, server, w -> exits[0].onExit(w));
    Spares spares = new Spares(ctx, workers, launcher, activate);
    exits[0] = new WorkerExits(ctx, workers, logs, launcher, reader, timeouts, policy, spares);
    stopper = new PoolStopper(ctx, workers, server, logs);
    try {
      server.open();
      logs.open(server.dir());
      launcher.writeArgfile(server.dir(), loader);
      server.startAccepting();
      ExitHook.register(workers);
      List<WorkerHandle> started = new ArrayList<>();
      for (int i = 0; i < settings.processes; i++) {
        started.add(launcher.launch());
      }
      WorkerMain.roundTripALambda(); // warm this JVM's codec while the workers start
      for (WorkerHandle w : started) {
        awaitConnected(w);
      }
      timeouts.start();
      spares.start();
      LOG.debug("{} started {} worker JVMs", poolName, settings.processes);
    } catch (RuntimeException e) {
      kill();
      throw e;
    } catch (IOException e) {
      kill();
      throw new WorkerStartException("cannot open the pool's socket: " + e, e);
    }
  }

  /** Starts a connected worker's (or spare's) reader thread (acceptor thread). */
  private void startReader(WorkerHandle w, WorkerReader reader) {
    w.reader = new Thread(() -> reader.run(w), poolName + "-worker-" + w.id + "-reader");
    w.reader.setDaemon(true);
    w.reader.start();
  }

  /**
   * Makes an attached worker take batches: marks it idle and starts its writer thread (acceptor
   * thread for a new worker, supervisor for a spare that takes over).
   */
  private void activate(WorkerHandle w, WorkerWriter writer, Dispatcher dispatcher) {
    synchronized (w) {
      if (w.dead) {
        return;
      }
      w.idle(true, dispatcher);
    }
    w.writer = new Thread(() -> writer.run(w), poolName + "-worker-" + w.id + "-writer");
    w.writer.setDaemon(true);
    w.writer.start();
  }

  /** Waits until {@code w} has connected. */
  private static void awaitConnected(WorkerHandle w) {
    try {
      w.connected.get();
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof WorkerStartException ? (WorkerStartException) c : new WorkerStartException(c.toString(), c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkerStartException("interrupted while starting " + w.label(), e);
    }
  }

  @Override
  public void prepare(Job job) throws Exception {
    WorkerStartException b = workers.broken();
    if (b != null) {
      throw new WorkerStartException("the pool has no worker left and cannot start new ones: " + b.getMessage(), b);
    }
    job.prepared(functions.encode(job));
  }

  @Override
  public int maxBatchSize() {
    return settings.taskTimeout != null ? 1 : Integer.MAX_VALUE;
  }

  @Override
  public void shutdown() {
    if (stopper != null) {
      stopper.shutdown();
    }
  }

  @Override
  public void kill() {
    if (stopper != null) {
      stopper.kill();
    }
  }

  @Override
  public boolean ownsThread(Thread thread) {
    String n = thread.getName();
    return poolName != null && n.startsWith(poolName + "-");
  }

  @Override
  public List<io.procpool.PoolStats.WorkerStats> workerStats() {
    long now = System.nanoTime();
    List<io.procpool.PoolStats.WorkerStats> out = new ArrayList<>();
    for (WorkerHandle w : workers.attached()) {
      boolean busy;
      long done;
      long busyNanos;
      synchronized (w) {
        busy = w.running() != null;
        done = w.tasksDone;
        busyNanos = w.busyNanos;
      }
      long up = now - w.connectedAtNanos;
      out.add(new io.procpool.PoolStats.WorkerStats(w.id, w.pid, busy, done,
          Duration.ofNanos(w.connectedAtNanos - w.launchedAtNanos), Duration.ofNanos(busyNanos),
          Duration.ofNanos(Math.max(0, up - busyNanos))));
    }
    return out;
  }

  /** Process ids of the live workers, for tests and stats. */
  public List<Long> workerPids() {
    return workers.pids();
  }

  /** Process ids of the spare workers ready to take over. */
  public List<Long> sparePids() {
    return workers.sparePids();
  }
}
