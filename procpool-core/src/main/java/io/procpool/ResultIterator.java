package io.procpool;

import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeoutException;

/**
 * The lazy results of {@code imap} or {@code imapUnordered}.
 *
 * <p>The pool reads the input only a few chunks per worker ahead of what the caller has taken, so
 * an endless input works. {@link #next()} blocks until the next result arrives; a failed item
 * throws {@link TaskFailedException} for that item and iteration can go on with the next one. An
 * exception thrown by the input's own iterator is thrown by {@code next()} at that point, as is.
 * {@link #close()} stops reading the input and abandons items not yet returned.
 *
 * <p>An iterator is meant for one consuming thread; it is safe to {@link #close()} it from another.
 *
 * @param <R> the result type
 */
public interface ResultIterator<R> extends Iterator<R>, AutoCloseable {

  /**
   * Returns whether another result (or failure) will be returned by {@link #next()}. May block
   * while the pool reads the input.
   *
   * @return true if {@code next()} will return or throw for an item
   */
  @Override
  boolean hasNext();

  /**
   * Returns the next result, waiting for it as long as it takes (a worker's death or the pool's
   * termination ends the wait with a failure).
   *
   * @return the next result
   * @throws TaskFailedException if the task for this item failed
   * @throws NoSuchElementException if there are no more items
   * @throws IllegalStateException if the iterator was closed, or the pool was closed or terminated
   *     before the input was fully read
   */
  @Override
  R next();

  /**
   * Returns the next result, waiting at most {@code timeout}.
   *
   * @param timeout how long to wait
   * @return the next result
   * @throws TimeoutException if no result arrived in time; the item is not lost and a later call
   *     can still return it
   * @throws TaskFailedException if the task for this item failed
   * @throws NoSuchElementException if there are no more items
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  R next(Duration timeout) throws TimeoutException, InterruptedException;

  /**
   * Stops reading the input and abandons the items not yet returned. Idempotent; never throws.
   */
  @Override
  void close();
}
