package io.procpool.internal.wire;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable big-endian byte buffer for building frames; not thread-safe.
 *
 * <p>A buffer made by {@link #splicing} may also hold large {@code byte[]} values by reference
 * ({@link #splice}): its content is then its own bytes with those arrays inserted at the
 * positions where they were spliced, written with a gathering write ({@link #segments}) instead of
 * being copied in. Such a buffer must only be written through {@link FrameChannel}'s methods that
 * take a {@code Buf}; {@link #array()} alone lacks the spliced bytes.
 */
public final class Buf extends OutputStream {
  /** Arrays at least this long are spliced, not copied, into a splicing buffer. */
  public static final int SPLICE_MIN = 64 * 1024;

  private byte[] a;
  private int n;
  private final boolean splicing;
  private int[] splicedAt;
  private byte[][] spliced;
  private int splices;
  private long splicedBytes;

  public Buf(int capacity) {
    this(capacity, false);
  }

  private Buf(int capacity, boolean splicing) {
    a = new byte[Math.max(16, capacity)];
    this.splicing = splicing;
  }

  /** A buffer that takes large {@code byte[]} values by reference (see the class comment). */
  public static Buf splicing(int capacity) {
    return new Buf(capacity, true);
  }

  /**
   * Inserts {@code b} here by reference, if this buffer splices and {@code b} is large; returns
   * whether it did (else the caller writes the bytes).
   */
  public boolean splice(byte[] b) {
    if (!splicing || b.length < SPLICE_MIN) {
      return false;
    }
    if (spliced == null) {
      spliced = new byte[4][];
      splicedAt = new int[4];
    } else if (splices == spliced.length) {
      spliced = Arrays.copyOf(spliced, splices * 2);
      splicedAt = Arrays.copyOf(splicedAt, splices * 2);
    }
    spliced[splices] = b;
    splicedAt[splices] = n;
    splices++;
    splicedBytes += b.length;
    return true;
  }

  public boolean hasSplices() {
    return splices > 0;
  }

  /** How many arrays are spliced in so far (an index for {@link #splicedAt} and {@link #spliced}). */
  public int splices() {
    return splices;
  }

  /** Where, among this buffer's own bytes, spliced array {@code i} goes. */
  public int splicedAt(int i) {
    return splicedAt[i];
  }

  /** The length of spliced array {@code i}. */
  public int splicedLength(int i) {
    return spliced[i].length;
  }

  /**
   * Inserts {@code bytes} at position {@code at} of this buffer's own bytes, moving what follows;
   * spliced arrays from index {@code firstMoved} on move with it (they all lie beyond {@code at}),
   * those before it stay where they are.
   */
  public void insert(int at, byte[] bytes, int firstMoved) {
    ensure(bytes.length);
    System.arraycopy(a, at, a, at + bytes.length, n - at);
    System.arraycopy(bytes, 0, a, at, bytes.length);
    n += bytes.length;
    for (int i = firstMoved; i < splices; i++) {
      splicedAt[i] += bytes.length;
    }
  }

  /** Bytes of content: this buffer's own plus the spliced arrays'. */
  public long contentSize() {
    return n + splicedBytes;
  }

  /** The content as buffers to write in order: own bytes and spliced arrays, none copied. */
  public ByteBuffer[] segments() {
    ByteBuffer[] out = new ByteBuffer[2 * splices + 1];
    int from = 0;
    int k = 0;
    for (int i = 0; i < splices; i++) {
      out[k++] = ByteBuffer.wrap(a, from, splicedAt[i] - from);
      out[k++] = ByteBuffer.wrap(spliced[i]);
      from = splicedAt[i];
    }
    out[k] = ByteBuffer.wrap(a, from, n - from);
    return out;
  }

  public int size() {
    return n;
  }

  public byte[] array() {
    return a;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(a, n);
  }

  public void reset() {
    truncate(0);
  }

  /**
   * Drops everything written after {@code mark} (a {@link #size()} taken earlier), spliced arrays
   * included. A splice always follows some bytes written after the mark (a tag and a length), so
   * one made after the mark sits beyond it.
   */
  public void truncate(int mark) {
    n = mark;
    while (splices > 0 && splicedAt[splices - 1] > mark) {
      splices--;
      splicedBytes -= spliced[splices].length;
      spliced[splices] = null;
    }
  }

  /** Makes room for {@code more} bytes beyond what is written. */
  public void ensure(int more) {
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

  public Buf writeByte(int v) {
    write(v);
    return this;
  }

  /** Big-endian views of a byte array: one access per int or long instead of one per byte. */
  public static final java.lang.invoke.VarHandle INT_VIEW =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.BIG_ENDIAN);
  public static final java.lang.invoke.VarHandle LONG_VIEW =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

  public Buf writeInt(int v) {
    ensure(4);
    INT_VIEW.set(a, n, v);
    n += 4;
    return this;
  }

  public void putInt(int at, int v) {
    INT_VIEW.set(a, at, v);
  }

  public Buf writeLong(long v) {
    ensure(8);
    LONG_VIEW.set(a, n, v);
    n += 8;
    return this;
  }

  public Buf writeBytes(byte[] b) {
    writeInt(b.length);
    write(b, 0, b.length);
    return this;
  }

  public Buf writeString(String s) {
    return writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes a string that may be null. */
  public Buf writeNullable(String s) {
    if (s == null) {
      return writeInt(-1);
    }
    return writeString(s);
  }
}
