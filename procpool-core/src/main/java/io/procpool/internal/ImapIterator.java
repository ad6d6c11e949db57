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
 * {@code hasNext}/{@code next}), never more than {@code lookahead} items beyond what the consumer
 * has taken. The input is read outside the lock, so a slow input never blocks the threads that
 * deliver results. An exception of the input's iterator is kept at its position and thrown by
 * {@code next()} once the items read before it have been returned; as in Python, the items of the
 * incomplete chunk being filled when it failed are not run.
 */
final class ImapIterator<R> extends Job implements ResultIterator<R> {
  private final AbstractPool pool;
  private final Iterator<?> input;
  private final int chunksize;
  private final boolean ordered;
  private final int lookahead;
  private final Function<Object, Object> mapInput;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // guarded by lock
  private int read;
  private int returned;
  private boolean inputDone;
  private boolean feeding;
  private Throwable inputError;
  private RuntimeException stopReason;
  private boolean closed;
  private final Map<Integer, Object> byIndex = new HashMap<>();
  private final ArrayDeque<Object[]> arrived = new ArrayDeque<>();

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
      Function<Object, Object> mapInput) {
    super(id, ordered ? "imap" : "imapUnordered", fn);
    this.pool = pool;
    this.input = input;
    this.chunksize = chunksize;
    this.ordered = ordered;
    this.lookahead = Math.max(lookahead, chunksize);
    this.mapInput = mapInput;
  }

  /** Reads and submits input up to the look-ahead bound; called on the consumer's thread only. */
  void feed() {
    int want;
    int start;
    lock.lock();
    try {
      if (closed || inputDone || feeding) {
        return;
      }
      want = lookahead - (read - returned);
      if (want < chunksize && read > returned) {
        return;
      }
      want = Math.max(want, chunksize);
      start = read;
      feeding = true;
    } finally {
      lock.unlock();
    }
    int submitted = 0;
    Throwable error = null;
    RuntimeException stop = null;
    boolean exhausted = false;
    try {
      while (submitted < want) {
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
        try {
          pool.submitBatches(this, start + submitted, chunk.toArray(), chunksize);
        } catch (IllegalStateException e) {
          stop = stopped(start + submitted, e);
          break;
        }
        submitted += chunk.size();
        if (chunk.size() < n) {
          exhausted = true;
          break;
        }
      }
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
  void onBatch(Batch batch, Object[] results) {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      for (int i = 0; i < results.length; i++) {
        if (ordered) {
          byIndex.put(batch.start() + i, results[i]);
        } else {
          arrived.add(new Object[] {batch.start() + i, results[i]});
        }
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean hasNext() {
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
    while (true) {
      feed();
      Object[] taken = null;
      lock.lock();
      try {
        Require.state(!closed, "this iterator was closed");
        if (ordered) {
          if (byIndex.containsKey(returned)) {
            taken = new Object[] {returned, byIndex.remove(returned)};
          }
        } else if (!arrived.isEmpty()) {
          taken = arrived.poll();
        }
        if (taken != null) {
          returned++;
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
          if (wait == Long.MAX_VALUE) {
            changed.await();
          } else {
            changed.awaitNanos(wait);
          }
          continue;
        }
      } finally {
        lock.unlock();
      }
      return deliver((Integer) taken[0], taken[1]);
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
      byIndex.clear();
      arrived.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    abandon();
  }

  @Override
  public String toString() {
    return (ordered ? "imap" : "imapUnordered") + "[job " + id() + ", chunksize " + chunksize + "]";
  }
}
