package io.procpool.internal;

import io.procpool.SerializableFunction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
      result.succeed(shape == Shape.OUTCOMES ? new Object[0] : new ArrayList<>());
    }
  }

  @Override
  long total() {
    return results.length;
  }

  @Override
  void onBatch(Batch batch, Object[] values) {
    if (shape == Shape.SINGLE) { // apply / applyAsync: one item, one batch, completed once (Batch guarantees it)
      Object v = values[0];
      if (v instanceof Failure) {
        result.fail(-1, ((Failure) v).cause());
      } else {
        result.succeed(v);
      }
      return;
    }
    boolean done;
    synchronized (this) {
      System.arraycopy(values, 0, results, batch.start(), values.length);
      remaining -= values.length;
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
    List<Object> list = new ArrayList<>(results.length);
    java.util.Collections.addAll(list, results); // one copy (new ArrayList<>(Arrays.asList(..)) makes two)
    Arrays.fill(results, null);
    result.succeed(list);
  }
}
