package io.procpool.internal.thread;

import io.procpool.PoolStats;
import io.procpool.PoolTerminatedException;
import io.procpool.SerializableRunnable;
import io.procpool.internal.Backend;
import io.procpool.internal.Batch;
import io.procpool.internal.Dispatcher;
import io.procpool.internal.Failure;
import io.procpool.internal.Job;
import io.procpool.internal.Stats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs batches on in-process daemon threads: no serialization, no isolation. Each thread runs the
 * initializer once, then takes batches until the dispatcher releases it. {@link #kill()}
 * interrupts the threads.
 */
public final class ThreadBackend implements Backend {
  private static final Logger LOG = LoggerFactory.getLogger(ThreadBackend.class);
  private static final long JOIN_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final int size;
  private final SerializableRunnable initializer;
  private Thread[] threads;
  private Dispatcher dispatcher;
  private Stats stats;
  private volatile boolean killed;
  private final long startedNanos = System.nanoTime();
  /** Per-thread figures: [0] items done, [1] busy nanos, [2] 1 while running a batch. */
  private long[][] figures;

  public ThreadBackend(int size, SerializableRunnable initializer) {
    this.size = size;
    this.initializer = initializer;
  }

  @Override
  public void start(Dispatcher dispatcher, String poolName, Stats stats) {
    this.dispatcher = dispatcher;
    this.stats = stats;
    threads = new Thread[size];
    figures = new long[size][3];
    for (int i = 0; i < size; i++) {
      int id = i + 1;
      Thread t = new Thread(() -> work(id), poolName + "-worker-" + id);
      t.setDaemon(true);
      threads[i] = t;
    }
    for (Thread t : threads) {
      t.start();
    }
    stats.workersStarted.add(size);
  }

  @Override
  public List<PoolStats.WorkerStats> workerStats() {
    List<PoolStats.WorkerStats> out = new ArrayList<>();
    long pid = ProcessHandle.current().pid();
    long up = System.nanoTime() - startedNanos;
    for (int i = 0; i < size; i++) {
      long done;
      long busy;
      boolean running;
      synchronized (figures[i]) {
        done = figures[i][0];
        busy = figures[i][1];
        running = figures[i][2] == 1;
      }
      out.add(new PoolStats.WorkerStats(i + 1, pid, running, done, Duration.ZERO, Duration.ofNanos(busy),
          Duration.ofNanos(Math.max(0, up - busy))));
    }
    return out;
  }

  private void work(int id) {
    Throwable initFailure = null;
    if (initializer != null) {
      try {
        initializer.run();
      } catch (Throwable t) {
        initFailure = t;
        LOG.warn("the initializer failed in {}; every task this thread takes fails with its exception", Thread.currentThread().getName(), t);
      }
    }
    while (!killed) {
      Batch batch;
      try {
        batch = dispatcher.take();
      } catch (InterruptedException e) {
        if (killed) {
          return;
        }
        continue;
      }
      if (batch == null) {
        return;
      }
      if (batch.job().abandoned()) {
        batch.fail(new java.util.concurrent.CancellationException("abandoned by the caller"));
        continue;
      }
      long[] mine = figures[id - 1];
      synchronized (mine) {
        mine[2] = 1;
      }
      long t0 = System.nanoTime();
      run(batch, initFailure, id);
      synchronized (mine) {
        mine[0] += batch.size();
        mine[1] += System.nanoTime() - t0;
        mine[2] = 0;
      }
    }
  }

  private void run(Batch batch, Throwable initFailure, int id) {
    Job job = batch.job();
    int n = batch.size();
    Object[] results = new Object[n];
    long slowest = -1;
    int slowestIndex = -1;
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      if (initFailure != null) {
        results[i] = new Failure(initFailure);
        continue;
      }
      try {
        results[i] = job.fn().apply(batch.item(i));
      } catch (Throwable t) {
        if (killed) {
          results[i] = new Failure(new PoolTerminatedException("the pool was terminated while this task ran"));
        } else {
          results[i] = new Failure(t);
        }
      }
      if (killed) {
        batch.fail(new PoolTerminatedException("the pool was terminated while this task ran"));
        return;
      }
      long took = System.nanoTime() - t0;
      if (took > slowest) {
        slowest = took;
        slowestIndex = i;
      }
    }
    stats.taskTimed(job, batch.start() + slowestIndex, slowest, id);
    Thread.interrupted(); // a task's leftover interrupt must not reach the next one
    batch.complete(results);
  }

  @Override
  public void prepare(Job job) {
    // threads run the caller's own function object
  }

  @Override
  public int maxBatchSize() {
    return Integer.MAX_VALUE;
  }

  @Override
  public void shutdown() {
    join();
  }

  @Override
  public void kill() {
    killed = true;
    for (Thread t : threads) {
      t.interrupt();
    }
    join();
  }

  private void join() {
    long deadline = System.nanoTime() + JOIN_NANOS;
    for (Thread t : threads) {
      if (t == Thread.currentThread()) {
        continue;
      }
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) {
          TimeUnit.NANOSECONDS.timedJoin(t, left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (t.isAlive() && killed) {
        LOG.warn("{} did not stop within 2 s of being interrupted; it is left running as a daemon", t.getName());
      }
    }
  }

  @Override
  public boolean ownsThread(Thread thread) {
    if (threads == null) {
      return false;
    }
    for (Thread t : threads) {
      if (t == thread) {
        return true;
      }
    }
    return false;
  }
}
