package io.procpool.internal.worker;

import io.procpool.SerializableFunction;
import io.procpool.SerializableRunnable;
import io.procpool.internal.Failure;
import io.procpool.internal.NamedThreads;
import io.procpool.internal.wire.Activity;
import io.procpool.internal.wire.BatchCodec;
import io.procpool.internal.wire.Buf;
import io.procpool.internal.wire.FrameChannel;
import io.procpool.internal.wire.In;
import io.procpool.internal.wire.Protocol;
import io.procpool.internal.wire.ResultLog;
import io.procpool.internal.wire.SerialFilters;
import io.procpool.internal.wire.WireCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The entry point of a worker JVM: connects to the pool, then moves frames between the socket and
 * a {@link BatchRunner}, holds quick results back to share a write ({@link ResultLog}), and retires.
 * Threads: {@code main} connects, then reads frames from the pool into a local queue; {@code
 * procpool-task} runs the initializer and then the batches, one at a time and strictly in arrival
 * order (the pool relies on that order to know which batch runs), and writes their results; {@code procpool-lifeline} exits the JVM when stdin reaches EOF or
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

  private final FrameChannel io;
  /** Results held back to share one socket write, or null (each result then goes at once). */
  private final ResultLog log;
  private final WireCodec codec = new WireCodec(ClassLoader.getSystemClassLoader(), SerialFilters.defaultFilter());
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final BatchCodec messages = new BatchCodec(codec);
  private final BatchRunner runner = new BatchRunner(codec, ClassLoader.getSystemClassLoader());
  private final int maxTasks;
  private final long maxHeap;
  private final byte[] initializer;
  private volatile boolean leaving;

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
    String token = System.getenv(Protocol.TOKEN_ENV);
    if (token == null) {
      System.err.println("procpool worker: no token in the environment; this program is started by a ProcessPool");
      System.exit(2);
    }
    // the JDK's socket classes take ~15 ms to initialise (a SecureRandom among them): connect
    // while this thread maps the result log and starts the lifeline; HELLO waits for both, since
    // the pool deletes the result log's name once it has HELLO
    CompletableFuture<SocketChannel> connecting = new CompletableFuture<>();
    NamedThreads.daemon("procpool-connect").newThread(() -> {
      try {
        connecting.complete(connect(address));
      } catch (Throwable t) {
        connecting.completeExceptionally(t);
      }
    }).start();
    ResultLog log = args.length > 3 && MAX_HELD > 1 ? ResultLog.open(Path.of(args[3])) : null;
    Lifeline.start(parentPid, ACTIVITY);
    ignoreSigint();
    warmUp();
    SocketChannel channel = connected(connecting);
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

  /** The channel {@code connecting} completes with; its failure as the IOException it was. */
  private static SocketChannel connected(CompletableFuture<SocketChannel> connecting) throws IOException {
    try {
      return connecting.get(); // ends: the pool kills a worker that has not connected within its start timeout
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while connecting to the pool", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException) {
        throw (IOException) c;
      }
      throw new IOException("cannot connect to the pool: " + c, c);
    }
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
  public static void roundTripALambda() {
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
    task.start();
    readLoop();
  }

  private void readLoop() {
    try {
      while (true) {
        FrameChannel.Frame f = io.read();
        switch (f.type) {
          case Protocol.BATCH:
            BatchRunner.Message batch = runner.accept(f);
            ACTIVITY.added();
            queue.put(batch);
            break;
          case Protocol.INTERRUPT:
            long id = f.reader().readLong();
            if (log != null) {
              log.flush(io); // the pool may be timing a batch whose result is held here
            }
            runner.interrupt(id);
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
      if (o instanceof BatchRunner.Message && ((BatchRunner.Message) o).batchId == batchId) {
        if (queue.remove(o)) {
          ACTIVITY.finished();
          Buf b = new Buf(8).writeLong(batchId);
          io.write(Protocol.REVOKED, b.array(), b.size());
        }
        return;
      }
    }
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
        BatchRunner.Message batch = (BatchRunner.Message) msg;
        long t0 = System.nanoTime();
        Object[] results = runner.run(batch, initFailure);
        long batchNanos = System.nanoTime() - t0;
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
        messages.writeResult(out, batch.batchId, batchNanos, runner.slowestIndex(), runner.slowestNanos(),
            runner.wasInterrupted(batch.batchId), results);
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
}
