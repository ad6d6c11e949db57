package io.procpool.internal.wire;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Result frames that a worker holds back to send several in one socket write, kept in a file
 * mapped by both the worker and the pool (in {@code /dev/shm} where there is one), so that the
 * results survive the worker: if it dies, the pool reads the frames it held from the mapping.
 *
 * <p>Why: a worker answers batches in arrival order, and the pool charges a crash to the oldest
 * batch without a result. Writing every result at once (one system call per batch) kept that true;
 * holding results back would break it unless the held results outlive a crash. With this file they
 * do: after a crash the pool first takes the results the worker held, and the oldest batch still
 * without a result is again the one that was running.
 *
 * <p>Layout: {@code int magic} at 0, {@code int heldBytes} at 4 (published with release
 * semantics after the frames it covers), frames from {@link #HEADER} on, each
 * {@code [int length][byte type][body]} as on the socket.
 *
 * <p>Worker side: {@link #append}, {@link #flush} and {@link #flushIfOlderThan} are thread-safe (the
 * task thread appends, the reading thread may flush results held too long). Pool side:
 * {@link #heldFrames} reads the mapping of a worker that is gone.
 */
public final class ResultLog {
  public static final int MAGIC = 0x70704C31; // "ppL1"
  public static final int HEADER = 64;
  /** Room for held frames; a frame that does not fit is sent at once. */
  public static final int CAPACITY = 256 * 1024;
  public static final int FILE_SIZE = HEADER + CAPACITY;
  private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  private final ByteBuffer map;
  private final ReentrantLock lock = new ReentrantLock();
  // written under lock; volatile so that the reading thread checks them without taking the lock
  // (a reader descheduled while holding it stalled the task thread: S4's p99 went from ~300 µs to
  // ~800 µs when the reader locked on every wait)
  private volatile int held;
  private volatile int heldFrames;
  private volatile long firstHeldNanos;

  private ResultLog(ByteBuffer map) {
    this.map = map;
  }

  /** The pool's side: creates the file and maps it (the worker maps it by path). */
  public static MappedByteBuffer create(Path file) throws IOException {
    java.util.Set<StandardOpenOption> options =
        java.util.EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    java.nio.file.attribute.FileAttribute<?>[] ownerOnly =
        file.getFileSystem().supportedFileAttributeViews().contains("posix")
            ? new java.nio.file.attribute.FileAttribute<?>[] {
              java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                  java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"))
            }
            : new java.nio.file.attribute.FileAttribute<?>[0];
    try (FileChannel ch = FileChannel.open(file, options, ownerOnly)) {
      MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, FILE_SIZE);
      INT.setRelease(m, 4, 0);
      INT.setRelease(m, 0, MAGIC);
      return m;
    }
  }

  /** The worker's side: maps the file the pool created; null if it cannot (results then go one by one). */
  public static ResultLog open(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      if (ch.size() != FILE_SIZE) {
        return null;
      }
      MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, FILE_SIZE);
      Files.deleteIfExists(file); // both mappings outlive the name: nothing is left if a JVM dies
      if ((int) INT.getAcquire(m, 0) != MAGIC) {
        return null;
      }
      return new ResultLog(m);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** For tests: a log over any buffer of {@link #FILE_SIZE} bytes. */
  public static ResultLog over(ByteBuffer b) {
    INT.setRelease(b, 0, MAGIC);
    INT.setRelease(b, 4, 0);
    return new ResultLog(b);
  }

  /**
   * Holds one frame if it fits; returns false (holding nothing new) if it does not, and then the
   * caller flushes and sends the frame itself.
   */
  public boolean append(byte type, byte[] body, int len) {
    lock.lock();
    try {
      if (len > CAPACITY - 5 - held) {
        return false;
      }
      int at = HEADER + held;
      map.putInt(at, len + 1);
      map.put(at + 4, type);
      map.put(at + 5, body, 0, len);
      if (held == 0) {
        firstHeldNanos = System.nanoTime();
      }
      held += 5 + len;
      heldFrames++;
      INT.setRelease(map, 4, held); // after the bytes: a reader that sees the count sees the frames
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Frames held now (a moment old when read by another thread than the appending one). */
  public int heldFrames() {
    return heldFrames;
  }

  /** Nanos since the oldest held frame was appended (0 if none is held). */
  public long heldNanos(long now) {
    return held == 0 ? 0 : now - firstHeldNanos;
  }

  /** Sends every held frame in one write (from the mapping itself: no copy) and forgets them. */
  public void flush(FrameChannel io) throws IOException {
    lock.lock();
    try {
      flushLocked(io);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Flushes if the oldest held frame is older than {@code nanos}, unless another thread is using
   * the log right now (it will flush or append soon).
   */
  public void flushIfOlderThan(FrameChannel io, long nanos) throws IOException {
    if (held == 0 || System.nanoTime() - firstHeldNanos < nanos || !lock.tryLock()) {
      return;
    }
    try {
      if (held > 0 && System.nanoTime() - firstHeldNanos >= nanos) {
        flushLocked(io);
      }
    } finally {
      lock.unlock();
    }
  }

  private void flushLocked(FrameChannel io) throws IOException {
    if (held == 0) {
      return;
    }
    ByteBuffer frames = map.duplicate();
    frames.limit(HEADER + held).position(HEADER);
    io.writeRaw(frames);
    // Once written, the frames are in the pool's socket buffer and reach it even if this JVM dies
    // now; if it dies before the next line, the pool sees them twice and ignores the second copy.
    held = 0;
    heldFrames = 0;
    INT.setRelease(map, 4, 0);
  }

  /**
   * The pool's side, after the worker is gone: the frames it held, oldest first. Stops at the first
   * frame that does not parse (the mapping is the worker's memory: it is checked, not trusted).
   */
  public static List<FrameChannel.Frame> heldFrames(ByteBuffer map) {
    List<FrameChannel.Frame> out = new ArrayList<>();
    if (map.capacity() < FILE_SIZE || (int) INT.getAcquire(map, 0) != MAGIC) {
      return out;
    }
    int end = (int) INT.getAcquire(map, 4);
    if (end < 0 || end > CAPACITY) {
      return out;
    }
    int at = HEADER;
    while (at + 5 <= HEADER + end) {
      int length = map.getInt(at);
      if (length < 1 || length > HEADER + end - at - 4) {
        break;
      }
      byte type = map.get(at + 4);
      byte[] body = new byte[length - 1];
      map.get(at + 5, body);
      out.add(new FrameChannel.Frame(type, body, 0, body.length));
      at += 4 + length;
    }
    return out;
  }

  /** Names of log files: {@code procpool-<pool pid>-<random>-w<worker id>}. */
  public static final String PREFIX = "procpool-";

  private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("procpool-(\\d+)-[0-9a-f]{16}-w\\d+");
  private static final java.util.concurrent.atomic.AtomicBoolean SWEPT = new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Once per JVM: deletes log files in {@code dir} left by pools whose JVM is gone (killed between
   * creating a worker's file and the worker mapping it, normally ~100 ms). Files of live JVMs and
   * files this user cannot delete are left alone.
   */
  public static void sweepOnce(Path dir) {
    if (SWEPT.compareAndSet(false, true)) {
      sweep(dir);
    }
  }

  /** Deletes the log files in {@code dir} whose pool's JVM is not alive (see {@link #sweepOnce}). */
  public static void sweep(Path dir) {
    try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*")) {
      for (Path f : files) {
        java.util.regex.Matcher m = NAME.matcher(f.getFileName().toString());
        if (m.matches() && !ProcessHandle.of(Long.parseLong(m.group(1))).map(ProcessHandle::isAlive).orElse(false)) {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException | RuntimeException e) {
      // best effort: a few stale 256 KiB files
    }
  }

  /** Where the pool puts a worker's log: {@code /dev/shm} if it is a writable directory, else {@code fallback}. */
  public static Path directory(Path fallback) {
    Path shm = Path.of("/dev/shm");
    return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : fallback;
  }
}
