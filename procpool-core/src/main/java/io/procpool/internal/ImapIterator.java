package io.procpool.internal;

import io.procpool.ResultIterator;
import io.procpool.SerializableFunction;
import io.procpool.TaskFailedException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The job and iterator of {@code imap} and {@code imapUnordered}.
 *
 * <p>Backpressure: the input is read on the consumer's thread (in {@code imap} itself and in
 * {@code hasNext}/{@code next}), never more than the window's items beyond what the consumer
 * has taken. The window starts at {@code lookahead} items; when the consumer has to wait for a
 * result while the window holds less than {@link #WINDOW_TARGET_NANOS} of work at the rate it
 * has been taking results (the wake-ups of a refill, not the workers, are what limits), it
 * doubles, up to {@code maxLookahead} items (the adaptive bound or the user's {@code
 * imapLookahead} cap) and never beyond {@code byteBudget} of encoded input (as the backend
 * reports through {@link #noteEncoded}). Larger items reported later shrink it back
 * within the budget. The input is read outside the lock, so a slow input never blocks the
 * threads that deliver results. An exception of the input's iterator is kept at its position and
 * thrown by {@code next()} once the items read before it have been returned; as in Python, the
 * items of the incomplete chunk being filled when it failed are not run.
 */
final class ImapIterator<R> extends Job implements ResultIterator<R> {
  private final AbstractPool pool;
  private final Iterator<?> input;
  private final int chunksize;
  private final boolean ordered;
  private final int lookahead;
  /** The window never grows beyond this many items (the adaptive bound, or the user's cap). */
  private final int maxLookahead;
  private final long byteBudget;
  /** The largest bytes per item of a batch sent so far (0: none reported); lock-free. */
  private final java.util.concurrent.atomic.AtomicLong maxBytesPerItem = new java.util.concurrent.atomic.AtomicLong();
  private final Function<Object, Object> mapInput;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // guarded by lock
  private int read;
  private int returned;
  /** Items the consumer may be ahead by; grows from {@code lookahead}, see the class comment. */
  private int window;
  /** Since when, and from which count of returned items, the rate is measured. */
  private long rateSince = System.nanoTime();
  private int rateReturned;
  private boolean inputDone;
  private boolean feeding;
  private Throwable inputError;
  private RuntimeException stopReason;
  /** Written under lock; read without it by the consumer. */
  private volatile boolean closed;
  /**
   * Results kept a batch at a time (not an entry per item): ordered by the batch's first index,
   * unordered in arrival order. {@code returned} counts the items of the batches the consumer has
   * taken.
   */
  private final Map<Integer, Arrived> byStart = new HashMap<>();
  private final ArrayDeque<Arrived> arrived = new ArrayDeque<>();
  /**
   * The consumer's side: the batch being handed out, from {@code headAt}, item by item without
   * the lock that the threads delivering results take (taking that lock per item made the
   * consumer and the result readers contend: half the consumer's time went to waking them), and
   * the batches taken with it ({@code taken}: every batch that is next in line when the consumer
   * takes the lock, so that one-item batches do not cost a lock each).
   */
  private final ReentrantLock consumerLock = new ReentrantLock();
  // guarded by consumerLock (and only touched on the consuming thread)
  private Arrived head;
  private int headAt;
  private final ArrayDeque<Arrived> taken = new ArrayDeque<>();
  /** Items in {@code head} (from {@code headAt}) and {@code taken} not handed out yet. */
  private int takenItems;

  /** The window grows while it holds less work than this, at the rate results are taken. */
  static final long WINDOW_TARGET_NANOS = 4_000_000;
  /** The rate is measured over at least this long. */
  private static final long RATE_SAMPLE_NANOS = 1_000_000;

  /** One batch's results: item {@code start + i} has {@code results[i]}. */
  private static final class Arrived {
    final int start;
    final Object[] results;

    Arrived(int start, Object[] results) {
      this.start = start;
      this.results = results;
    }
  }

  /** Maps an input element to the item the function receives (starmap's entries to pairs). */
  interface Function<A, B> {
    B apply(A a);
  }

  ImapIterator(
      long id,
      SerializableFunction<Object, Object> fn,
      AbstractPool pool,
      Iterator<?> input,
      int chunksize,
      boolean ordered,
      int lookahead,
      int maxLookahead,
      long byteBudget,
      Function<Object, Object> mapInput) {
    super(id, ordered ? "imap" : "imapUnordered", fn);
    this.pool = pool;
    this.input = input;
    this.chunksize = chunksize;
    this.ordered = ordered;
    this.lookahead = Math.max(lookahead, chunksize);
    this.maxLookahead = Math.max(maxLookahead, this.lookahead);
    this.window = this.lookahead;
    this.byteBudget = byteBudget;
    this.mapInput = mapInput;
  }

  /**
   * Reads and submits input up to the look-ahead bound; called on the consumer's thread only. It
   * refills only once at most half the window is left (or nothing is), and submits the chunks it
   * reads together, so that one wake-up of the workers carries several chunks; a slow input is
   * submitted every 2 ms so that workers never wait for the rest of a refill.
   */
  void feed() {
    int want;
    int start;
    int inHead = takenItems; // the consuming thread's own batches (0 before the first next())
    lock.lock();
    try {
      if (closed || inputDone || feeding) {
        return;
      }
      int outstanding = read - returned + inHead;
      int limit = window();
      want = limit - outstanding;
      if (outstanding > 0 && (want < chunksize || outstanding > limit / 2)) {
        return;
      }
      // whole chunks within the window (one when nothing is outstanding), so that a cap holds
      want = Math.max(want - want % chunksize, chunksize);
      start = read;
      feeding = true;
    } finally {
      lock.unlock();
    }
    int submitted = 0;
    int readSoFar = 0;
    Throwable error = null;
    RuntimeException stop = null;
    boolean exhausted = false;
    List<Object[]> pending = new ArrayList<>();
    long flushAt = System.nanoTime() + 2_000_000;
    try {
      while (readSoFar < want) {
        int n = chunksize; // a chunk is always chunksize items, except the input's last one
        if (!pool.acceptingWork()) {
          stop = stopped(start + submitted, null);
          break;
        }
        List<Object> chunk = new ArrayList<>(n);
        try {
          while (chunk.size() < n && input.hasNext()) {
            chunk.add(mapInput.apply(input.next()));
          }
        } catch (Throwable t) {
          error = t;
          break;
        }
        if (chunk.isEmpty()) {
          exhausted = true;
          break;
        }
        pending.add(chunk.toArray());
        readSoFar += chunk.size();
        if (chunk.size() < n) {
          exhausted = true;
          break;
        }
        if (System.nanoTime() > flushAt) {
          stop = submit(pending, start + submitted);
          submitted = readSoFar - pendingSize(pending);
          if (stop != null) {
            break;
          }
          flushAt = System.nanoTime() + 2_000_000;
        }
      }
      if (stop == null) {
        stop = submit(pending, start + submitted);
      }
      submitted = readSoFar - pendingSize(pending);
    } finally {
      boolean ended;
      lock.lock();
      try {
        feeding = false;
        read += submitted;
        if (error != null) {
          inputError = error;
          inputDone = true;
        } else if (stop != null) {
          stopReason = stop;
          inputDone = true;
        } else if (exhausted) {
          inputDone = true;
        }
        ended = inputDone;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      if (ended) {
        pool.inputEnded(this); // the total is known now: progress may be complete
      }
    }
  }

  /**
   * Submits the pending chunks (consecutive, from index {@code at}) in one go; clears them when
   * submitted; returns why not, if not.
   */
  private RuntimeException submit(List<Object[]> pending, int at) {
    if (pending.isEmpty()) {
      return null;
    }
    Object[] all = pending.size() == 1 ? pending.get(0) : new Object[pendingSize(pending)];
    if (pending.size() > 1) {
      int off = 0;
      for (Object[] c : pending) {
        System.arraycopy(c, 0, all, off, c.length);
        off += c.length;
      }
    }
    try {
      pool.submitBatches(this, at, all, chunksize);
    } catch (IllegalStateException e) {
      return stopped(at, e);
    }
    pending.clear();
    return null;
  }

  private static int pendingSize(List<Object[]> pending) {
    int n = 0;
    for (Object[] c : pending) {
      n += c.length;
    }
    return n;
  }

  private static IllegalStateException stopped(int submitted, Exception cause) {
    return new IllegalStateException(
        "the pool was closed or terminated before the input of imap was fully read ("
            + submitted + " items were submitted and their results returned)", cause);
  }

  @Override
  long total() {
    lock.lock();
    try {
      return inputDone ? read : -1;
    } finally {
      lock.unlock();
    }
  }

  @Override
  void onBatch(Batch batch, Object[] values, int at) {
    // no result slots here (Job.resultSlots is null), so every batch arrives in an array of its own, from 0
    Object[] results = values;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      Arrived a = new Arrived(batch.start(), results);
      if (ordered) {
        byStart.put(a.start, a);
      } else {
        arrived.add(a);
      }
      if (!ordered || a.start == returned) {
        changed.signalAll(); // an ordered consumer waits for the next index only: no wake-up for others
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      return false;
    }
    consumerLock.lock();
    try {
      if (head != null || !taken.isEmpty()) {
        return true;
      }
      feed();
      lock.lock();
      try {
        if (closed) {
          return false;
        }
        if (returned < read || inputError != null || stopReason != null) {
          return true;
        }
        return !inputDone;
      } finally {
        lock.unlock();
      }
    } finally {
      consumerLock.unlock();
    }
  }

  @Override
  public R next() {
    try {
      return next(Long.MAX_VALUE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskFailedException("interrupted while waiting for the next result of imap", -1, e);
    } catch (TimeoutException e) {
      throw new AssertionError("no timeout without a deadline", e);
    }
  }

  @Override
  public R next(Duration timeout) throws TimeoutException, InterruptedException {
    Require.notNull(timeout, "timeout");
    return next(AsyncResultImpl.toNanos(timeout));
  }

  private R next(long nanos) throws TimeoutException, InterruptedException {
    long deadline = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + nanos;
    if (nanos == Long.MAX_VALUE) {
      consumerLock.lockInterruptibly();
    } else if (!consumerLock.tryLock(nanos, java.util.concurrent.TimeUnit.NANOSECONDS)) {
      throw new TimeoutException("another thread is taking results of this iterator");
    }
    try {
      return nextLocked(deadline);
    } finally {
      consumerLock.unlock();
    }
  }

  private R nextLocked(long deadline) throws TimeoutException, InterruptedException {
    while (true) {
      Require.state(!closed, "this iterator was closed");
      Arrived h = head;
      if (h == null && !taken.isEmpty()) {
        h = head = taken.pollFirst();
        headAt = 0;
      }
      if (h != null) {
        int i = headAt;
        Object value = h.results[i];
        h.results[i] = null;
        takenItems--;
        if (++headAt == h.results.length) {
          head = null;
        }
        return deliver(h.start + i, value);
      }
      feed();
      lock.lock();
      try {
        Require.state(!closed, "this iterator was closed");
        Arrived a = ordered ? byStart.remove(returned) : arrived.poll();
        if (a != null) {
          while (a != null) {
            returned += a.results.length;
            takenItems += a.results.length;
            taken.addLast(a);
            a = ordered ? (byStart.isEmpty() ? null : byStart.remove(returned)) : arrived.poll();
          }
        } else if (returned == read && inputDone) {
          if (inputError != null) {
            Throwable t = inputError;
            inputError = null;
            throw Throwables.<RuntimeException>sneaky(t);
          }
          if (stopReason != null) {
            throw stopReason;
          }
          throw new NoSuchElementException("imap has no more results");
        } else if (returned == read && !inputDone) {
          continue; // the look-ahead window has room: feed more
        } else {
          long wait = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
          if (wait <= 0) {
            throw new TimeoutException("no result of imap arrived in time");
          }
          maybeGrow();
          if (wait == Long.MAX_VALUE) {
            changed.await();
          } else {
            changed.awaitNanos(wait);
          }
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /** The window as the byte budget allows it now (items may have grown since it did); under lock. */
  private int window() {
    long perItem = maxBytesPerItem.get();
    return perItem <= 0 ? window : (int) Math.max(lookahead, Math.min(window, byteBudget / perItem));
  }

  /**
   * The consumer is about to wait: if the window holds less than {@link #WINDOW_TARGET_NANOS} of
   * work at the rate results were taken since the last sample, it grows. Under lock.
   */
  private void maybeGrow() {
    long now = System.nanoTime();
    long dt = now - rateSince;
    if (dt < RATE_SAMPLE_NANOS) {
      return;
    }
    long items = returned - rateReturned;
    if (items > 0 && (double) window * dt < (double) WINDOW_TARGET_NANOS * items) {
      grow();
    }
    rateSince = now;
    rateReturned = returned;
  }

  /**
   * Doubles the window, up to {@code maxLookahead}, once the backend has reported sizes (the
   * byte budget is applied by {@link #window()}) or results came back without any (a backend that
   * encodes nothing: threads); under lock.
   */
  private void grow() {
    if (maxBytesPerItem.get() > 0 || returned > 0) {
      window = (int) Math.max(window, Math.min((long) window * 2, maxLookahead));
    }
  }

  @Override
  public void noteEncoded(int items, long bytes) {
    if (items > 0) {
      long perItem = Math.max(1, bytes / items);
      if (perItem > maxBytesPerItem.get()) { // rare: no write per batch
        maxBytesPerItem.accumulateAndGet(perItem, Math::max);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private R deliver(int index, Object value) {
    if (value instanceof Failure) {
      Throwable cause = ((Failure) value).cause();
      throw new TaskFailedException("item " + index + " of imap failed: " + cause, index, cause);
    }
    return (R) value;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      byStart.clear();
      arrived.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (consumerLock.tryLock()) { // else a consumer is inside next(): it sees closed and stops
      try {
        head = null;
        taken.clear();
        takenItems = 0;
      } finally {
        consumerLock.unlock();
      }
    }
    abandon();
  }

  @Override
  public String toString() {
    return (ordered ? "imap" : "imapUnordered") + "[job " + id() + ", chunksize " + chunksize + "]";
  }
}
