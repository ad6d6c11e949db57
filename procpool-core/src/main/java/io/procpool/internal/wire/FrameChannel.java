package io.procpool.internal.wire;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * Length-prefixed frames over a {@link SocketChannel}: {@code [int length][byte type][body]}
 * where length counts type and body. One thread reads, any thread writes (writes are serialized by
 * this object's monitor; reading and writing proceed concurrently).
 *
 * <p>Two modes. <em>Blocking</em> (the pool's side): plain blocking reads and writes. <em>Polling</em>
 * (the worker's side): the channel is non-blocking and a thread with nothing to read or no room to
 * write waits in a {@link Selector} for at most 20 ms while the worker has work ({@link Activity}). No thread then sits in a
 * native call for longer than that, which matters when a task calls {@code Runtime.halt}: HotSpot
 * waits up to 300 ms for threads in native code before the process exits, and no shutdown hook
 * runs that could wake them.
 */
public final class FrameChannel implements AutoCloseable {
  public static final int MAX_FRAME = Integer.MAX_VALUE - 64;
  /** The longest a polling-mode writer stays in one native wait. */
  public static final long POLL_MILLIS = Activity.BUSY_POLL_MILLIS;

  private final SocketChannel channel;
  /** Polling mode only: one selector for the reading thread, one for the (serialized) writers. */
  private final Selector readable;
  private final Selector writable;
  /** Polling mode only: how long the reader may wait (short while the worker has work). */
  private final Activity.Waiter reader;
  private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
  private final ByteBuffer header = ByteBuffer.allocate(5);
  /** Polling mode only: runs before the reader waits, and may shorten the wait. */
  private volatile PollHook pollHook;

  /** Called by the reading thread (polling mode) each time it is about to wait for data. */
  public interface PollHook {
    /** Returns how long to wait at most, given the proposed wait. */
    long beforeWait(long proposedMillis) throws IOException;
  }

  /**
   * A received frame: its type and body. A frame announced by {@link Protocol#BLOBS} has its large
   * byte arrays apart: {@code blobs[i]} stood at {@code blobAt[i]} of {@code body}.
   */
  public static final class Frame {
    public final byte type;
    public final byte[] body;
    public final int off;
    public final int len;
    private final byte[][] blobs;
    private final int[] blobAt;

    public Frame(byte type, byte[] body, int off, int len) {
      this(type, body, off, len, null, null);
    }

    public Frame(byte type, byte[] body, int off, int len, byte[][] blobs, int[] blobAt) {
      this.type = type;
      this.body = body;
      this.off = off;
      this.len = len;
      this.blobs = blobs;
      this.blobAt = blobAt;
    }

    public In reader() {
      return slice(off, len);
    }

    /** A reader of {@code len} bytes of the body from array index {@code from}. */
    public In slice(int from, int len) {
      return new In(body, from, len, blobs, blobAt);
    }
  }

  /** A blocking-mode channel. */
  public FrameChannel(SocketChannel channel) {
    this.channel = channel;
    this.readable = null;
    this.writable = null;
    this.reader = null;
    in.flip();
  }

  private FrameChannel(SocketChannel channel, Selector readable, Selector writable, Activity activity) {
    this.channel = channel;
    this.readable = readable;
    this.writable = writable;
    this.reader = activity.waiter(readable);
    in.flip();
  }

  /**
   * A polling-mode channel: puts {@code channel} in non-blocking mode (see the class comment); the
   * reader waits as long as {@code activity} allows.
   */
  public static FrameChannel polling(SocketChannel channel, Activity activity) throws IOException {
    channel.configureBlocking(false);
    Selector r = Selector.open();
    Selector w = Selector.open();
    channel.register(r, SelectionKey.OP_READ);
    channel.register(w, SelectionKey.OP_WRITE);
    return new FrameChannel(channel, r, w, activity);
  }

  /** Polling mode: sets what runs each time the reader is about to wait. */
  public void pollHook(PollHook hook) {
    this.pollHook = hook;
  }

  /** Reads into {@code b}, waiting (polling mode) until at least one byte or EOF arrives. */
  private int readSome(ByteBuffer b) throws IOException {
    while (true) {
      int n = channel.read(b);
      if (n != 0 || readable == null) {
        return n;
      }
      long wait = reader.beginWait();
      PollHook hook = pollHook;
      if (hook != null) {
        wait = hook.beforeWait(wait);
      }
      readable.select(wait);
      reader.endWait();
      readable.selectedKeys().clear();
    }
  }

  /**
   * The most handed to one write call. The JDK copies a heap buffer's whole remaining content into a
   * temporary direct buffer on every write call, and a non-blocking write then sends only what fits
   * in the socket buffer: a 25 MiB frame was copied again and again (quadratic; results of 25 MiB
   * came back at a third of the speed). Slices also keep the per-thread cached direct buffer small.
   */
  public static final int MAX_WRITE = 256 * 1024;

  /** Writes from {@code bufs}, waiting (polling mode) while the socket buffer is full. */
  private void writeSome(ByteBuffer[] bufs) throws IOException {
    long written = writeAtMost(bufs, MAX_WRITE);
    if (written == 0 && writable != null) {
      writable.select(POLL_MILLIS);
      writable.selectedKeys().clear();
    }
  }

  /** One gathering write of at most {@code max} bytes from the front of {@code bufs}. */
  private long writeAtMost(ByteBuffer[] bufs, int max) throws IOException {
    long total = 0;
    for (ByteBuffer b : bufs) {
      total += b.remaining();
    }
    if (total <= max) {
      return channel.write(bufs);
    }
    int[] limits = new int[bufs.length];
    long room = max;
    for (int i = 0; i < bufs.length; i++) {
      ByteBuffer b = bufs[i];
      limits[i] = b.limit();
      int take = (int) Math.min(b.remaining(), room);
      b.limit(b.position() + take);
      room -= take;
    }
    try {
      return channel.write(bufs);
    } finally {
      for (int i = 0; i < bufs.length; i++) {
        bufs[i].limit(limits[i]);
      }
    }
  }

  /** Writes one frame whose body is {@code body[0..len)}; blocks until written. */
  public synchronized void write(byte type, byte[] body, int len) throws IOException {
    header.clear();
    header.putInt(1 + len).put(type).flip();
    writeAll(new ByteBuffer[] {header, ByteBuffer.wrap(body, 0, len)});
  }

  /**
   * Writes one frame whose body is {@code body}'s content, spliced arrays included (gathered, not
   * copied).
   */
  public synchronized void write(byte type, Buf body) throws IOException {
    long length = 1 + body.contentSize();
    if (length > MAX_FRAME) {
      throw new IOException("a procpool frame of " + length + " bytes is too long");
    }
    header.clear();
    header.putInt((int) length).put(type).flip();
    ByteBuffer[] segments = body.segments();
    int lead = body.hasSplices() ? 2 : 1;
    ByteBuffer[] all = new ByteBuffer[segments.length + lead];
    if (lead == 2) {
      all[0] = ByteBuffer.wrap(blobTable(body)); // the reader puts the spliced arrays apart
    }
    all[lead - 1] = header;
    System.arraycopy(segments, 0, all, lead, segments.length);
    writeAll(all);
  }

  /**
   * A complete {@link Protocol#BLOBS} frame for a frame whose body is {@code body}, announcing its
   * spliced arrays from splice {@code firstSplice} on; {@code bodyStart} is where the body begins
   * among {@code body}'s own bytes.
   */
  public static byte[] blobTable(Buf body, int bodyStart, int firstSplice) {
    int count = body.splices() - firstSplice;
    Buf table = new Buf(9 + 8 * count);
    table.writeInt(1 + 4 + 8 * count).writeByte(Protocol.BLOBS).writeInt(count);
    long before = 0; // spliced bytes of this frame ahead of the current one
    for (int i = firstSplice; i < body.splices(); i++) {
      table.writeInt((int) (body.splicedAt(i) - bodyStart + before)).writeInt(body.splicedLength(i));
      before += body.splicedLength(i);
    }
    return table.toByteArray();
  }

  private static byte[] blobTable(Buf body) {
    return blobTable(body, 0, 0);
  }

  /** Writes complete frames (each with its length and type) that the caller built in {@code frames}. */
  public synchronized void writeFrames(Buf frames) throws IOException {
    writeAll(frames.segments());
  }

  /**
   * Writes bytes that already hold complete frames (a direct buffer is written without a copy);
   * blocks until written. Advances {@code frames}' position.
   */
  public synchronized void writeRaw(ByteBuffer frames) throws IOException {
    writeAll(new ByteBuffer[] {frames});
  }

  /** Writes everything {@code bufs} hold, in order, waiting (polling mode) while the socket is full. */
  private void writeAll(ByteBuffer[] bufs) throws IOException {
    int first = 0;
    while (first < bufs.length) {
      if (!bufs[first].hasRemaining()) {
        first++;
        continue;
      }
      writeSome(first == 0 ? bufs : java.util.Arrays.copyOfRange(bufs, first, bufs.length));
    }
  }

  /** Writes a frame with an empty body. */
  public void write(byte type) throws IOException {
    write(type, new byte[0], 0);
  }

  /**
   * Reads the next frame, blocking.
   *
   * @throws EOFException when the peer closed the connection
   */
  public Frame read() throws IOException {
    return read(MAX_FRAME);
  }

  /** Frames up to this size are read into one reused array by {@link #readTransient}. */
  public static final int MAX_REUSED = 4 * 1024 * 1024;
  private byte[] reusable = new byte[0];

  /**
   * Reads the next frame into an array that the next call reuses: for a reader that is done with
   * the frame before it reads again (the pool's reader decodes a result at once). Saves allocating
   * (and, for G1, a humongous region per) result message of a large map.
   */
  public Frame readTransient() throws IOException {
    return read(MAX_FRAME, true);
  }

  /** Reads the next frame, refusing one longer than {@code maxLength} (for untrusted peers). */
  public Frame read(int maxLength) throws IOException {
    return read(maxLength, false);
  }

  private Frame read(int maxLength, boolean transientBody) throws IOException {
    int length = readLength(maxLength);
    byte type = in.get();
    if (type == Protocol.BLOBS) {
      return readWithBlobs(length - 1, maxLength, transientBody);
    }
    int bodyLen = length - 1;
    byte[] body = bodyArray(bodyLen, transientBody);
    readFully(body, 0, bodyLen);
    return new Frame(type, body, 0, bodyLen);
  }

  /** Reads a frame's length (its type is next, already buffered), refusing one out of bounds. */
  private int readLength(int maxLength) throws IOException {
    fill(5);
    int length = in.getInt();
    if (length < 1 || length > maxLength) {
      throw new IOException("corrupt procpool frame length " + length);
    }
    return length;
  }

  /** At most this many large arrays are announced for one frame. */
  private static final int MAX_BLOBS = 1 << 20;

  /**
   * Reads a {@link Protocol#BLOBS} table (its body, {@code tableLen} bytes, is next) and the frame
   * it announces: the announced byte ranges go straight into arrays of their own (no copy out of
   * a message array afterwards, and no message-sized array to collect), the rest into the body.
   */
  private Frame readWithBlobs(int tableLen, int maxLength, boolean transientBody) throws IOException {
    if (tableLen < 4 || tableLen > 4 + 8 * MAX_BLOBS || (tableLen - 4) % 8 != 0) {
      throw new IOException("corrupt procpool blob table length " + tableLen);
    }
    byte[] table = new byte[tableLen];
    readFully(table, 0, tableLen);
    In t = new In(table, 0, tableLen);
    int count = t.readInt();
    if (count != (tableLen - 4) / 8) {
      throw new IOException("corrupt procpool blob table: " + count + " entries in " + tableLen + " bytes");
    }
    int length = readLength(maxLength);
    byte type = in.get();
    int bodyLen = length - 1;
    if (type == Protocol.BLOBS) {
      throw new IOException("corrupt procpool stream: a blob table announces another");
    }
    int[] at = new int[count];
    int[] lengths = new int[count];
    long end = 0;
    long blobBytes = 0;
    for (int i = 0; i < count; i++) {
      at[i] = t.readInt();
      lengths[i] = t.readInt();
      if (at[i] < end || lengths[i] < 0 || (long) at[i] + lengths[i] > bodyLen) {
        throw new IOException("corrupt procpool blob table entry " + i + ": " + at[i] + "+" + lengths[i] + " in " + bodyLen);
      }
      end = (long) at[i] + lengths[i];
      blobBytes += lengths[i];
    }
    int restLen = (int) (bodyLen - blobBytes);
    byte[] body = bodyArray(restLen, transientBody);
    byte[][] blobs = new byte[count][];
    int[] blobAt = new int[count];
    int wire = 0; // position in the frame's body as sent
    int pos = 0; // position in body
    for (int i = 0; i < count; i++) {
      int plain = at[i] - wire;
      readFully(body, pos, plain);
      pos += plain;
      blobAt[i] = pos;
      blobs[i] = new byte[lengths[i]];
      readFully(blobs[i], 0, lengths[i]);
      wire = at[i] + lengths[i];
    }
    readFully(body, pos, restLen - pos);
    return new Frame(type, body, 0, restLen, blobs, blobAt);
  }

  /** An array for a body: the reused one for a transient frame that fits, else a new one. */
  private byte[] bodyArray(int bodyLen, boolean transientBody) {
    if (!transientBody || bodyLen > MAX_REUSED) {
      return new byte[bodyLen];
    }
    if (reusable.length < bodyLen) {
      reusable = new byte[Math.min(MAX_REUSED, Math.max(bodyLen, 2 * reusable.length))];
    }
    return reusable;
  }

  /** Reads exactly {@code len} bytes into {@code dst} from {@code off}: what is buffered first. */
  private void readFully(byte[] dst, int off, int len) throws IOException {
    int got = Math.min(in.remaining(), len);
    in.get(dst, off, got);
    if (got < len) {
      ByteBuffer rest = ByteBuffer.wrap(dst, off + got, len - got);
      while (rest.hasRemaining()) {
        if (readSome(rest) < 0) {
          throw new EOFException("connection closed inside a frame");
        }
      }
    }
  }

  private void fill(int k) throws IOException {
    if (in.remaining() >= k) {
      return;
    }
    in.compact();
    try {
      while (in.position() < k) {
        if (readSome(in) < 0) {
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
    for (Selector s : new Selector[] {readable, writable}) {
      if (s != null) {
        try {
          s.close(); // also releases the socket's file descriptor now rather than at the next select
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }
}
