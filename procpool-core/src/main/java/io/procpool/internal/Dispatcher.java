package io.procpool.internal;

import io.procpool.PoolTerminatedException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pool's work queue and its record of outstanding batches. Callers submit batches; idle
 * workers take them (pull-based dispatch); a batch leaves the record when it completes.
 *
 * <p>Thread-safe. One lock guards the queue, the record and the accepting/released flags; it is
 * never held while calling out (jobs, backends, user code).
 */
public final class Dispatcher {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notEmptyForPrefetch = lock.newCondition();
  private final Condition idle = lock.newCondition();
  private final ArrayDeque<Batch> queue = new ArrayDeque<>();
  /**
   * Outstanding batches, linked through their own fields (no hashing, no allocation: a hash set's
   * add and remove were a tenth of the caller's CPU with 100,000 one-item batches outstanding).
   * A sentinel; guarded by lock.
   */
  private final Batch outstanding = Batch.sentinel();
  private int outstandingSize;
  private boolean accepting = true;
  private boolean released;
  private boolean aborted;
  /** {@code outstanding.size()}, readable without the lock (for a caller deciding whether to spin). */
  private volatile int outstandingCount;
  /** Workers with nothing to do: a busy worker may prefetch only what they leave over (written under lock, read without it by {@link #idleWorkerCount}). */
  private volatile int idleWorkers;
  private final AtomicLong nextBatchId = new AtomicLong();

  /** Creates a batch of this dispatcher (ids are unique per pool) of all of {@code items}. */
  public Batch newBatch(Job job, int start, Object[] items) {
    return newBatch(job, start, items, 0, items.length);
  }

  /**
   * Creates a batch of {@code items[from .. from + size)}, by reference: the caller must not
   * change those items while the batch may run.
   */
  public Batch newBatch(Job job, int start, Object[] items, int from, int size) {
    return new Batch(nextBatchId.incrementAndGet(), job, start, items, from, size, this);
  }

  /**
   * Queues batches for the workers.
   *
   * @throws IllegalStateException if the pool no longer accepts work
   */
  public void submit(List<Batch> batches) {
    lock.lock();
    try {
      Require.state(accepting, "the pool is closed or terminated: it accepts no new work");
      for (Batch b : batches) {
        link(b);
        queue.addLast(b);
      }
      outstandingCount = outstandingSize;
      wakeTakers();
    } finally {
      lock.unlock();
    }
  }

  /** Whether {@link #submit} would accept work now. */
  public boolean accepting() {
    lock.lock();
    try {
      return accepting;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes the next batch for a worker that is always idle when it asks (a thread), waiting while
   * the queue is empty; returns null once the dispatcher is {@link #release() released} and the
   * queue is empty.
   */
  public Batch take() throws InterruptedException {
    return take(() -> true);
  }

  /**
   * Takes the next batch, waiting while there is none for this taker. A taker whose worker is idle
   * ({@code idle} says so, re-read at every wake-up) takes any queued batch; one whose worker is
   * busy (it wants to prefetch) takes one only while more batches are queued than there are idle
   * workers, so that prefetching never leaves a worker idle while a task waits behind a running
   * one. Returns null once the dispatcher is {@link #release() released} and the queue is empty.
   *
   * @param idle whether the taker's worker has nothing to do; must not take locks (it runs under
   *     the dispatcher's lock)
   */
  public Batch take(java.util.function.BooleanSupplier idle) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (true) {
        boolean isIdle = idle.getAsBoolean();
        if (!queue.isEmpty() && (isIdle || queue.size() > idleWorkers)) {
          Batch b = queue.pollFirst();
          if (!queue.isEmpty()) {
            wakeTakers();
          }
          return b;
        }
        if (released && queue.isEmpty()) {
          return null;
        }
        if (isIdle) {
          notEmpty.await();
        } else {
          notEmptyForPrefetch.await();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Counts workers becoming idle ({@code +1}) or busy ({@code -1}); the process backend calls it
   * when a worker's first batch is sent and when its last result arrives.
   */
  public void idleWorkers(int delta) {
    lock.lock();
    try {
      idleWorkers += delta;
      // a busy taker whose worker went idle must re-check; fewer idle workers may allow prefetch
      notEmptyForPrefetch.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Number of workers with nothing to do (a racy read, without the lock). */
  public int idleWorkerCount() {
    return idleWorkers;
  }

  /** Wakes waiting takers; they re-check their conditions. Under the lock. */
  private void wakeTakers() {
    notEmpty.signalAll();
    notEmptyForPrefetch.signalAll();
  }

  /** Takes the next batch if one is queued, else returns null at once. */
  public Batch poll() {
    lock.lock();
    try {
      return queue.pollFirst();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes the next batch for prefetching, only if more are queued than there are idle workers
   * and the taker, which took {@code taken} batches in this round, would still have at most its
   * share of them among {@code takers} (so that one writer does not take a whole refill of
   * {@code imap} while another worker waits for work).
   */
  public Batch pollForPrefetch(int taken, int takers) {
    lock.lock();
    try {
      int share = (queue.size() + taken + takers - 1) / takers;
      return queue.size() > idleWorkers && taken < share ? queue.pollFirst() : null;
    } finally {
      lock.unlock();
    }
  }

  /** Number of queued (not yet taken) batches. */
  public int queued() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Number of batches submitted and not yet completed. */
  public int outstanding() {
    lock.lock();
    try {
      return outstandingSize;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Puts a batch that a worker took but never started back at the head of the queue. After the
   * pool was terminated the batch fails instead.
   */
  public void requeue(Batch batch) {
    boolean fail;
    lock.lock();
    try {
      fail = aborted;
      if (!fail && !batch.isCompleted()) {
        queue.addFirst(batch);
        wakeTakers();
      }
    } finally {
      lock.unlock();
    }
    if (fail) {
      batch.fail(new PoolTerminatedException("the pool was terminated before this task ran"));
    }
  }

  /** Sees every batch once it has completed, outside the dispatcher's lock ({@code values[at + i]}: item i's outcome). */
  interface Observer {
    void batchCompleted(Batch batch, Object[] values, int at);
  }

  private volatile Observer observer;

  void observer(Observer o) {
    observer = o;
  }

  /**
   * Tells the observer (stats, progress) about a completed batch; called before the batch's
   * results reach the caller, so that what the caller sees after {@code map} returns counts it.
   */
  void observe(Batch batch, Object[] values, int at) {
    Observer o = observer;
    if (o != null) {
      try {
        o.batchCompleted(batch, values, at);
      } catch (RuntimeException e) {
        // a bug in the bookkeeping must not keep the results from the caller
        org.slf4j.LoggerFactory.getLogger(Dispatcher.class).error("procpool: counting a completed batch failed", e);
      }
    }
  }

  /** The batch is no longer outstanding (after its results were delivered). */
  void completed(Batch batch) {
    lock.lock();
    try {
      unlink(batch);
      outstandingCount = outstandingSize;
      if (outstandingSize == 0) {
        idle.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Adds {@code b} to the outstanding list (under lock; a batch already in it stays once). */
  private void link(Batch b) {
    if (b.nextOutstanding != null) {
      return;
    }
    Batch last = outstanding.prevOutstanding;
    b.prevOutstanding = last;
    b.nextOutstanding = outstanding;
    last.nextOutstanding = b;
    outstanding.prevOutstanding = b;
    outstandingSize++;
  }

  /** Removes {@code b} from the outstanding list if it is in it (under lock). */
  private void unlink(Batch b) {
    if (b.nextOutstanding == null || b == outstanding) {
      return;
    }
    b.prevOutstanding.nextOutstanding = b.nextOutstanding;
    b.nextOutstanding.prevOutstanding = b.prevOutstanding;
    b.prevOutstanding = null;
    b.nextOutstanding = null;
    outstandingSize--;
  }

  /** Stops accepting new work; queued and running work goes on. */
  public void stopAccepting() {
    lock.lock();
    try {
      accepting = false;
    } finally {
      lock.unlock();
    }
  }

  /** Makes {@link #take()} return null once the queue is empty, so that workers can leave. */
  public void release() {
    lock.lock();
    try {
      released = true;
      notEmpty.signalAll();
      notEmptyForPrefetch.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** How many batches are outstanding, read without locking (may be a moment old). */
  public int outstandingApprox() {
    return outstandingCount;
  }

  /** Waits until no batch is outstanding, or the dispatcher is aborted. */
  public void awaitIdle() throws InterruptedException {
    lock.lock();
    try {
      while (outstandingSize > 0 && !aborted) {
        idle.await();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits at most {@code nanos} until no batch is outstanding; returns whether it is so. */
  public boolean awaitIdle(long nanos) throws InterruptedException {
    lock.lock();
    try {
      while (outstandingSize > 0 && !aborted) {
        if (nanos <= 0) {
          return false;
        }
        nanos = idle.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Terminates: accepts nothing, empties the queue, releases waiting takers, and returns every
   * outstanding batch (queued or running) for the caller to fail.
   */
  public List<Batch> abort() {
    lock.lock();
    try {
      accepting = false;
      released = true;
      aborted = true;
      queue.clear();
      notEmpty.signalAll();
      notEmptyForPrefetch.signalAll();
      idle.signalAll();
      List<Batch> all = new ArrayList<>(outstandingSize);
      for (Batch b = outstanding.nextOutstanding; b != outstanding; b = b.nextOutstanding) {
        all.add(b);
      }
      return all;
    } finally {
      lock.unlock();
    }
  }
}
