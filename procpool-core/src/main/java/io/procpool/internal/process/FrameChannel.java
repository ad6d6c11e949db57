package io.procpool.internal.process;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Length-prefixed frames over a blocking {@link SocketChannel}: {@code [int length][byte type][body]}
 * where length counts type and body. One thread reads, any thread writes (writes are serialized by
 * this object's monitor; reading and writing proceed concurrently).
 */
final class FrameChannel implements AutoCloseable {
  static final int MAX_FRAME = Integer.MAX_VALUE - 64;

  private final SocketChannel channel;
  private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
  private final ByteBuffer header = ByteBuffer.allocate(5);

  /** A received frame: its type and body. */
  static final class Frame {
    final byte type;
    final byte[] body;
    final int off;
    final int len;

    Frame(byte type, byte[] body, int off, int len) {
      this.type = type;
      this.body = body;
      this.off = off;
      this.len = len;
    }

    In reader() {
      return new In(body, off, len);
    }
  }

  FrameChannel(SocketChannel channel) {
    this.channel = channel;
    in.flip();
  }

  /** Writes one frame whose body is {@code body[0..len)}; blocks until written. */
  void write(byte type, byte[] body, int len) throws IOException {
    write(type, body, len, null, 0);
  }

  /** Writes one frame whose body is {@code body[0..len)} followed by {@code tail[0..tailLen)}. */
  synchronized void write(byte type, byte[] body, int len, byte[] tail, int tailLen) throws IOException {
    header.clear();
    header.putInt(1 + len + tailLen).put(type).flip();
    ByteBuffer b = ByteBuffer.wrap(body, 0, len);
    if (tail == null) {
      ByteBuffer[] all = {header, b};
      while (b.hasRemaining() || header.hasRemaining()) {
        channel.write(all);
      }
    } else {
      ByteBuffer t = ByteBuffer.wrap(tail, 0, tailLen);
      ByteBuffer[] all = {header, b, t};
      while (header.hasRemaining() || b.hasRemaining() || t.hasRemaining()) {
        channel.write(all);
      }
    }
  }

  /** Writes complete frames (each with its length and type) that the caller built in one buffer. */
  synchronized void writeFrames(byte[] frames, int len) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(frames, 0, len);
    while (b.hasRemaining()) {
      channel.write(b);
    }
  }

  /** Writes a frame with an empty body. */
  void write(byte type) throws IOException {
    write(type, new byte[0], 0);
  }

  /**
   * Reads the next frame, blocking.
   *
   * @throws EOFException when the peer closed the connection
   */
  Frame read() throws IOException {
    return read(MAX_FRAME);
  }

  /** Reads the next frame, refusing one longer than {@code maxLength} (for untrusted peers). */
  Frame read(int maxLength) throws IOException {
    fill(5);
    int length = in.getInt();
    if (length < 1 || length > maxLength) {
      throw new IOException("corrupt procpool frame length " + length);
    }
    byte type = in.get();
    int bodyLen = length - 1;
    byte[] body = new byte[bodyLen];
    int got = Math.min(in.remaining(), bodyLen);
    in.get(body, 0, got);
    if (got < bodyLen) {
      ByteBuffer rest = ByteBuffer.wrap(body, got, bodyLen - got);
      while (rest.hasRemaining()) {
        if (channel.read(rest) < 0) {
          throw new EOFException("connection closed inside a frame");
        }
      }
    }
    return new Frame(type, body, 0, bodyLen);
  }

  private void fill(int k) throws IOException {
    if (in.remaining() >= k) {
      return;
    }
    in.compact();
    try {
      while (in.position() < k) {
        if (channel.read(in) < 0) {
          throw new EOFException("connection closed");
        }
      }
    } finally {
      in.flip();
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing is best effort
    }
  }
}
