package io.procpool.internal.thread;

import io.procpool.PoolTerminatedException;
import io.procpool.SerializableRunnable;
import io.procpool.internal.Backend;
import io.procpool.internal.Batch;
import io.procpool.internal.Dispatcher;
import io.procpool.internal.Failure;
import io.procpool.internal.Job;
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
  private volatile boolean killed;

  public ThreadBackend(int size, SerializableRunnable initializer) {
    this.size = size;
    this.initializer = initializer;
  }

  @Override
  public void start(Dispatcher dispatcher, String poolName) {
    this.dispatcher = dispatcher;
    threads = new Thread[size];
    for (int i = 0; i < size; i++) {
      Thread t = new Thread(this::work, poolName + "-worker-" + (i + 1));
      t.setDaemon(true);
      threads[i] = t;
    }
    for (Thread t : threads) {
      t.start();
    }
  }

  private void work() {
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
      run(batch, initFailure);
    }
  }

  private void run(Batch batch, Throwable initFailure) {
    Job job = batch.job();
    Object[] items = batch.items();
    Object[] results = new Object[items.length];
    for (int i = 0; i < items.length; i++) {
      if (initFailure != null) {
        results[i] = new Failure(initFailure);
        continue;
      }
      try {
        results[i] = job.fn().apply(items[i]);
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
    }
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
