package io.procpool.internal;

import io.procpool.internal.wire.BatchCodec;
import io.procpool.internal.wire.In;
import java.io.IOException;
import java.util.Map;

/**
 * Completes a batch from the results a worker sent for it, decoding them straight into the job's
 * {@link Job#resultSlots} when it has them (no array per batch, no copy). Transport-free: the
 * process backend and the cluster driver both call it with the values part of a result body.
 * Stateless; thread-safe.
 */
public final class BatchResults {
  private BatchResults() {}

  /**
   * Claims {@code b} and completes it from the values in {@code values} (positioned after {@link
   * BatchCodec#readResultHeader}): each item's result or {@link Failure}; {@code localFailures}
   * (index within the batch → cause; may be null) overrides items the sender could not encode. A
   * result of the wrong count fails the batch: with the one failure the worker sent for all (its
   * function could not be read), else as an internal error. Values that cannot be read fail the
   * batch with that error.
   *
   * @return false, doing nothing, if the batch was already completed (another copy of it won)
   */
  public static boolean complete(Batch b, BatchCodec messages, In values, Map<Integer, Throwable> localFailures) {
    if (!b.claim()) {
      return false;
    }
    Object[] slots = b.job().resultSlots();
    int at = slots == null ? 0 : b.start();
    Object[] got;
    try {
      got = messages.readResultValues(values, slots, at, b.size());
    } catch (IOException | RuntimeException e) {
      b.failClaimed(e);
      return true;
    }
    if (got != slots) { // not decoded in place: an array of its own, maybe of the wrong count
      at = 0;
      if (got.length != b.size()) {
        Throwable cause =
            got.length == 1 && got[0] instanceof Failure
                ? ((Failure) got[0]).cause()
                : new IOException("procpool internal error: " + got.length + " results for " + b.size() + " items");
        b.failClaimed(cause);
        return true;
      }
    }
    if (localFailures != null) {
      for (Map.Entry<Integer, Throwable> e : localFailures.entrySet()) {
        got[at + e.getKey()] = new Failure(e.getValue());
      }
    }
    b.deliver(got, at);
    return true;
  }
}
