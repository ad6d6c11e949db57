package io.procpool.internal.process;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable big-endian byte buffer for building frames; not thread-safe. */
final class Buf extends OutputStream {
  private byte[] a;
  private int n;

  Buf(int capacity) {
    a = new byte[Math.max(16, capacity)];
  }

  int size() {
    return n;
  }

  byte[] array() {
    return a;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(a, n);
  }

  void reset() {
    n = 0;
  }

  /** Drops everything written after {@code mark}. */
  void truncate(int mark) {
    n = mark;
  }

  /** Makes room for {@code more} bytes beyond what is written. */
  void ensure(int more) {
    if (n + more > a.length) {
      long want = Math.max((long) a.length * 2, (long) n + more);
      if (want > Integer.MAX_VALUE - 16) {
        if ((long) n + more > Integer.MAX_VALUE - 16) {
          throw new OutOfMemoryError("a procpool message cannot exceed 2 GiB");
        }
        want = Integer.MAX_VALUE - 16;
      }
      a = Arrays.copyOf(a, (int) want);
    }
  }

  @Override
  public void write(int b) {
    ensure(1);
    a[n++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, a, n, len);
    n += len;
  }

  Buf writeByte(int v) {
    write(v);
    return this;
  }

  /** Big-endian views of a byte array: one access per int or long instead of one per byte. */
  static final java.lang.invoke.VarHandle INT_VIEW =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.BIG_ENDIAN);
  static final java.lang.invoke.VarHandle LONG_VIEW =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

  Buf writeInt(int v) {
    ensure(4);
    INT_VIEW.set(a, n, v);
    n += 4;
    return this;
  }

  void putInt(int at, int v) {
    INT_VIEW.set(a, at, v);
  }

  Buf writeLong(long v) {
    ensure(8);
    LONG_VIEW.set(a, n, v);
    n += 8;
    return this;
  }

  Buf writeBytes(byte[] b) {
    writeInt(b.length);
    write(b, 0, b.length);
    return this;
  }

  Buf writeString(String s) {
    return writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes a string that may be null. */
  Buf writeNullable(String s) {
    if (s == null) {
      return writeInt(-1);
    }
    return writeString(s);
  }
}
