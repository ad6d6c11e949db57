package io.procpool.internal.wire;

/**
 * Frame types between the pool (parent) and a worker JVM. See docs/architecture.md for the
 * sequence; every number is big-endian, every string is an int length plus UTF-8 bytes.
 */
public final class Protocol {
  private Protocol() {}

  // parent -> worker (and BLOBS both ways)
  /** {@code int maxTasks (0 = unlimited), long maxHeapBytes (0 = unlimited), bytes initializer (length 0 = none)}. */
  public static final byte INIT = 1;
  /**
   * {@code long batchId, long fnKey, int fnLength (-1: the worker has it), fn bytes, [int length,
   * captured values: only if the function is a lambda template with captured values, see
   * CapturedLambda], values}.
   */
  public static final byte BATCH = 2;
  /** {@code long batchId}: interrupt the task thread if it runs that batch (soft timeout). */
  public static final byte INTERRUPT = 3;
  /** Empty: finish queued batches, say BYE, exit 0. */
  public static final byte SHUTDOWN = 4;
  /** {@code long batchId}: give the batch back if it has not started (work stealing). */
  public static final byte REVOKE = 5;
  /**
   * {@code int count, count x (int offset, int length)}: where the next frame's large {@code byte[]}
   * values lie in its body (offsets ascending, relative to the body). The receiver reads those
   * bytes straight into arrays of their own instead of into the message's array (see
   * {@link FrameChannel}); the frame itself is unchanged on the wire. Both ways: batches and
   * results.
   */
  public static final byte BLOBS = 6;

  // worker -> parent
  /** {@code string token, int workerId, long pid}. */
  public static final byte HELLO = 10;
  /** {@code byte ok, [failure value if not ok]}: the initializer ran. */
  public static final byte READY = 11;
  /**
   * {@code long batchId, long batchNanos, int slowestItem, long slowestItemNanos, byte interrupted
   * (1: the pool's INTERRUPT reached this batch), values}. A worker runs batches in arrival order without gaps, so the
   * pool knows that the oldest batch without a result is the one running.
   */
  public static final byte RESULT = 13;
  /** {@code string reason}: the worker leaves on purpose after this frame. */
  public static final byte BYE = 14;
  /** {@code string note}: the worker JVM is shutting down (System.exit or a signal), not on purpose. */
  public static final byte EXITING = 15;
  /** {@code long batchId}: the worker gave that batch back without starting it. */
  public static final byte REVOKED = 16;

  /** Functions a worker keeps by key, least recently used evicted first; the parent's mirror of them has the same size. */
  public static final int FUNCTION_CACHE = 64;

  /** Environment variable carrying the pool's token to its workers (not on the command line). */
  public static final String TOKEN_ENV = "PROCPOOL_TOKEN";

  /** {@code n} random bytes in hex, from {@link java.security.SecureRandom}: the token, and names others must not guess. */
  public static String randomHex(int n) {
    byte[] b = new byte[n];
    new java.security.SecureRandom().nextBytes(b);
    return java.util.HexFormat.of().formatHex(b);
  }
}
