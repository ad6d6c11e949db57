package io.procpool.hazelcast.internal;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A bundle's batches carry their function's bytes once: the driver sends them with the first batch
 * of a call only, and the agent puts them back into every batch body it hands to its local workers
 * (which each need them once, and the agent does not know which worker ran what). Payload layout
 * ({@code int items}, then a {@link io.procpool.internal.wire.BatchCodec} batch body): {@code int
 * items, long batchId, long functionKey, int functionLength (-1: not carried), functionBytes,
 * rest}. Stateless; thread-safe.
 */
final class BundleFunctions {
  private static final int KEY_AT = 4 + 8;
  private static final int LENGTH_AT = KEY_AT + 8;
  private static final int BYTES_AT = LENGTH_AT + 4;

  private BundleFunctions() {}

  /**
   * The batch bodies of a bundle's payloads (without their leading {@code int items}), each with
   * its function's bytes: as carried, or taken from an earlier payload of the bundle with the
   * same function key.
   *
   * @throws IOException if a payload is too short, or lacks its function's bytes and no earlier
   *     payload of the bundle carried them
   */
  static Object[] bodies(byte[][] payloads) throws IOException {
    Object[] out = new Object[payloads.length];
    long key = 0;
    byte[] fn = null;
    int fnAt = -1;
    int fnLen = 0;
    for (int i = 0; i < payloads.length; i++) {
      byte[] p = payloads[i];
      if (p.length < BYTES_AT) {
        throw new IOException("a batch payload of " + p.length + " bytes is too short");
      }
      ByteBuffer b = ByteBuffer.wrap(p);
      long k = b.getLong(KEY_AT);
      int len = b.getInt(LENGTH_AT);
      if (len >= 0) {
        if (len > p.length - BYTES_AT) {
          throw new IOException("corrupt function length " + len);
        }
        key = k;
        fn = p;
        fnAt = BYTES_AT;
        fnLen = len;
        out[i] = java.util.Arrays.copyOfRange(p, 4, p.length);
        continue;
      }
      if (fn == null || k != key) {
        throw new IOException("batch " + b.getLong(4) + " came without its function's bytes, and no earlier batch of its call carried them");
      }
      byte[] body = new byte[p.length - 4 + fnLen];
      System.arraycopy(p, 4, body, 0, LENGTH_AT - 4);
      ByteBuffer.wrap(body).putInt(LENGTH_AT - 4, fnLen);
      System.arraycopy(fn, fnAt, body, BYTES_AT - 4, fnLen);
      System.arraycopy(p, BYTES_AT, body, BYTES_AT - 4 + fnLen, p.length - BYTES_AT);
      out[i] = body;
    }
    return out;
  }
}
