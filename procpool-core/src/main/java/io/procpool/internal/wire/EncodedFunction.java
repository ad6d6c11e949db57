package io.procpool.internal.wire;

/**
 * A job's function as it travels: a key, the function's bytes (JDK-serialized, or a {@link
 * CapturedLambda} template), and this job's captured values for a template ({@code captured},
 * encoded by {@link WireCodec}, sent with every batch; null if none). Immutable; made once per job
 * by the parent's {@code JobFunctions} on the submitting thread, read by any thread.
 */
public final class EncodedFunction {
  public final long key;
  public final byte[] bytes;
  public final byte[] captured;

  public EncodedFunction(long key, byte[] bytes, byte[] captured) {
    this.key = key;
    this.bytes = bytes;
    this.captured = captured;
  }
}
