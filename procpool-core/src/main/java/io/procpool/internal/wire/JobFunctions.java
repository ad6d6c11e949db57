package io.procpool.internal.wire;

import io.procpool.internal.Calls;
import io.procpool.internal.Job;
import java.io.IOException;
import java.io.NotSerializableException;
import java.util.Arrays;
import java.util.Map;

/**
 * Turns a job's function into an {@link EncodedFunction}, once per job, on the submitting thread:
 * lambdas that capture nothing are encoded once per pool, lambdas of one-item jobs become a
 * {@link CapturedLambda} template plus their captured values, anything else is JDK-serialized
 * (equal bytes share one key). Transport-free. Thread-safe: the caches are guarded by this
 * object's monitor, which is held for map lookups only (never while serializing).
 */
public final class JobFunctions {
  private final WireCodec codec;
  // guarded by this
  private final Map<FunctionBytes, Long> keys = new LruMap<>(256);
  /** Encoded lambdas that capture nothing, by {@link Calls#statelessKey}: no serialization per call. */
  private final Map<Object, EncodedFunction> stateless = new LruMap<>(256);
  /** Templates of lambdas ({@link CapturedLambda}), by lambda class (and adapter). */
  private final Map<Object, EncodedFunction> templates = new LruMap<>(256);
  private long nextKey;

  public JobFunctions(WireCodec codec) {
    this.codec = codec;
  }

  /**
   * Encodes {@code job}'s function.
   *
   * @throws NotSerializableException naming the user's function and the value in it that is not
   *     serializable
   * @throws IOException if serialization fails otherwise
   */
  public EncodedFunction encode(Job job) throws IOException {
    Object statelessKey = Calls.statelessKey(job.fn());
    if (statelessKey != null) {
      EncodedFunction known;
      synchronized (this) {
        known = stateless.get(statelessKey);
      }
      if (known != null) {
        return known;
      }
    }
    EncodedFunction captured = capturedLambda(job.fn(), job.singleItem());
    if (captured != null) {
      return captured;
    }
    byte[] bytes;
    try {
      bytes = codec.encodeObject(job.fn());
    } catch (NotSerializableException e) {
      throw unserializableFunction(job, e);
    }
    FunctionBytes fb = new FunctionBytes(bytes);
    EncodedFunction encoded;
    synchronized (this) {
      Long k = keys.get(fb);
      if (k == null) {
        k = ++nextKey;
        keys.put(fb, k);
      }
      encoded = new EncodedFunction(k, bytes, null);
      if (statelessKey != null) {
        stateless.put(statelessKey, encoded);
      }
    }
    return encoded;
  }

  /**
   * {@code fn} as a lambda template ({@link CapturedLambda}): for a lambda that captures nothing,
   * and for one whose captured values all encode in a job of one item ({@code applyAsync(() ->
   * f(x))}, where a new lambda per call made JDK serialization the bottleneck). Else null: then it
   * is JDK-serialized (which also names what cannot be serialized) and goes once per worker.
   */
  private EncodedFunction capturedLambda(Object fn, boolean singleItem) {
    Object shape = CapturedLambda.shapeOf(fn);
    if (shape == null) {
      return null;
    }
    EncodedFunction known;
    synchronized (this) {
      known = templates.get(shape);
    }
    if (known != null && CapturedLambda.capturedCount(known.bytes) == 0) {
      return known; // captures nothing: the same function for every call
    }
    CapturedLambda.Split split = CapturedLambda.split(fn);
    if (split == null) {
      return null;
    }
    Object[] captured = split.captured();
    if (captured.length > 0 && !singleItem) {
      // a job of several batches: its captured values (maybe a large table) go once per worker
      // and are decoded once, inside the JDK-serialized function, not with every batch
      return null;
    }
    Buf values = new Buf(64);
    boolean[] failed = {false};
    codec.writeValues(
        values,
        captured,
        (i, e) -> {
          failed[0] = true;
          return WireCodec.SKIPPED;
        });
    if (failed[0]) {
      return null;
    }
    EncodedFunction template;
    synchronized (this) {
      template = templates.get(shape);
    }
    if (template == null) {
      byte[] bytes = split.template();
      synchronized (this) {
        template = templates.get(shape);
        if (template == null) {
          template = new EncodedFunction(++nextKey, bytes, null);
          templates.put(shape, template);
        }
      }
    }
    return captured.length == 0 ? template : new EncodedFunction(template.key, template.bytes, values.toByteArray());
  }

  /** Names the user's function (not procpool's adapter around it) and what in it cannot be serialized. */
  private static NotSerializableException unserializableFunction(Job job, NotSerializableException e) {
    Object fn = job.fn();
    if (fn instanceof Calls.CallTask) {
      fn = ((Calls.CallTask) fn).inner();
    } else if (fn instanceof Calls.StarCall) {
      fn = ((Calls.StarCall) fn).inner();
    }
    String name = fn.getClass().getName();
    int lambda = name.indexOf("$$Lambda");
    String what = lambda > 0 ? "a lambda in " + name.substring(0, lambda) : name;
    NotSerializableException named =
        new NotSerializableException(
            e.getMessage() + " is not Serializable, and the function of " + job.operation() + " (" + what
                + ") holds one. Capture only serializable values in the function, or make " + e.getMessage()
                + " Serializable");
    named.initCause(e);
    return named;
  }

  /** Function bytes as a map key (content equality). */
  private static final class FunctionBytes {
    final byte[] bytes;
    final int hash;

    FunctionBytes(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof FunctionBytes && Arrays.equals(bytes, ((FunctionBytes) o).bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
