package io.procpool.internal;

import io.procpool.AsyncResult;
import io.procpool.Pool;
import io.procpool.PoolStats;
import io.procpool.PoolTerminatedException;
import io.procpool.Progress;
import io.procpool.ProgressListener;
import io.procpool.ResultIterator;
import io.procpool.SerializableBiFunction;
import io.procpool.SerializableCallable;
import io.procpool.SerializableFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The front end shared by every backend: argument checks, chunking, jobs and results, and the
 * lifecycle {@code RUNNING -> CLOSING -> CLOSED} or {@code RUNNING|CLOSING -> TERMINATING ->
 * TERMINATED}. Subclasses only choose the backend.
 *
 * <p>Thread-safe. The pool's monitor guards {@code state} only; no I/O, backend call or user code
 * runs while it is held.
 */
public abstract class AbstractPool implements Pool {
  private static final int RUNNING = 0;
  private static final int CLOSING = 1;
  private static final int TERMINATING = 2;
  private static final int CLOSED = 3;
  private static final int TERMINATED = 4;
  /**
   * Chunks per worker that {@code imap} reads ahead of the consumer at first: a consumer that
   * pauses holds little of an expensive or endless input (it was max(8 chunks, 256 items) per
   * worker: 512 items read while the consumer took 10).
   */
  static final int LOOKAHEAD_START_CHUNKS_PER_WORKER = 4;
  /**
   * While the window holds less than 4 ms of work it doubles, up to max(this many chunks, {@link
   * #LOOKAHEAD_MAX_ITEMS_PER_WORKER} items) per worker, but never beyond {@link
   * #LOOKAHEAD_BYTES_PER_WORKER} of encoded input per worker (a window of 8 chunks of 100 quick
   * items cost a wake-up of the consumer and the workers every 800 items: 2-2.4M items/s; 128
   * chunks: 3.9M; with 4 chunks of 1 item, imap ran at a quarter of map's rate).
   */
  static final int LOOKAHEAD_MAX_CHUNKS_PER_WORKER = 128;
  /** See {@link #LOOKAHEAD_MAX_CHUNKS_PER_WORKER}. */
  static final int LOOKAHEAD_MAX_ITEMS_PER_WORKER = 4096;
  /** The encoded input that a grown look-ahead window may hold per worker. */
  static final long LOOKAHEAD_BYTES_PER_WORKER = 8L << 20;

  private final String name;
  private final int processes;
  private final int imapLookahead;
  private final Backend backend;
  private final Dispatcher dispatcher = new Dispatcher();
  private final AtomicLong jobIds = new AtomicLong();
  private final ThreadPoolExecutor callbacks;
  private volatile Thread callbackThread;
  private final Stats stats = new Stats();
  private final ProgressListener progressListener;
  private int state = RUNNING; // guarded by this

  /**
   * For the pools of procpool's backends.
   *
   * @param imapLookahead the most input items {@code imap} reads ahead of its consumer, or 0 for the adaptive window alone
   */
  protected AbstractPool(String kind, int processes, Backend backend, ProgressListener progressListener, int imapLookahead) {
    this.imapLookahead = Require.nonNegative(imapLookahead, "imapLookahead");
    this.processes = Require.positive(processes, "processes");
    this.backend = backend;
    this.progressListener = progressListener;
    this.name = "procpool-" + NamedThreads.nextPoolId() + "-" + kind;
    this.callbacks =
        new ThreadPoolExecutor(
            1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, name + "-callbacks");
              t.setDaemon(true);
              callbackThread = t;
              return t;
            });
    callbacks.allowCoreThreadTimeOut(true);
    dispatcher.observer(this::batchCompleted);
    backend.start(dispatcher, name, stats);
  }

  /**
   * A caller waiting for a result spins first only while little work is outstanding (a round trip
   * then decides its latency); with many tasks queued, the CPU is better left to the pool.
   */
  /** {@link #spinWorthwhile()} as one object for every result (not a new one per call). */
  private final java.util.function.BooleanSupplier spinWorthwhile = this::spinWorthwhile;

  private boolean spinWorthwhile() {
    return dispatcher.outstandingApprox() <= processes;
  }

  private void batchCompleted(Batch batch, Object[] values, int at) {
    int n = batch.size();
    int failedItems = 0;
    for (int i = at; i < at + n; i++) {
      if (values[i] instanceof Failure) {
        failedItems++;
      }
    }
    stats.completed.add(n - failedItems);
    stats.failed.add(failedItems);
    ProgressListener listener = progressListener;
    if (listener == null) {
      return;
    }
    Job job = batch.job();
    synchronized (job) {
      emit(listener, job.count(n, failedItems));
    }
  }

  /** A lazy job's input has ended: if its items have all ended too, say it is finished. */
  void inputEnded(Job job) {
    ProgressListener listener = progressListener;
    if (listener == null) {
      return;
    }
    synchronized (job) {
      Progress p = job.count(0, 0);
      if (p.finished()) {
        emit(listener, p);
      }
    }
  }

  private void emit(ProgressListener listener, Progress p) {
    try {
      callbacks.execute(() -> {
        try {
          listener.onProgress(p);
        } catch (Throwable t) {
          org.slf4j.LoggerFactory.getLogger(ProgressListener.class).warn("the progress listener threw", t);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // the pool is stopped: nobody listens any more
    }
  }

  @Override
  public PoolStats stats() {
    return stats.snapshot(backend.workerStats());
  }

  /** The pool's name, as used in its thread names. */
  public String name() {
    return name;
  }

  @Override
  public int processes() {
    return processes;
  }

  // ---------------------------------------------------------------- map family

  @Override
  public <T, R> List<R> map(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items) {
    return this.<R>mapAsync(fn, items, 0, null, null, "map", null).await();
  }

  @Override
  public <T, R> List<R> map(
      SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items, int chunksize) {
    return this.<R>mapAsync(fn, items, Require.positive(chunksize, "chunksize"), null, null, "map", null).await();
  }

  @Override
  public <A, B, R> List<R> starmap(
      SerializableBiFunction<? super A, ? super B, ? extends R> fn,
      Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs) {
    return this.<R>starmapAsync(fn, pairs, 0, "starmap").await();
  }

  @Override
  public <A, B, R> List<R> starmap(
      SerializableBiFunction<? super A, ? super B, ? extends R> fn,
      Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs,
      int chunksize) {
    return this.<R>starmapAsync(fn, pairs, Require.positive(chunksize, "chunksize"), "starmap").await();
  }

  @Override
  public <A, B, R> AsyncResult<List<R>> starmapAsync(
      SerializableBiFunction<? super A, ? super B, ? extends R> fn,
      Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs) {
    return starmapAsync(fn, pairs, 0, "starmapAsync");
  }

  @Override
  public <A, B, R> AsyncResult<List<R>> starmapAsync(
      SerializableBiFunction<? super A, ? super B, ? extends R> fn,
      Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs,
      int chunksize) {
    return starmapAsync(fn, pairs, Require.positive(chunksize, "chunksize"), "starmapAsync");
  }

  private <R> AsyncResultImpl<List<R>> starmapAsync(
      SerializableBiFunction<?, ?, ?> fn, Iterable<? extends Map.Entry<?, ?>> pairs, int chunksize, String what) {
    Require.notNull(fn, "fn");
    return mapAsync(new Calls.StarCall(fn), pairs, chunksize, null, null, what, e -> Calls.Pair.of((Map.Entry<?, ?>) e));
  }

  @Override
  public <T, R> AsyncResult<List<R>> mapAsync(
      SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items) {
    return mapAsync(fn, items, 0, null, null, "mapAsync", null);
  }

  @Override
  public <T, R> AsyncResult<List<R>> mapAsync(
      SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items, int chunksize) {
    return mapAsync(fn, items, Require.positive(chunksize, "chunksize"), null, null, "mapAsync", null);
  }

  @Override
  public <T, R> AsyncResult<List<R>> mapAsync(
      SerializableFunction<? super T, ? extends R> fn,
      Iterable<? extends T> items,
      Consumer<? super List<R>> callback,
      Consumer<? super Throwable> errorCallback) {
    return mapAsync(fn, items, 0, callback, errorCallback, "mapAsync", null);
  }

  @Override
  public <T, R> AsyncResult<List<R>> mapAsync(
      SerializableFunction<? super T, ? extends R> fn,
      Iterable<? extends T> items,
      int chunksize,
      Consumer<? super List<R>> callback,
      Consumer<? super Throwable> errorCallback) {
    return mapAsync(fn, items, Require.positive(chunksize, "chunksize"), callback, errorCallback, "mapAsync", null);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private <R> AsyncResultImpl<List<R>> mapAsync(
      SerializableFunction<?, ?> fn,
      Iterable<?> items,
      int chunksize,
      Consumer<? super List<R>> callback,
      Consumer<? super Throwable> errorCallback,
      String what,
      ImapIterator.Function<Object, Object> mapInput) {
    Require.notNull(fn, "fn");
    Require.notNull(items, "items");
    checkRunning();
    Object[] input = materialize(items, mapInput);
    int cs = chunksize > 0 ? chunksize : defaultChunksize(input.length);
    AsyncResultImpl<Object> result =
        new AsyncResultImpl<>(what, (Consumer) callback, errorCallback, callbacks, spinWorthwhile);
    MapJob job = new MapJob(jobIds.incrementAndGet(), what, (SerializableFunction<Object, Object>) fn, input.length, MapJob.Shape.LIST, result);
    if (input.length > 0) {
      prepareAndSubmit(job, input, cs);
    }
    return (AsyncResultImpl) result;
  }

  /**
   * Runs {@code fn} over {@code input} like {@code mapAsync}, but completes with every item's own
   * outcome: an array, in input order, of each result or a {@link Failure} (a task that threw, or
   * whose worker died or timed out), so that one item's failure loses no other item's result. For
   * backends that relay other pools' batches (a cluster agent runs a driver's bundle of batches as
   * one job). No callbacks. The array is used as it is (batches slice it): do not change it
   * until the result is complete. Thread-safe.
   *
   * @throws IllegalArgumentException if {@code chunksize < 1}
   * @throws IllegalStateException if the pool was closed or terminated
   */
  public AsyncResult<Object[]> outcomesAsync(SerializableFunction<Object, Object> fn, Object[] input, int chunksize) {
    return outcomesAsync(fn, input, chunksize, null);
  }

  /**
   * As {@link #outcomesAsync(SerializableFunction, Object[], int)}, where item {@code i} stands for
   * {@code tasksPerItem[i]} of the user's tasks (a relayed batch of a cluster driver), so that
   * {@code maxTasksPerChild} counts those, not the items. Thread-safe.
   *
   * @param tasksPerItem tasks per item, as long as {@code input}; null: one each
   * @throws IllegalArgumentException if {@code chunksize < 1} or the lengths differ
   * @throws IllegalStateException if the pool was closed or terminated
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public AsyncResult<Object[]> outcomesAsync(SerializableFunction<Object, Object> fn, Object[] input, int chunksize,
      int[] tasksPerItem) {
    Require.notNull(fn, "fn");
    Require.notNull(input, "input");
    Require.positive(chunksize, "chunksize");
    Require.argument(tasksPerItem == null || tasksPerItem.length == input.length,
        "tasksPerItem: one count per item of input");
    checkRunning();
    AsyncResultImpl<Object> result = new AsyncResultImpl<>("outcomesAsync", null, null, callbacks, spinWorthwhile);
    MapJob job = new MapJob(jobIds.incrementAndGet(), "outcomesAsync", fn, input.length, MapJob.Shape.OUTCOMES, result);
    job.tasksPerItem(tasksPerItem);
    if (input.length > 0) {
      prepareAndSubmit(job, input, chunksize);
    }
    return (AsyncResult) result;
  }

  private static Object[] materialize(Iterable<?> items, ImapIterator.Function<Object, Object> mapInput) {
    Object[] input;
    if (items instanceof Collection) {
      input = ((Collection<?>) items).toArray();
    } else {
      List<Object> list = new ArrayList<>();
      for (Object o : items) {
        list.add(o);
      }
      input = list.toArray();
    }
    if (mapInput != null) {
      for (int i = 0; i < input.length; i++) {
        input[i] = mapInput.apply(input[i]);
      }
    }
    return input;
  }

  /**
   * The largest default chunk: a batch of this many results stays within the buffers the pool
   * reuses (a frame of up to 4 MiB), where a 10M-item map's 1.25M-item chunks cost a fresh 10 MiB
   * array per batch on each side; at this size a batch's own overhead is far below its work.
   */
  static final int MAX_DEFAULT_CHUNKSIZE = 65_536;

  /** Python's default, {@code ceil(n / (4 * processes))}, at least 1 and at most {@link #MAX_DEFAULT_CHUNKSIZE}. */
  int defaultChunksize(int n) {
    long per = 4L * processes;
    return (int) Math.min(MAX_DEFAULT_CHUNKSIZE, Math.max(1, (n + per - 1) / per));
  }

  // ---------------------------------------------------------------- imap family

  @Override
  public <T, R> ResultIterator<R> imap(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items) {
    return imap(fn, items, 1, true);
  }

  @Override
  public <T, R> ResultIterator<R> imap(
      SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items, int chunksize) {
    return imap(fn, items, Require.positive(chunksize, "chunksize"), true);
  }

  @Override
  public <T, R> ResultIterator<R> imapUnordered(
      SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items) {
    return imap(fn, items, 1, false);
  }

  @Override
  public <T, R> ResultIterator<R> imapUnordered(
      SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items, int chunksize) {
    return imap(fn, items, Require.positive(chunksize, "chunksize"), false);
  }

  @SuppressWarnings("unchecked")
  private <R> ResultIterator<R> imap(SerializableFunction<?, ?> fn, Iterable<?> items, int chunksize, boolean ordered) {
    Require.notNull(fn, "fn");
    Require.notNull(items, "items");
    checkRunning();
    Iterator<?> it = Require.notNull(items.iterator(), "items.iterator()");
    long most = Math.max((long) chunksize * LOOKAHEAD_MAX_CHUNKS_PER_WORKER, LOOKAHEAD_MAX_ITEMS_PER_WORKER) * processes;
    if (imapLookahead > 0) {
      most = Math.min(most, Math.max(imapLookahead, chunksize));
    }
    long first = Math.min((long) chunksize * LOOKAHEAD_START_CHUNKS_PER_WORKER * processes, most);
    ImapIterator<R> iterator =
        new ImapIterator<>(
            jobIds.incrementAndGet(), (SerializableFunction<Object, Object>) fn, this, it, chunksize, ordered,
            (int) Math.min(Integer.MAX_VALUE, first), (int) Math.min(Integer.MAX_VALUE, most),
            LOOKAHEAD_BYTES_PER_WORKER * processes, x -> x);
    prepare(iterator);
    iterator.feed();
    return iterator;
  }

  // ---------------------------------------------------------------- apply family

  @Override
  public <R> R apply(SerializableCallable<? extends R> task) {
    return this.<R>applyAsync(task, null, null, "apply").await();
  }

  @Override
  public <T, R> R apply(SerializableFunction<? super T, ? extends R> fn, T arg) {
    return this.<R>applyAsync(fn, arg, null, null, "apply").await();
  }

  @Override
  public <R> AsyncResult<R> applyAsync(SerializableCallable<? extends R> task) {
    return applyAsync(task, null, null, "applyAsync");
  }

  @Override
  public <T, R> AsyncResult<R> applyAsync(SerializableFunction<? super T, ? extends R> fn, T arg) {
    return applyAsync(fn, arg, null, null, "applyAsync");
  }

  @Override
  public <R> AsyncResult<R> applyAsync(
      SerializableCallable<? extends R> task, Consumer<? super R> callback, Consumer<? super Throwable> errorCallback) {
    return applyAsync(task, callback, errorCallback, "applyAsync");
  }

  @Override
  public <T, R> AsyncResult<R> applyAsync(
      SerializableFunction<? super T, ? extends R> fn,
      T arg,
      Consumer<? super R> callback,
      Consumer<? super Throwable> errorCallback) {
    return applyAsync(fn, arg, callback, errorCallback, "applyAsync");
  }

  private <R> AsyncResultImpl<R> applyAsync(
      SerializableCallable<?> task, Consumer<? super R> callback, Consumer<? super Throwable> errorCallback, String what) {
    Require.notNull(task, "task");
    return applyAsync(new Calls.CallTask(task), null, callback, errorCallback, what);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private <R> AsyncResultImpl<R> applyAsync(
      SerializableFunction<?, ?> fn,
      Object arg,
      Consumer<? super R> callback,
      Consumer<? super Throwable> errorCallback,
      String what) {
    Require.notNull(fn, "fn");
    checkRunning();
    AsyncResultImpl<Object> result = new AsyncResultImpl<>(what, (Consumer) callback, errorCallback, callbacks, spinWorthwhile);
    MapJob job = new MapJob(jobIds.incrementAndGet(), what, (SerializableFunction<Object, Object>) fn, 1, MapJob.Shape.SINGLE, result);
    prepareAndSubmit(job, new Object[] {arg}, 1);
    return (AsyncResultImpl) result;
  }

  // ---------------------------------------------------------------- submission

  private void prepareAndSubmit(Job job, Object[] items, int chunksize) {
    prepare(job);
    submitBatches(job, 0, items, chunksize);
  }

  private void prepare(Job job) {
    try {
      backend.prepare(job);
    } catch (Exception e) {
      job.prepared(new Failure(e));
    }
  }

  /**
   * Splits {@code items} (the job's items from index {@code start}) into batches and queues them.
   *
   * @throws IllegalStateException if the pool no longer accepts work
   */
  void submitBatches(Job job, int start, Object[] items, int chunksize) {
    int max = Math.max(1, Math.min(chunksize, backend.maxBatchSize()));
    List<Batch> batches = new ArrayList<>((items.length + max - 1) / max);
    for (int off = 0; off < items.length; off += max) {
      // slices by reference: the input is the call's own snapshot (or, for outcomesAsync, documented as not to be changed)
      batches.add(dispatcher.newBatch(job, start + off, items, off, Math.min(max, items.length - off)));
    }
    if (job.prepared() instanceof Failure) {
      checkRunning();
      Throwable cause = ((Failure) job.prepared()).cause();
      for (Batch b : batches) {
        b.fail(cause);
      }
      return;
    }
    dispatcher.submit(batches);
  }

  /** Whether the pool accepts new work (it is running). */
  boolean acceptingWork() {
    return dispatcher.accepting();
  }

  private void checkRunning() {
    synchronized (this) {
      Require.state(state == RUNNING, "the pool is %s: it accepts no new work", stateName(state));
    }
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public void close() {
    Thread current = Thread.currentThread();
    Require.state(
        current != callbackThread && !backend.ownsThread(current),
        "close() was called from one of the pool's own threads, and would wait for itself; call it from another thread");
    synchronized (this) {
      if (state == RUNNING) {
        state = CLOSING;
        dispatcher.stopAccepting();
      }
    }
    boolean interrupted = false;
    while (true) {
      try {
        dispatcher.awaitIdle();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    dispatcher.release();
    backend.shutdown();
    callbacks.shutdown();
    try {
      // callbacks of work that ended are part of that work: close() returns after them
      while (!callbacks.awaitTermination(100, TimeUnit.MILLISECONDS)) {
        synchronized (this) {
          if (state == TERMINATING || state == TERMINATED) {
            break; // terminate() from another thread ends the wait for a slow callback
          }
        }
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    synchronized (this) {
      if (state == CLOSING) {
        state = CLOSED;
        notifyAll();
      }
      while (state != CLOSED && state != TERMINATED) {
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      current.interrupt();
    }
  }

  @Override
  public void terminate() {
    synchronized (this) {
      if (state == TERMINATING || state == TERMINATED) {
        awaitTerminatedUninterruptibly();
        return;
      }
      if (state == CLOSED) {
        return;
      }
      state = TERMINATING;
    }
    List<Batch> pending = dispatcher.abort();
    PoolTerminatedException cause = new PoolTerminatedException("the pool was terminated before this task ended");
    for (Batch b : pending) {
      b.fail(cause);
    }
    backend.kill();
    for (Batch b : dispatcher.abort()) {
      b.fail(cause);
    }
    callbacks.shutdown(); // queued callbacks still run: they complete their results
    synchronized (this) {
      state = TERMINATED;
      notifyAll();
    }
  }

  private synchronized void awaitTerminatedUninterruptibly() {
    awaitUninterruptibly(TERMINATED, TERMINATED);
  }

  /** Waits on this monitor until the state is {@code a} or {@code b}; keeps the interrupt flag. */
  private synchronized void awaitUninterruptibly(int a, int b) {
    boolean interrupted = false;
    while (state != a && state != b) {
      try {
        wait();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void join() {
    synchronized (this) {
      Require.state(state != RUNNING, "join() needs close() or terminate() first: the pool is still running");
      awaitUninterruptibly(CLOSED, TERMINATED);
    }
  }

  @Override
  public boolean join(Duration timeout) throws InterruptedException {
    Require.notNull(timeout, "timeout");
    long deadline = System.nanoTime() + AsyncResultImpl.toNanos(timeout);
    synchronized (this) {
      Require.state(state != RUNNING, "join() needs close() or terminate() first: the pool is still running");
      while (state != CLOSED && state != TERMINATED) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return true;
    }
  }


  private static String stateName(int s) {
    switch (s) {
      case RUNNING:
        return "running";
      case CLOSING:
        return "closing";
      case CLOSED:
        return "closed";
      case TERMINATING:
        return "terminating";
      case TERMINATED:
        return "terminated";
      default:
        throw new IllegalStateException("invalid pool state: " + s);
    }
  }

  @Override
  public String toString() {
    int s;
    synchronized (this) {
      s = state;
    }
    return name + "[processes=" + processes + ", " + stateName(s) + ", outstanding batches=" + dispatcher.outstanding() + "]";
  }
}
