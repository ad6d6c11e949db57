package io.procpool.internal.wire;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads what {@link Buf} wrote, from a slice of a byte array; not thread-safe. */
public final class In {
  public final byte[] a;
  public int pos;
  public final int end;
  /**
   * Large byte arrays read apart from {@code a} ({@link Protocol#BLOBS}): {@code blobs[i]} stood at
   * position {@code blobAt[i]} of {@code a}, right after its length; null if none.
   */
  private final byte[][] blobs;
  private final int[] blobAt;
  private int nextBlob;

  public In(byte[] a, int off, int len) {
    this(a, off, len, null, null);
  }

  public In(byte[] a, int off, int len, byte[][] blobs, int[] blobAt) {
    this.a = a;
    this.pos = off;
    this.end = off + len;
    this.blobs = blobs;
    this.blobAt = blobAt;
    if (blobs != null) {
      while (nextBlob < blobAt.length && blobAt[nextBlob] < off) {
        nextBlob++; // blobs before this slice belong to another reader
      }
    }
  }

  /**
   * Where, in this reader's array, a stretch of {@code contentLen} bytes of the message as written
   * (large arrays included) that starts at {@code from} ends: large arrays read apart ({@link
   * Protocol#BLOBS}) that lie wholly within it are not in the array, so it ends earlier by their
   * lengths. Arrays of a later stretch (the next message of the same frame) do not count.
   */
  public int contentEnd(int from, long contentLen) {
    long left = contentLen;
    int at = from;
    if (blobs != null) {
      for (int i = 0; i < blobAt.length; i++) {
        if (blobAt[i] < from) {
          continue;
        }
        long plain = blobAt[i] - at;
        if (plain + blobs[i].length > left) {
          break;
        }
        left -= plain + blobs[i].length;
        at = blobAt[i];
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, at + left);
  }

  /** A reader of {@code len} bytes of the same array from {@code off}, with the same blobs. */
  public In slice(int off, int len) {
    return new In(a, off, len, blobs, blobAt);
  }

  private void need(int k) throws IOException {
    if (pos + k > end || k < 0) {
      throw new EOFException("truncated procpool message: need " + k + " bytes at " + pos + ", have " + (end - pos));
    }
  }

  public int remaining() {
    return end - pos;
  }

  public int readByte() throws IOException {
    need(1);
    return a[pos++];
  }

  public int readInt() throws IOException {
    need(4);
    int v = (int) Buf.INT_VIEW.get(a, pos);
    pos += 4;
    return v;
  }

  public long readLong() throws IOException {
    need(8);
    long v = (long) Buf.LONG_VIEW.get(a, pos);
    pos += 8;
    return v;
  }

  public byte[] readBytes() throws IOException {
    int len = readInt();
    if (blobs != null && nextBlob < blobAt.length && blobAt[nextBlob] == pos) {
      byte[] b = blobs[nextBlob++];
      if (b.length != len) {
        throw new IOException("corrupt procpool message: a large byte array of " + b.length + " bytes where " + len + " were announced");
      }
      return b; // read apart, its own array already: no copy
    }
    need(len);
    byte[] b = Arrays.copyOfRange(a, pos, pos + len);
    pos += len;
    return b;
  }

  public String readString() throws IOException {
    int len = readInt();
    need(len);
    String s = new String(a, pos, len, StandardCharsets.UTF_8);
    pos += len;
    return s;
  }

  public String readNullable() throws IOException {
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
