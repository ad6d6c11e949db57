package io.procpool.internal;

import io.procpool.SerializableFunction;
import java.util.Arrays;

/**
 * A job whose results are wanted all at once ({@code map}, {@code starmap}, {@code apply} and their
 * async forms). It completes its {@link AsyncResultImpl} when the last item has ended: with the
 * list of results, or with the failure of the lowest-indexed failed item (it waits for every item,
 * like Python, so that no task of a failed map is still running when the caller sees the failure);
 * or, for a relay ({@link Shape#OUTCOMES}), with every item's own outcome.
 */
final class MapJob extends Job {
  /** What the job's result is. */
  enum Shape {
    /** {@code apply}: the one item's result, or its failure. */
    SINGLE,
    /** {@code map}: the list of results, or the lowest-indexed failure. */
    LIST,
    /** An {@code Object[]} of every item's result or {@link Failure}, in order; never fails by an item. */
    OUTCOMES
  }

  private final Object[] results;
  private final AsyncResultImpl<Object> result;
  private final Shape shape;
  private int remaining;

  MapJob(long id, String operation, SerializableFunction<Object, Object> fn, int size, Shape shape, AsyncResultImpl<Object> result) {
    super(id, operation, fn);
    this.results = new Object[size];
    this.remaining = size;
    this.shape = shape;
    this.result = result;
    result.onCancel(this::abandon);
    if (size == 0) {
      result.succeed(shape == Shape.OUTCOMES ? new Object[0] : new ResultList(new Object[0]));
    }
  }

  @Override
  long total() {
    return results.length;
  }

  @Override
  public Object[] resultSlots() {
    return shape == Shape.SINGLE ? null : results;
  }

  @Override
  void onBatch(Batch batch, Object[] values, int at) {
    if (shape == Shape.SINGLE) { // apply / applyAsync: one item, one batch, completed once (Batch guarantees it)
      Object v = values[at];
      if (v instanceof Failure) {
        result.fail(-1, ((Failure) v).cause());
      } else {
        result.succeed(v);
      }
      return;
    }
    boolean done;
    int n = batch.size();
    synchronized (this) {
      // a backend that decoded in place has written the slots already (its claim made it their only writer);
      // the monitor publishes them to whichever thread finishes the job
      if (values != results || at != batch.start()) {
        System.arraycopy(values, at, results, batch.start(), n);
      }
      remaining -= n;
      done = remaining == 0;
    }
    if (done) {
      finish();
    }
  }

  /** The last batch of a {@code LIST} or {@code OUTCOMES} job has ended (a {@code SINGLE} one completes in {@link #onBatch}). */
  private void finish() {
    if (shape == Shape.OUTCOMES) {
      result.succeed(results); // every slot written once under the monitor; nothing touches it after
      return;
    }
    for (int i = 0; i < results.length; i++) {
      if (results[i] instanceof Failure) {
        Throwable cause = ((Failure) results[i]).cause();
        Arrays.fill(results, null);
        result.fail(i, cause);
        return;
      }
    }
    result.succeed(new ResultList(results)); // the list takes the array: no copy
  }
}
