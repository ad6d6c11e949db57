package io.procpool.internal.process;

import io.procpool.SerializableFunction;
import io.procpool.SerializableRunnable;
import io.procpool.internal.Failure;
import io.procpool.internal.NamedThreads;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The entry point of a worker JVM. Threads: {@code main} connects, then reads frames from the pool
 * into a local queue; {@code procpool-task} runs the initializer and then the batches, one at a
 * time and strictly in arrival order (the pool relies on that order to know which batch runs),
 * and writes their results; {@code procpool-lifeline} exits the JVM when stdin reaches EOF or
 * the parent process is gone. stdout and stderr belong to user code.
 *
 * <p>Arguments: {@code workerId address parentPid [resultLogFile]}; the pool's token comes in the
 * environment.
 */
public final class WorkerMain {
  private static final Object SHUTDOWN = new Object();
  /** Batches queued or running (and the initializer): how long the polling threads may wait. */
  static final Activity ACTIVITY = new Activity();
  /** Only the results of batches quicker than this are held back (a slow batch's result goes at once). */
  static final long HOLD_BATCH_NANOS = 100_000;
  /**
   * Held results are sent when this many are held (system property {@code procpool.worker.maxHeld},
   * 1 = no holding), ...
   */
  static final int MAX_HELD = Math.max(1, Integer.getInteger("procpool.worker.maxHeld", 16));
  /**
   * ... or when the oldest has waited this long ({@code procpool.worker.maxHoldMicros}), or when no
   * batch is queued.
   */
  static final long MAX_HOLD_NANOS = Math.max(1, Long.getLong("procpool.worker.maxHoldMicros", 200)) * 1000;
  /** Functions by key, in the same least-recently-used order as the parent's mirror. */
  static final int FUNCTION_CACHE = 64;

  private final FrameChannel io;
  /** Results held back to share one socket write, or null (each result then goes at once). */
  private final ResultLog log;
  private final WireCodec codec = new WireCodec(ClassLoader.getSystemClassLoader(), SerialFilters.defaultFilter());
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Map<Long, FunctionEntry> functions = lruMap(FUNCTION_CACHE);
  private final int maxTasks;
  private final long maxHeap;
  private final byte[] initializer;
  private volatile Thread taskThread;
  private volatile long currentBatch = -1;
  /** The last batch the pool's INTERRUPT reached while it ran (its result says so). */
  private volatile long interruptedBatch = -1;
  private volatile boolean leaving;
  /** The slowest item of the last batch (task thread only). */
  private int slowestIndex;
  private long slowestNanos;
  /** Guards {@code inUserCode}: the task thread is interrupted only while it runs user code, never during I/O. */
  private final Object interruptLock = new Object();
  private boolean inUserCode;

  private static final class BatchMessage {
    final long batchId;
    final FunctionEntry function;
    final FrameChannel.Frame frame;
    final int valuesAt;

    BatchMessage(long batchId, FunctionEntry function, FrameChannel.Frame frame, int valuesAt) {
      this.batchId = batchId;
      this.function = function;
      this.frame = frame;
      this.valuesAt = valuesAt;
    }
  }

  /**
   * A function's bytes, decoded once, on first use, by the task thread: a JDK-serialized function,
   * or a {@link CapturedLambda} template (each batch then carries the captured values).
   */
  private static final class FunctionEntry {
    final byte[] bytes;
    final boolean isTemplate;
    /** A template's captured values per batch (0: none, and one function serves every batch). */
    final int captured;
    SerializableFunction<Object, Object> decoded;
    CapturedLambda.Template template;
    Throwable failure;

    FunctionEntry(byte[] bytes) {
      this.bytes = bytes;
      this.isTemplate = CapturedLambda.isTemplate(bytes);
      this.captured = isTemplate ? CapturedLambda.capturedCount(bytes) : 0;
    }
  }

  static <K, V> Map<K, V> lruMap(int capacity) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
      }
    };
  }

  private WorkerMain(FrameChannel io, ResultLog log, int maxTasks, long maxHeap, byte[] initializer) {
    this.io = io;
    this.log = log;
    this.maxTasks = maxTasks;
    this.maxHeap = maxHeap;
    this.initializer = initializer;
  }

  public static void main(String[] args) throws Exception {
    int workerId = Integer.parseInt(args[0]);
    String address = args[1];
    long parentPid = Long.parseLong(args[2]);
    ResultLog log = args.length > 3 && MAX_HELD > 1 ? ResultLog.open(Path.of(args[3])) : null;
    Lifeline.start(parentPid, ACTIVITY);
    ignoreSigint();
    warmUp();
    String token = System.getenv(Protocol.TOKEN_ENV);
    if (token == null) {
      System.err.println("procpool worker: no token in the environment; this program is started by a ProcessPool");
      System.exit(2);
    }
    SocketChannel channel = connect(address);
    FrameChannel io = FrameChannel.polling(channel, ACTIVITY);
    Buf hello = new Buf(64).writeString(token).writeInt(workerId).writeLong(ProcessHandle.current().pid());
    io.write(Protocol.HELLO, hello.array(), hello.size());
    FrameChannel.Frame init = io.read();
    if (init.type != Protocol.INIT) {
      throw new IOException("expected INIT, got frame type " + init.type);
    }
    In in = init.reader();
    int maxTasks = in.readInt();
    long maxHeap = in.readLong();
    byte[] initializer = in.readBytes();
    if (log != null) {
      // a result held back behind a batch that turns out to be slow goes within one reader wait
      io.pollHook(
          proposed -> {
            log.flushIfOlderThan(io, MAX_HOLD_NANOS);
            return log.heldFrames() > 0 ? 1 : proposed;
          });
    }
    new WorkerMain(io, log, maxTasks, maxHeap, initializer).run();
  }

  private static SocketChannel connect(String address) throws IOException {
    SocketAddress target;
    SocketChannel ch;
    if (address.startsWith("unix:")) {
      target = UnixDomainSocketAddress.of(Path.of(address.substring(5)));
      ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    } else {
      int port = Integer.parseInt(address.substring(address.indexOf(':') + 1));
      target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      ch = SocketChannel.open(StandardProtocolFamily.INET);
      ch.socket().setTcpNoDelay(true);
    }
    ch.connect(target);
    return ch;
  }

  /**
   * Wakes the threads blocked in native reads (stdin, the socket) by closing what they read, so
   * that the JVM can exit at once instead of after HotSpot's 300 ms wait for threads in native.
   */
  private void quiesce() {
    leaving = true;
    Lifeline.closeStdin();
    io.close();
  }

  /**
   * Loads and runs, on a background thread while the worker connects, what the first task needs:
   * JDK serialization and lambda deserialization cost ~100 ms on first use in a fresh JVM.
   */
  private static void warmUp() {
    NamedThreads.daemon("procpool-warmup").newThread(WorkerMain::roundTripALambda).start();
  }

  /** Serializes and deserializes a lambda and a failure (warm-up; results are thrown away). */
  static void roundTripALambda() {
    try {
      WireCodec c = new WireCodec(WorkerMain.class.getClassLoader(), SerialFilters.defaultFilter());
      SerializableFunction<Object, Object> f = x -> x;
      c.decodeObject(c.encodeObject(f));
      Buf b = new Buf(256);
      c.writeValues(b, new Object[] {1L, "s", new Failure(new IllegalStateException())}, (i, e) -> null);
      c.readValues(new In(b.array(), 0, b.size()));
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      // only a warm-up
    }
  }

  /** Keeps Ctrl-C in the caller's terminal from killing the workers: the pool decides when they stop. */
  private static void ignoreSigint() {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      Object ign = handler.getField("SIG_IGN").get(null);
      signal.getMethod("handle", signal, handler).invoke(null, signal.getConstructor(String.class).newInstance("INT"), ign);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      // not available here: Ctrl-C then ends workers too, and the pool reports them as crashed
    }
  }

  private void run() throws InterruptedException {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (!leaving) {
                    Buf note = new Buf(128).writeString(
                        "the worker JVM shut down while running a task: the task called System.exit, "
                            + "or the worker received SIGTERM");
                    try {
                      io.write(Protocol.EXITING, note.array(), note.size());
                    } catch (IOException | RuntimeException ignored) {
                      // the parent may be gone
                    }
                  }
                  quiesce();
                },
                "procpool-exit-hook"));
    Thread task = new Thread(this::taskLoop, "procpool-task");
    taskThread = task;
    task.start();
    readLoop();
  }

  private void readLoop() {
    try {
      while (true) {
        FrameChannel.Frame f = io.read();
        switch (f.type) {
          case Protocol.BATCH:
            BatchMessage batch = parseBatch(f);
            ACTIVITY.added();
            queue.put(batch);
            break;
          case Protocol.INTERRUPT:
            long id = f.reader().readLong();
            if (log != null) {
              log.flush(io); // the pool may be timing a batch whose result is held here
            }
            synchronized (interruptLock) {
              if (inUserCode && currentBatch == id) {
                interruptedBatch = id;
                taskThread.interrupt();
              }
            }
            break;
          case Protocol.SHUTDOWN:
            queue.put(SHUTDOWN);
            break;
          case Protocol.REVOKE:
            revoke(f.reader().readLong());
            break;
          default:
            throw new IOException("unexpected frame type " + f.type);
        }
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      // the pool closed the connection (terminate) or is gone: leave at once
      if (!leaving) {
        Runtime.getRuntime().halt(0);
      }
    }
  }

  /** Gives a queued batch back to the pool if the task thread has not taken it yet. */
  private void revoke(long batchId) throws IOException {
    for (Object o : queue) {
      if (o instanceof BatchMessage && ((BatchMessage) o).batchId == batchId) {
        if (queue.remove(o)) {
          ACTIVITY.finished();
          Buf b = new Buf(8).writeLong(batchId);
          io.write(Protocol.REVOKED, b.array(), b.size());
        }
        return;
      }
    }
  }

  private BatchMessage parseBatch(FrameChannel.Frame f) throws IOException {
    In in = f.reader();
    long batchId = in.readLong();
    long fnKey = in.readLong();
    int fnLen = in.readInt();
    FunctionEntry fn;
    if (fnLen >= 0) {
      byte[] bytes = java.util.Arrays.copyOfRange(in.a, in.pos, in.pos + fnLen);
      in.pos += fnLen;
      fn = new FunctionEntry(bytes);
      functions.put(fnKey, fn);
    } else {
      fn = functions.get(fnKey);
    }
    return new BatchMessage(batchId, fn, f, in.pos);
  }

  private void taskLoop() {
    ACTIVITY.added();
    Throwable initFailure = runInitializer();
    ACTIVITY.finished();
    int done = 0;
    try {
      while (true) {
        Object msg = queue.take();
        if (msg == SHUTDOWN) {
          leave("shutdown");
          return;
        }
        BatchMessage batch = (BatchMessage) msg;
        currentBatch = batch.batchId;
        long t0 = System.nanoTime();
        Object[] results = runBatch(batch, initFailure);
        long batchNanos = System.nanoTime() - t0;
        currentBatch = -1;
        done += results.length;
        String retire = null;
        if (maxTasks > 0 && done >= maxTasks) {
          retire = "completed " + done + " tasks (maxTasksPerChild " + maxTasks + ")";
        } else if (outOfMemory(results)) {
          retire = "a task ran out of memory";
        } else if (maxHeap > 0) {
          retire = heapAboveLimit();
        }
        Buf out = Buf.splicing(256 + WireCodec.sizeHint(results));
        out.writeLong(batch.batchId).writeLong(batchNanos).writeInt(slowestIndex).writeLong(slowestNanos)
            .writeByte(interruptedBatch == batch.batchId ? 1 : 0);
        codec.writeValues(out, results, (i, e) -> new Failure(resultError(e)));
        sendResult(out, batchNanos, retire != null);
        ACTIVITY.finished();
        if (retire != null) {
          leave(retire);
          return;
        }
      }
    } catch (IOException | InterruptedException e) {
      Runtime.getRuntime().halt(0);
    }
  }

  /**
   * Sends a result frame, or holds it back (in the {@link ResultLog}) to go with the next ones in
   * one write while quick batches are queued behind it.
   */
  private void sendResult(Buf out, long batchNanos, boolean last) throws IOException {
    if (log == null) {
      io.write(Protocol.RESULT, out);
      return;
    }
    if (out.hasSplices() || !log.append(Protocol.RESULT, out.array(), out.size())) {
      log.flush(io);
      io.write(Protocol.RESULT, out); // large: it goes at once, after what was held
      return;
    }
    if (last
        || batchNanos >= HOLD_BATCH_NANOS
        || queue.isEmpty()
        || log.heldFrames() >= MAX_HELD
        || log.heldNanos(System.nanoTime()) >= MAX_HOLD_NANOS) {
      log.flush(io);
    }
  }

  /** A capturing lambda rebuilt from its template and this batch's captured values. */
  @SuppressWarnings("unchecked")
  private static SerializableFunction<Object, Object> instantiate(CapturedLambda.Template template, Object[] captured)
      throws Throwable {
    for (Object v : captured) {
      if (v instanceof Failure) {
        throw ((Failure) v).cause(); // a captured value could not be read here
      }
    }
    return (SerializableFunction<Object, Object>) template.instantiate(captured);
  }

  private static Exception resultError(Exception e) {
    if (e instanceof java.io.NotSerializableException) {
      java.io.NotSerializableException named =
          new java.io.NotSerializableException("the task's result cannot be serialized: " + e.getMessage());
      named.initCause(e);
      return named;
    }
    return e;
  }

  /** Returns why the worker should retire if its used heap stays above the limit after a GC, else null. */
  private String heapAboveLimit() {
    Runtime rt = Runtime.getRuntime();
    if (rt.totalMemory() - rt.freeMemory() <= maxHeap) {
      return null;
    }
    System.gc();
    long used = rt.totalMemory() - rt.freeMemory();
    if (used <= maxHeap) {
      return null;
    }
    return "its used heap stayed at " + (used >> 20) + " MiB after GC, above maxMemoryPerChild ("
        + (maxHeap >> 20) + " MiB)";
  }

  private static boolean outOfMemory(Object[] results) {
    for (Object r : results) {
      if (r instanceof Failure && ((Failure) r).cause() instanceof OutOfMemoryError) {
        return true;
      }
    }
    return false;
  }

  private void leave(String reason) throws IOException {
    leaving = true;
    if (log != null) {
      log.flush(io);
    }
    Buf bye = new Buf(64).writeString(reason);
    io.write(Protocol.BYE, bye.array(), bye.size());
    quiesce();
    System.exit(0);
  }

  private Throwable runInitializer() {
    Throwable failure = null;
    if (initializer.length > 0) {
      try {
        SerializableRunnable init = (SerializableRunnable) codec.decodeObject(initializer);
        init.run();
      } catch (Throwable t) {
        failure = t;
      }
    }
    try {
      Buf ready = new Buf(64).writeByte(failure == null ? 1 : 0);
      if (failure != null) {
        codec.writeValues(ready, new Object[] {new Failure(failure)}, (i, e) -> new Failure(e));
      }
      io.write(Protocol.READY, ready.array(), ready.size());
    } catch (IOException e) {
      Runtime.getRuntime().halt(0);
    }
    return failure;
  }

  private Object[] runBatch(BatchMessage batch, Throwable initFailure) {
    Object[] args;
    Object[] captured = null;
    FunctionEntry entry = batch.function;
    try {
      byte[] body = batch.frame.body;
      int at = batch.valuesAt;
      if (entry != null && entry.isTemplate && entry.captured > 0) {
        int len = new In(body, at, 4).readInt();
        if (len < 0 || len > batch.frame.len - at - 4) {
          throw new IOException("corrupt captured values length " + len);
        }
        captured = codec.readValues(batch.frame.slice(at + 4, len));
        at += 4 + len;
      }
      args = codec.readValues(batch.frame.slice(at, batch.frame.len - at));
    } catch (IOException | RuntimeException e) {
      return new Object[] {new Failure(e)};
    }
    Object[] results = new Object[args.length];
    SerializableFunction<Object, Object> fn = null;
    Throwable fnFailure = initFailure;
    if (fnFailure == null) {
      if (entry == null) {
        fnFailure = new IllegalStateException("procpool internal error: the worker does not know this batch's function");
      } else {
        if (entry.decoded == null && entry.template == null && entry.failure == null) {
          try {
            if (entry.isTemplate) {
              entry.template = CapturedLambda.Template.parse(entry.bytes, ClassLoader.getSystemClassLoader(), codec);
              if (entry.captured == 0) {
                entry.decoded = instantiate(entry.template, new Object[0]);
                entry.template = null; // one function for every batch
              }
            } else {
              @SuppressWarnings("unchecked")
              SerializableFunction<Object, Object> f = (SerializableFunction<Object, Object>) codec.decodeObject(entry.bytes);
              entry.decoded = f;
            }
          } catch (Throwable t) {
            entry.failure = t;
          }
        }
        fn = entry.decoded;
        fnFailure = entry.failure;
        if (fnFailure == null && entry.template != null) {
          try {
            fn = instantiate(entry.template, captured);
          } catch (Throwable t) {
            fnFailure = t;
          }
        }
      }
    }
    slowestIndex = -1;
    slowestNanos = -1;
    // one clock read per item (System.nanoTime costs ~25 ns here, as much as a trivial task), and
    // the interrupt window opened once per batch: between items the task thread runs only this loop
    synchronized (interruptLock) {
      inUserCode = true;
    }
    try {
      long t0 = System.nanoTime();
      for (int i = 0; i < args.length; i++) {
        Object arg = args[i];
        if (arg == WireCodec.SKIPPED) {
          results[i] = null; // the parent fails this item itself
        } else if (arg instanceof Failure) {
          results[i] = arg; // the argument could not be deserialized here
        } else if (fnFailure != null) {
          results[i] = new Failure(fnFailure);
        } else {
          try {
            results[i] = fn.apply(arg);
          } catch (Throwable t) {
            results[i] = new Failure(t);
          }
        }
        long t1 = System.nanoTime();
        if (t1 - t0 > slowestNanos) {
          slowestNanos = t1 - t0;
          slowestIndex = i;
        }
        t0 = t1;
        args[i] = null;
      }
    } finally {
      synchronized (interruptLock) {
        inUserCode = false;
        Thread.interrupted(); // an interrupt meant for this batch must not reach the next one
      }
    }
    return results;
  }
}
