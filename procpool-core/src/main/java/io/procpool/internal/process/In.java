package io.procpool.internal.process;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads what {@link Buf} wrote, from a slice of a byte array; not thread-safe. */
final class In {
  final byte[] a;
  int pos;
  final int end;

  In(byte[] a, int off, int len) {
    this.a = a;
    this.pos = off;
    this.end = off + len;
  }

  private void need(int k) throws IOException {
    if (pos + k > end || k < 0) {
      throw new EOFException("truncated procpool message: need " + k + " bytes at " + pos + ", have " + (end - pos));
    }
  }

  int remaining() {
    return end - pos;
  }

  int readByte() throws IOException {
    need(1);
    return a[pos++];
  }

  int readInt() throws IOException {
    need(4);
    int v = (int) Buf.INT_VIEW.get(a, pos);
    pos += 4;
    return v;
  }

  long readLong() throws IOException {
    need(8);
    long v = (long) Buf.LONG_VIEW.get(a, pos);
    pos += 8;
    return v;
  }

  byte[] readBytes() throws IOException {
    int len = readInt();
    need(len);
    byte[] b = Arrays.copyOfRange(a, pos, pos + len);
    pos += len;
    return b;
  }

  String readString() throws IOException {
    int len = readInt();
    need(len);
    String s = new String(a, pos, len, StandardCharsets.UTF_8);
    pos += len;
    return s;
  }

  String readNullable() throws IOException {
    int len = readInt();
    if (len < 0) {
      return null;
    }
    need(len);
    String s = new String(a, pos, len, StandardCharsets.UTF_8);
    pos += len;
    return s;
  }
}
