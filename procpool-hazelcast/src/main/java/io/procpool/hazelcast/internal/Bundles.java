package io.procpool.hazelcast.internal;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Several messages in one: {@code int n, n × (int length, bytes)}. The driver sends the batches it
 * has for one agent in one Hazelcast call, since a call costs far more than a small batch (see
 * docs/architecture.md), and the agent answers with their results in the same order. Stateless.
 */
final class Bundles {
  private Bundles() {}

  static byte[] join(byte[][] parts) {
    int size = 4;
    for (byte[] p : parts) {
      size += 4 + p.length;
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putInt(parts.length);
    for (byte[] p : parts) {
      b.putInt(p.length).put(p);
    }
    return b.array();
  }

  /** @throws IOException if {@code bytes} is not a bundle */
  static byte[][] split(byte[] bytes) throws IOException {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      int n = b.getInt();
      if (n < 0 || n > bytes.length / 4) {
        throw new IOException("corrupt bundle of " + n + " parts");
      }
      byte[][] parts = new byte[n][];
      for (int i = 0; i < n; i++) {
        int len = b.getInt();
        if (len < 0 || len > b.remaining()) {
          throw new IOException("corrupt bundle part length " + len);
        }
        parts[i] = new byte[len];
        b.get(parts[i]);
      }
      return parts;
    } catch (java.nio.BufferUnderflowException e) {
      throw new IOException("truncated bundle", e);
    }
  }
}
