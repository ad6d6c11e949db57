package io.procpool.internal.process;

import io.procpool.internal.Batch;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The batches sent to one worker and not answered yet, oldest first. A worker answers in the order
 * it was sent, so the batch a result is for is nearly always the oldest: removal looks there first
 * (no boxing or hashing per batch, as a map keyed by batch id had). At most a window of batches
 * (64) is held. Not thread-safe: used under the {@link WorkerHandle}'s monitor.
 */
final class Inflight implements Iterable<Batch> {
  private final ArrayDeque<Batch> batches = new ArrayDeque<>();

  void add(Batch b) {
    batches.addLast(b);
  }

  /** Removes and returns the batch with this id, or null if none is held. */
  Batch remove(long id) {
    Batch first = batches.peekFirst();
    if (first == null) {
      return null;
    }
    if (first.id() == id) {
      return batches.pollFirst();
    }
    for (Iterator<Batch> it = batches.iterator(); it.hasNext(); ) {
      Batch b = it.next();
      if (b.id() == id) {
        it.remove();
        return b;
      }
    }
    return null;
  }

  /** Whether a batch with this id is held. */
  boolean contains(long id) {
    for (Batch b : batches) {
      if (b.id() == id) {
        return true;
      }
    }
    return false;
  }

  /** The oldest batch, or null. */
  Batch first() {
    return batches.peekFirst();
  }

  int size() {
    return batches.size();
  }

  boolean isEmpty() {
    return batches.isEmpty();
  }

  void clear() {
    batches.clear();
  }

  @Override
  public Iterator<Batch> iterator() {
    return batches.iterator();
  }
}
