package io.procpool.internal.wire;

import io.procpool.internal.Failure;
import java.io.IOException;
import java.io.NotSerializableException;
import java.util.Map;

/**
 * The task message as plain bytes: a batch (its id, its function's key and maybe bytes, a
 * template's captured values, the items) and its result (the id, timings, the results). The body
 * of a {@link Protocol#BATCH} or {@link Protocol#RESULT} frame, and nothing of how it travels:
 * the process backend sends it over a socket, a cluster agent can carry the same bytes. Stateless
 * beyond its {@link WireCodec}; thread-safe.
 *
 * <p>Batch: {@code long batchId, long functionKey, int functionLength (-1: the receiver holds
 * it), functionBytes, [int capturedLength, captured values] (templates that capture), items}.
 * Result: {@code long batchId, long batchNanos, int slowestIndex, long slowestNanos, byte
 * interrupted, results}.
 */
public final class BatchCodec {
  private final WireCodec codec;

  public BatchCodec(WireCodec codec) {
    this.codec = codec;
  }

  /**
   * Appends a batch's body to {@code out}. Items that cannot be encoded go as {@link
   * WireCodec#SKIPPED}, and {@code failures} (cleared first) gets their exceptions by index: the
   * sender fails those items itself.
   *
   * @param carryFunction whether the function's bytes go along (the receiver does not hold them)
   */
  public void writeBatch(Buf out, long batchId, EncodedFunction fn, boolean carryFunction, Object[] items,
      Map<Integer, Throwable> failures) {
    writeBatch(out, batchId, fn, carryFunction, items, 0, items.length, failures);
  }

  /**
   * As {@link #writeBatch(Buf, long, EncodedFunction, boolean, Object[], Map)}, of the items {@code
   * items[from .. from + count)} (a slice of the job's input, not copied); {@code failures} is
   * keyed by the index within the slice.
   */
  public void writeBatch(Buf out, long batchId, EncodedFunction fn, boolean carryFunction, Object[] items, int from,
      int count, Map<Integer, Throwable> failures) {
    out.ensure(WireCodec.sizeHint(items, from, count) + fn.bytes.length + (fn.captured == null ? 0 : fn.captured.length) + 36);
    out.writeLong(batchId).writeLong(fn.key);
    if (carryFunction) {
      out.writeInt(fn.bytes.length);
      out.write(fn.bytes, 0, fn.bytes.length);
    } else {
      out.writeInt(-1);
    }
    if (fn.captured != null) {
      out.writeInt(fn.captured.length);
      out.write(fn.captured, 0, fn.captured.length);
    }
    failures.clear();
    codec.writeValues(
        out,
        items,
        from,
        count,
        (i, e) -> {
          failures.put(i, e);
          return WireCodec.SKIPPED;
        });
  }

  /** The start of a batch's body: which batch, which function; its values follow at {@link #valuesAt}. */
  public static final class BatchHeader {
    public final long batchId;
    public final long functionKey;
    /** The function's bytes, or null when the batch did not carry them. */
    public final byte[] functionBytes;
    public final int valuesAt;

    public BatchHeader(long batchId, long functionKey, byte[] functionBytes, int valuesAt) {
      this.batchId = batchId;
      this.functionKey = functionKey;
      this.functionBytes = functionBytes;
      this.valuesAt = valuesAt;
    }
  }

  /** Reads the header of a batch frame; its values are read later with {@link #readValues}. */
  public static BatchHeader readHeader(FrameChannel.Frame f) throws IOException {
    In in = f.reader();
    long batchId = in.readLong();
    long fnKey = in.readLong();
    int fnLen = in.readInt();
    byte[] bytes = null;
    if (fnLen >= 0) {
      if (fnLen > in.end - in.pos) {
        throw new IOException("corrupt function length " + fnLen);
      }
      bytes = java.util.Arrays.copyOfRange(in.a, in.pos, in.pos + fnLen);
      in.pos += fnLen;
    }
    return new BatchHeader(batchId, fnKey, bytes, in.pos);
  }

  /**
   * Reads a batch's values from {@code at}: [0] the captured values ({@code withCaptured}, else
   * null), [1] the items.
   */
  public Object[][] readValues(FrameChannel.Frame f, int at, boolean withCaptured) throws IOException {
    Object[] captured = null;
    if (withCaptured) {
      int len = new In(f.body, at, 4).readInt();
      if (len < 0 || len > f.len - at - 4) {
        throw new IOException("corrupt captured values length " + len);
      }
      captured = codec.readValues(f.slice(at + 4, len));
      at += 4 + len;
    }
    return new Object[][] {captured, codec.readValues(f.slice(at, f.len - at))};
  }

  /** Appends a result's body to {@code out}; a result that cannot be encoded goes as a {@link Failure} naming why. */
  public void writeResult(Buf out, long batchId, long batchNanos, int slowestIndex, long slowestNanos, boolean interrupted,
      Object[] results) {
    out.writeLong(batchId).writeLong(batchNanos).writeInt(slowestIndex).writeLong(slowestNanos)
        .writeByte(interrupted ? 1 : 0);
    codec.writeValues(out, results, (i, e) -> new Failure(resultError(e)));
  }

  /** A decoded result body. */
  public static final class Result {
    public final long batchId;
    /** How long the batch ran, by the worker's clock. */
    public final long batchNanos;
    public final int slowestIndex;
    public final long slowestNanos;
    /** Whether the pool's interrupt reached the batch while it ran. */
    public final boolean interrupted;
    /** The results, or null if they could not be read ({@link #decodeError}). */
    public final Object[] values;
    public final Exception decodeError;

    Result(long batchId, long batchNanos, int slowestIndex, long slowestNanos, boolean interrupted, Object[] values,
        Exception decodeError) {
      this.batchId = batchId;
      this.batchNanos = batchNanos;
      this.slowestIndex = slowestIndex;
      this.slowestNanos = slowestNanos;
      this.interrupted = interrupted;
      this.values = values;
      this.decodeError = decodeError;
    }
  }

  /**
   * Reads a result body. Results that cannot be read leave {@link Result#values} null and the
   * reason in {@link Result#decodeError}.
   *
   * @throws IOException if even the header cannot be read
   */
  public Result readResult(In in) throws IOException {
    Result header = readResultHeader(in);
    try {
      Object[] values = readResultValues(in, null, 0, -1);
      return new Result(header.batchId, header.batchNanos, header.slowestIndex, header.slowestNanos, header.interrupted,
          values, null);
    } catch (IOException | RuntimeException e) {
      return new Result(header.batchId, header.batchNanos, header.slowestIndex, header.slowestNanos, header.interrupted,
          null, e);
    }
  }

  /**
   * Reads the header of a result body (no values: {@link Result#values} is null), and leaves
   * {@code in} at the values, for {@link #readResultValues}; so that a receiver can find the batch
   * first and decode its results where they belong, or not at all.
   *
   * @throws IOException if the header cannot be read
   */
  public Result readResultHeader(In in) throws IOException {
    long id = in.readLong();
    long batchNanos = in.readLong();
    int slowestIndex = in.readInt();
    long slowestNanos = in.readLong();
    boolean interrupted = in.readByte() == 1;
    return new Result(id, batchNanos, slowestIndex, slowestNanos, interrupted, null, null);
  }

  /**
   * Reads the results that follow a {@link #readResultHeader header}, as {@link
   * WireCodec#readValues(In, Object[], int, int)}: into {@code into[at ..]} when there are {@code
   * expected} of them, else into a new array; returns the array used.
   *
   * @throws IOException if the values' framing is corrupt
   */
  public Object[] readResultValues(In in, Object[] into, int at, int expected) throws IOException {
    return codec.readValues(in, into, at, expected);
  }

  private static Exception resultError(Exception e) {
    if (e instanceof NotSerializableException) {
      NotSerializableException named = new NotSerializableException("the task's result cannot be serialized: " + e.getMessage());
      named.initCause(e);
      return named;
    }
    return e;
  }
}
