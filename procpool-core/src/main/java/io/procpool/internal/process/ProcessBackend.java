package io.procpool.internal.process;

import io.procpool.SerializableRunnable;
import io.procpool.TaskTimeoutException;
import io.procpool.WorkerCrashedException;
import io.procpool.WorkerStartException;
import io.procpool.internal.Backend;
import io.procpool.internal.Batch;
import io.procpool.internal.Calls;
import io.procpool.internal.Dispatcher;
import io.procpool.internal.Failure;
import io.procpool.internal.Job;
import io.procpool.internal.NamedThreads;
import io.procpool.internal.Stats;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs batches in worker JVMs. See docs/architecture.md for the threads, the protocol and the
 * failure model; in short: workers connect back over a Unix domain socket, a writer thread per
 * worker pulls batches from the dispatcher while the worker has credit, a reader thread per worker
 * completes them, and a supervisor thread handles worker exits (observed through
 * {@link Process#onExit()}), failing only the batch that was running and requeueing the others.
 *
 * <p>Lock order: {@code this.lock} before a {@link WorkerHandle}'s monitor; neither is held during
 * I/O, process calls or while completing batches.
 */
public final class ProcessBackend implements Backend {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessBackend.class);
  private static final Set<ProcessBackend> LIVE = Collections.newSetFromMap(new IdentityHashMap<>());
  private static boolean hookInstalled;
  private static final int MAX_REQUEUES = 3;
  private static final int MAX_CONSECUTIVE_START_FAILURES = 3;
  /** The signal line of a HotSpot crash banner: {@code #  SIGSEGV (0xb) at pc=...}. */
  private static final java.util.regex.Pattern JVM_CRASH = java.util.regex.Pattern.compile("^#\\s+(SIG[A-Z]+) \\(0x");

  /** Immutable settings of a process backend. */
  public static final class Settings {
    final int processes;
    final SerializableRunnable initializer;
    final int maxTasksPerChild;
    final long maxMemoryPerChild;
    final int retries;
    final Duration taskTimeout;
    final Duration timeoutGrace;
    final List<String> jvmOptions;
    final String javaCommand;
    final String classpath;
    final Duration startTimeout;
    final io.procpool.WorkerOutputHandler outputHandler;
    final Path startupCache;

    public Settings(
        int processes,
        SerializableRunnable initializer,
        int maxTasksPerChild,
        long maxMemoryPerChild,
        int retries,
        Duration taskTimeout,
        Duration timeoutGrace,
        List<String> jvmOptions,
        String javaCommand,
        String classpath,
        Duration startTimeout,
        io.procpool.WorkerOutputHandler outputHandler,
        Path startupCache) {
      this.processes = processes;
      this.initializer = initializer;
      this.maxTasksPerChild = maxTasksPerChild;
      this.maxMemoryPerChild = maxMemoryPerChild;
      this.retries = retries;
      this.taskTimeout = taskTimeout;
      this.timeoutGrace = timeoutGrace;
      this.jvmOptions = List.copyOf(jvmOptions);
      this.javaCommand = javaCommand;
      this.classpath = classpath;
      this.startTimeout = startTimeout;
      this.outputHandler = outputHandler;
      this.startupCache = startupCache;
    }
  }

  /**
   * A job's function, serialized once on the submitting thread: JDK-serialized bytes, or a
   * {@link CapturedLambda} template plus this job's captured values ({@code captured}, encoded by
   * {@link WireCodec}, sent with every batch).
   */
  private static final class EncodedFunction {
    final long key;
    final byte[] bytes;
    final byte[] captured;

    EncodedFunction(long key, byte[] bytes, byte[] captured) {
      this.key = key;
      this.bytes = bytes;
      this.captured = captured;
    }
  }

  private final Settings settings;
  private final ClassLoader loader;
  private final WireCodec codec;
  private final Object lock = new Object();
  // guarded by lock
  private final List<WorkerHandle> workers = new ArrayList<>();
  private final Map<Integer, WorkerHandle> connecting = new HashMap<>();
  /** Worker ids whose process is being started (not yet in {@code connecting}). */
  private final java.util.Set<Integer> launching = new java.util.HashSet<>();
  private final Map<FunctionBytes, Long> functionKeys = WorkerMain.lruMap(256);
  /** Encoded lambdas that capture nothing, by {@link Calls#statelessKey}: no serialization per call. */
  private final Map<Object, EncodedFunction> statelessFunctions = WorkerMain.lruMap(256);
  /** Templates of lambdas ({@link CapturedLambda}), by lambda class (and adapter); guarded by lock. */
  private final Map<Object, EncodedFunction> lambdaTemplates = WorkerMain.lruMap(256);
  private int nextWorkerId;
  private long nextFunctionKey;
  private boolean shuttingDown;
  private boolean killed;
  private int consecutiveStartFailures;
  private WorkerStartException broken;

  private Dispatcher dispatcher;
  private Stats stats;
  private String poolName;
  private byte[] initializerBytes;
  private Path dir;
  private ServerSocketChannel server;
  private String address;
  private String token;
  /** Results taken from dead workers' result logs, by all pools of this JVM (tests read it). */
  static final java.util.concurrent.atomic.AtomicLong RESULTS_RECOVERED = new java.util.concurrent.atomic.AtomicLong();
  /** Names this pool's result-log files (random, not the token: the names are visible to all). */
  private final String logPrefix =
      ResultLog.PREFIX + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(randomBytes(8));
  /** Result-log files not deleted yet (a worker's is deleted once it has mapped it). */
  private final Set<Path> logFiles = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private Path argfile;
  /** The workers' class-data archive, or null (see {@link StartupCache}). */
  private StartupCache startupCache;
  private ExecutorService supervisor;
  private ScheduledExecutorService scheduler;

  public ProcessBackend(Settings settings) {
    this.settings = settings;
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    this.loader = context != null ? context : ProcessBackend.class.getClassLoader();
    this.codec = new WireCodec(loader, SerialFilters.defaultFilter());
  }

  // ------------------------------------------------------------------ start

  @Override
  public void start(Dispatcher dispatcher, String poolName, Stats stats) {
    this.dispatcher = dispatcher;
    this.stats = stats;
    this.poolName = poolName;
    try {
      initializerBytes = settings.initializer == null ? new byte[0] : codec.encodeObject(settings.initializer);
    } catch (IOException e) {
      throw new IllegalArgumentException("the initializer cannot be serialized: " + e.getMessage()
          + (e instanceof java.io.NotSerializableException ? " is not Serializable" : ""), e);
    }
    supervisor = Executors.newSingleThreadExecutor(NamedThreads.daemon(poolName + "-supervisor"));
    scheduler = Executors.newSingleThreadScheduledExecutor(NamedThreads.daemon(poolName + "-scheduler"));
    try {
      openServer();
      ResultLog.sweepOnce(ResultLog.directory(dir));
      writeArgfile();
      Thread acceptor = new Thread(this::acceptLoop, poolName + "-acceptor");
      acceptor.setDaemon(true);
      acceptor.start();
      register(this);
      List<WorkerHandle> started = new ArrayList<>();
      for (int i = 0; i < settings.processes; i++) {
        started.add(launch());
      }
      WorkerMain.roundTripALambda(); // warm this JVM's codec while the workers start
      for (WorkerHandle w : started) {
        awaitConnected(w);
      }
      if (settings.taskTimeout != null) {
        long tick = Math.max(5, Math.min(100, settings.taskTimeout.toMillis() / 10));
        scheduler.scheduleWithFixedDelay(this::checkTimeouts, tick, tick, TimeUnit.MILLISECONDS);
      }
      LOG.debug("{} started {} worker JVMs", poolName, settings.processes);
    } catch (RuntimeException e) {
      kill();
      throw e;
    } catch (IOException e) {
      kill();
      throw new WorkerStartException("cannot open the pool's socket: " + e, e);
    }
  }


  private void openServer() throws IOException {
    try {
      dir = Files.createTempDirectory("procpool-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException e) {
      dir = Files.createTempDirectory("procpool-");
    }
    token = HexFormat.of().formatHex(randomBytes(24));
    Path socket = dir.resolve("s");
    try {
      ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      s.bind(UnixDomainSocketAddress.of(socket), 64);
      server = s;
      address = "unix:" + socket;
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("Unix domain sockets unavailable ({}); falling back to TCP loopback", e.toString());
      ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.INET);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      server = s;
      address = "tcp:" + ((InetSocketAddress) s.getLocalAddress()).getPort();
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }

  private void writeArgfile() throws IOException {
    String cp = settings.classpath != null ? settings.classpath : Classpath.discover(loader);
    List<String> lines = new ArrayList<>();
    lines.add("-cp");
    lines.add(quote(cp));
    lines.addAll(WorkerJvmDefaults.options(settings.jvmOptions, System.getenv(), settings.processes,
        Runtime.getRuntime().availableProcessors(), WorkerJvmDefaults.physicalMemory()));
    lines.add("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"); // a selectable stdin: see Lifeline
    lines.add("-XX:ErrorFile=" + quote(System.getProperty("java.io.tmpdir") + "/procpool-worker-hs_err-%p.log"));
    lines.add("-Dprocpool.worker=true");
    if (settings.startupCache != null) {
      startupCache = StartupCache.of(settings.startupCache, javaCommand(), cp, settings.jvmOptions);
      if (startupCache != null) {
        for (String o : startupCache.workerOptions) {
          lines.add(quote(o));
        }
      }
    }
    for (String o : settings.jvmOptions) {
      lines.add(quote(o));
    }
    argfile = dir.resolve("worker.args");
    Files.write(argfile, lines, StandardCharsets.UTF_8);
  }

  /** Quotes one argument for a java {@code @argfile}. */
  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private String javaCommand() {
    if (settings.javaCommand != null) {
      return settings.javaCommand;
    }
    String exe = FileSystems.getDefault().getSeparator().equals("\\") ? "java.exe" : "java";
    return Paths.get(System.getProperty("java.home"), "bin", exe).toString();
  }

  /** Starts one worker process; it connects back later. */
  private WorkerHandle launch() {
    int id;
    synchronized (lock) {
      if (killed || shuttingDown) {
        throw new WorkerStartException("the pool is stopping", null);
      }
      id = ++nextWorkerId;
      launching.add(id); // a worker may connect before pb.start() returns: the handshake waits for it
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(javaCommand());
    cmd.add("@" + argfile);
    if (id == 1 && startupCache != null && startupCache.recorderOptions != null) {
      cmd.addAll(startupCache.recorderOptions); // the pool's first worker records the archive
    }
    cmd.add(WorkerMain.class.getName());
    cmd.add(Integer.toString(id));
    cmd.add(address);
    cmd.add(Long.toString(ProcessHandle.current().pid()));
    Path logFile = ResultLog.directory(dir).resolve(logPrefix + "-w" + id);
    java.nio.MappedByteBuffer logMap;
    try {
      logMap = ResultLog.create(logFile);
      logFiles.add(logFile);
      cmd.add(logFile.toString());
    } catch (IOException | RuntimeException e) {
      LOG.debug("{}: no result log for worker {} ({}); its results go one write each", poolName, id, e.toString());
      logMap = null;
      logFile = null;
    }
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put(Protocol.TOKEN_ENV, token);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      synchronized (lock) {
        launching.remove(id);
        lock.notifyAll();
      }
      deleteLog(logFile);
      throw new WorkerStartException("cannot start a worker JVM with " + cmd.get(0) + ": " + e.getMessage(), e);
    }
    String prefix = "[" + poolName.replaceFirst("-process$", "") + " worker-" + id + "] ";
    WorkerHandle w =
        new WorkerHandle(
            id,
            p,
            new OutputPump(p.getInputStream(), false, prefix, id, settings.outputHandler, poolName + "-worker-" + id + "-stdout"),
            new OutputPump(p.getErrorStream(), true, prefix, id, settings.outputHandler, poolName + "-worker-" + id + "-stderr"),
            logFile,
            logMap);
    boolean stopping;
    synchronized (lock) {
      stopping = killed || shuttingDown;
      if (!stopping) {
        connecting.put(id, w);
      }
      launching.remove(id);
      lock.notifyAll();
    }
    if (stopping) {
      deleteLog(logFile);
      destroyTree(p, true); // the pool began to stop while this worker was being launched
      try {
        p.waitFor(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new WorkerStartException("the pool is stopping", null);
    }
    w.exitHandled = p.onExit().thenRunAsync(() -> onExit(w), supervisor);
    scheduler.schedule(
        () -> {
          if (w.connected.completeExceptionally(
              new WorkerStartException(
                  w.label() + " did not connect back within " + settings.startTimeout.toSeconds() + " s" + lastLines(w), null))) {
            w.process.destroyForcibly();
          }
        },
        settings.startTimeout.toMillis(),
        TimeUnit.MILLISECONDS);
    return w;
  }

  /** Waits until {@code w} has connected and starts its threads. */
  private void awaitConnected(WorkerHandle w) {
    try {
      w.connected.get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof WorkerStartException ? (WorkerStartException) c : new WorkerStartException(c.toString(), c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkerStartException("interrupted while starting " + w.label(), e);
    }
  }

  private void acceptLoop() {
    while (true) {
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      try {
        handshake(ch);
      } catch (IOException | RuntimeException e) {
        LOG.warn("{}: dropped a connection that failed the handshake: {}", poolName, e.toString());
        closeQuietly(ch);
      }
    }
  }

  private void handshake(SocketChannel ch) throws IOException {
    FrameChannel io = new FrameChannel(ch);
    java.util.concurrent.ScheduledFuture<?> guard = scheduler.schedule(io::close, 10, TimeUnit.SECONDS);
    FrameChannel.Frame hello;
    try {
      hello = io.read(4096);
    } finally {
      guard.cancel(false);
    }
    In in = hello.reader();
    if (hello.type != Protocol.HELLO) {
      throw new IOException("expected HELLO, got frame type " + hello.type);
    }
    String theirs = in.readString();
    int id = in.readInt();
    if (!MessageDigest.isEqual(theirs.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
      throw new IOException("wrong token");
    }
    WorkerHandle w;
    synchronized (lock) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (launching.contains(id) && System.nanoTime() < deadline) {
        try {
          lock.wait(100); // its launcher has not registered it yet
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      w = connecting.remove(id);
    }
    if (w == null) {
      throw new IOException("unknown worker id " + id);
    }
    deleteLog(w.resultLogFile); // the worker mapped it before connecting; both mappings outlive the name
    Buf init = new Buf(64 + initializerBytes.length).writeInt(settings.maxTasksPerChild)
        .writeLong(settings.maxMemoryPerChild).writeBytes(initializerBytes);
    io.write(Protocol.INIT, init.array(), init.size());
    w.io = io;
    boolean attach;
    synchronized (lock) {
      attach = !killed && !shuttingDown && !w.isDead();
      if (attach) {
        workers.add(w);
      }
    }
    if (!attach) {
      io.close();
      w.connected.completeExceptionally(new WorkerStartException("the pool is terminated", null));
      return;
    }
    synchronized (w) {
      w.idle(true, dispatcher);
    }
    w.reader = new Thread(() -> readLoop(w), poolName + "-worker-" + w.id + "-reader");
    w.writer = new Thread(() -> writeLoop(w), poolName + "-worker-" + w.id + "-writer");
    w.reader.setDaemon(true);
    w.writer.setDaemon(true);
    w.reader.start();
    w.writer.start();
    w.connectedAtNanos = System.nanoTime();
    stats.workersStarted.increment();
    if (w.connected.complete(io)) {
      synchronized (lock) {
        consecutiveStartFailures = 0;
        broken = null;
      }
      LOG.debug("{}: {} connected in {} ms", poolName, w.label(), (System.nanoTime() - w.launchedAtNanos) / 1_000_000);
    }
  }

  private void deleteLog(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.debug("{}: cannot delete {}: {}", poolName, file, e.toString());
      }
      logFiles.remove(file);
    }
  }

  /**
   * Completes the batches whose results the dead worker {@code w} held back in its result log (see
   * {@link ResultLog}); results that also came over the socket are ignored the second time. Then
   * the oldest batch without a result is the one that was running.
   */
  private void recoverHeldResults(WorkerHandle w) {
    if (w.resultLog == null || w.io == null) {
      return;
    }
    List<FrameChannel.Frame> frames = ResultLog.heldFrames(w.resultLog);
    if (frames.isEmpty()) {
      return;
    }
    synchronized (w) {
      w.dead = true; // no new batches, and not idle
      w.idle(false, dispatcher);
    }
    int recovered = 0;
    for (FrameChannel.Frame f : frames) {
      if (f.type != Protocol.RESULT) {
        continue;
      }
      try {
        if (onResult(w, f)) {
          recovered++;
          RESULTS_RECOVERED.incrementAndGet();
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("{}: a result {} held back could not be read: {}", poolName, w.label(), e.toString());
      }
    }
    LOG.debug("{}: {} results {} held back when it died were recovered", poolName, recovered, w.label());
  }

  // ------------------------------------------------------------------ per-worker threads

  /**
   * Sends batches to one worker while its window has room, several frames per write when batches
   * are queued. The window adapts to how long the worker's batches take (see
   * {@link WorkerHandle#window}).
   */
  private void writeLoop(WorkerHandle w) {
    Map<Integer, Throwable> failures = new HashMap<>();
    Buf out = Buf.splicing(64 * 1024);
    try {
      while (true) {
        synchronized (w) {
          while (!w.dead && !retiring(w) && w.inflight.size() >= w.window) {
            w.wait();
          }
          if (w.dead || retiring(w)) {
            w.idle(false, dispatcher);
            return; // a retiring worker leaves after what it has; the supervisor replaces it
          }
        }
        Batch b = dispatcher.take(() -> w.idle);
        if (b == null) {
          return;
        }
        out.reset();
        int taken = 1;
        while (b != null) {
          if (b.job().abandoned()) {
            b.fail(new CancellationException("the caller no longer wants this result"));
          } else {
            int mark = out.size();
            long contentMark = out.contentSize();
            int firstSplice = out.splices();
            try {
              out.writeInt(0).writeByte(Protocol.BATCH);
              encodeBatch(w, b, out, failures);
              long length = out.contentSize() - contentMark - 4;
              if (length > FrameChannel.MAX_FRAME) {
                throw new IllegalArgumentException(
                    "the batch's items take " + length + " bytes, more than a procpool message can carry (2 GiB): use a smaller chunksize");
              }
              out.putInt(mark, (int) length);
              b.job().noteEncoded(b.size(), length);
              announceBlobs(out, mark, firstSplice);
            } catch (RuntimeException | OutOfMemoryError e) {
              out.truncate(mark); // this batch cannot be encoded: it fails, the others go on
              // the mirror of the worker's function cache may have recorded a function this batch
              // was to carry: forget it all (functions are sent again; the worker's LRU evicts
              // what only it still holds before anything the mirror holds)
              w.knownFunctions.clear();
              w.lastFunctionKey = 0;
              b.fail(e);
              b = dispatcher.pollForPrefetch(taken++, settings.processes);
              continue;
            }
            synchronized (w) {
              if (w.dead) {
                out.truncate(mark);
                dispatcher.requeue(b);
                break;
              }
              if (w.inflight.isEmpty()) {
                w.headSinceNanos = System.nanoTime();
                w.interruptSent = false;
              }
              w.inflight.add(b);
              w.idle(false, dispatcher);
              w.itemsSent += b.size();
              if (!failures.isEmpty()) {
                w.localFailures.put(b.id(), new HashMap<>(failures));
              }
              if (w.inflight.size() >= w.window || retiring(w) || out.contentSize() > 256 * 1024) {
                break;
              }
            }
          }
          b = dispatcher.pollForPrefetch(taken++, settings.processes);
        }
        if (out.size() > 0) {
          w.io.writeFrames(out);
        }
        if (out.array().length > 4 * 1024 * 1024) {
          out = Buf.splicing(64 * 1024); // do not keep the largest batch's buffer for the pool's lifetime
        }
        out.reset(); // drop the spliced arrays now, not at the next batch
      }
    } catch (InterruptedException | IOException e) {
      // the worker died or the pool is stopping; the supervisor takes care of its batches
    }
  }

  /**
   * Puts a {@link Protocol#BLOBS} frame before the frame at {@code mark} if that frame spliced in
   * large arrays (from splice {@code firstSplice} on), so that the worker reads them into arrays
   * of their own.
   */
  static void announceBlobs(Buf out, int mark, int firstSplice) {
    if (out.splices() > firstSplice) {
      // the frame's body starts after its length and type
      out.insert(mark, FrameChannel.blobTable(out, mark + 5, firstSplice), firstSplice);
    }
  }

  private boolean retiring(WorkerHandle w) {
    return settings.maxTasksPerChild > 0 && w.itemsSent >= settings.maxTasksPerChild;
  }

  private void encodeBatch(WorkerHandle w, Batch b, Buf out, Map<Integer, Throwable> failures) {
    EncodedFunction fn = (EncodedFunction) b.job().prepared();
    out.ensure(WireCodec.sizeHint(b.items()) + fn.bytes.length + (fn.captured == null ? 0 : fn.captured.length) + 36);
    out.writeLong(b.id()).writeLong(fn.key);
    // the mirror of the worker's LRU is touched only when the key changes: touching the most
    // recent entry again changes neither LRU's order (and saved a boxed lookup per batch)
    if (fn.key != w.lastFunctionKey && w.knownFunctions.get(fn.key) == null) {
      w.knownFunctions.put(fn.key, Boolean.TRUE);
      out.writeInt(fn.bytes.length);
      out.write(fn.bytes, 0, fn.bytes.length);
    } else {
      out.writeInt(-1);
    }
    w.lastFunctionKey = fn.key;
    if (fn.captured != null) {
      out.writeInt(fn.captured.length);
      out.write(fn.captured, 0, fn.captured.length);
    }
    failures.clear();
    codec.writeValues(
        out,
        b.items(),
        (i, e) -> {
          failures.put(i, e);
          return WireCodec.SKIPPED;
        });
  }

  private void readLoop(WorkerHandle w) {
    try {
      while (true) {
        FrameChannel.Frame f = w.io.readTransient(); // every case below is done with f before the next read
        switch (f.type) {
          case Protocol.READY:
            onReady(w, f);
            break;
          case Protocol.RESULT:
            onResult(w, f);
            break;
          case Protocol.BYE:
            String reason = f.reader().readString();
            synchronized (w) {
              w.leaving = true;
              w.leaveReason = reason;
            }
            break;
          case Protocol.REVOKED:
            onRevoked(w, f.reader().readLong());
            break;
          case Protocol.EXITING:
            String note = f.reader().readString();
            synchronized (w) {
              w.exitNote = note;
            }
            break;
          default:
            throw new IOException("unexpected frame type " + f.type + " from " + w.label());
        }
      }
    } catch (IOException e) {
      // EOF: the worker exited or was killed; onExit handles what it held
    } catch (RuntimeException | Error e) {
      // the reader cannot go on (a result too big for this heap, a bug): without it the worker's
      // batches would never complete, so the worker goes, and onExit fails the running batch
      LOG.error("{}: reading from {} failed; killing the worker so that its tasks end", poolName, w.label(), e);
      Batch running;
      synchronized (w) {
        running = w.running();
        if (running != null) {
          w.inflight.remove(running.id());
          w.runningTaken = true; // what is left never started: onExit requeues it
        }
      }
      destroyTree(w.process, true);
      if (running != null) {
        running.fail(new IOException("the pool could not read this task's result from " + w.label() + ": " + e, e));
      }
    }
  }

  private void onReady(WorkerHandle w, FrameChannel.Frame f) throws IOException {
    In in = f.reader();
    synchronized (w) {
      w.ready = true;
      w.headSinceNanos = System.nanoTime();
    }
    if (in.readByte() == 1) {
      return;
    }
    Object[] v = codec.readValues(in);
    Throwable cause = v.length == 1 && v[0] instanceof Failure ? ((Failure) v[0]).cause() : null;
    LOG.warn("{}: the initializer failed in {}; every task it takes fails with this exception", poolName, w.label(), cause);
  }

  /** Handles a RESULT frame; returns whether it was for a batch still in flight. */
  private boolean onResult(WorkerHandle w, FrameChannel.Frame f) throws IOException {
    In in = f.reader();
    long id = in.readLong();
    long batchNanos = in.readLong();
    int slowestIndex = in.readInt();
    long slowestNanos = in.readLong();
    boolean interrupted = in.readByte() == 1;
    Object[] results;
    Exception decodeError = null;
    try {
      results = codec.readValues(in);
    } catch (IOException | RuntimeException e) {
      results = null;
      decodeError = e;
    }
    Batch b;
    Map<Integer, Throwable> local;
    boolean timedOut;
    synchronized (w) {
      b = w.inflight.remove(id);
      local = w.localFailures.isEmpty() ? null : w.localFailures.remove(id);
      // declared timed out by the pool's clock, which also counts the time a result was held back
      // in the worker: a batch the interrupt reached timed out; one that had ended before it did
      // timed out only if the worker's own clock says it ran that long
      timedOut = !w.timedOut.isEmpty() && w.timedOut.remove(id)
          && (interrupted || settings.taskTimeout == null || batchNanos >= settings.taskTimeout.toNanos());
      if (!w.revoking.isEmpty()) {
        w.revoking.remove(id); // asked back too late: it ran
      }
      w.headSinceNanos = System.nanoTime();
      w.interruptSent = false;
      w.busyNanos += batchNanos;
      if (b != null) {
        w.tasksDone += b.size();
      }
      w.batchDone(batchNanos);
      if (w.inflight.isEmpty() && !w.dead && !retiring(w)) {
        w.idle(true, dispatcher);
      }
      if (w.inflight.size() <= w.window / 2) {
        // the writer refills once half the window is free: one wake-up and one socket write
        // for several batches instead of one of each per result (chunksize 1)
        w.notifyAll();
      }
    }
    if (w.idle && dispatcher.queued() == 0) {
      stealFor(w);
    }
    if (b == null) {
      return false; // already failed (timeout), terminated, or seen before (a result log after a crash)
    }
    stats.taskTimed(b.job(), b.start() + slowestIndex, slowestNanos, w.id);
    if (timedOut) {
      retryOrFail(b, timeoutException(), w);
      return true;
    }
    if (decodeError != null) {
      b.fail(decodeError);
      return true;
    }
    if (results.length != b.size()) {
      Throwable cause =
          results.length == 1 && results[0] instanceof Failure
              ? ((Failure) results[0]).cause()
              : new IOException("procpool internal error: " + results.length + " results for " + b.size() + " items");
      b.fail(cause);
      return true;
    }
    if (local != null) {
      for (Map.Entry<Integer, Throwable> e : local.entrySet()) {
        results[e.getKey()] = new Failure(e.getValue());
      }
    }
    b.complete(results);
    return true;
  }

  /**
   * Work stealing: {@code idle} has nothing to do and nothing is queued, so ask the busiest other
   * worker to give back the youngest batch it holds but has not started. Without this, a batch
   * prefetched behind a long task would wait while a worker is idle.
   */
  private void stealFor(WorkerHandle idle) {
    List<WorkerHandle> snapshot;
    synchronized (lock) {
      snapshot = new ArrayList<>(workers);
    }
    WorkerHandle victim = null;
    int most = 1;
    for (WorkerHandle w : snapshot) {
      if (w == idle) {
        continue;
      }
      synchronized (w) {
        int held = w.inflight.size() - w.revoking.size();
        if (!w.dead && held > most) {
          victim = w;
          most = held;
        }
      }
    }
    if (victim == null) {
      return;
    }
    Batch batch;
    synchronized (victim) {
      batch = victim.stealable();
    }
    if (batch == null) {
      LOG.trace("{}: {} is idle; nothing to take from {}", poolName, idle.label(), victim.label());
      return;
    }
    LOG.trace("{}: {} is idle; asking {} to give back {}", poolName, idle.label(), victim.label(), batch);
    try {
      Buf b = new Buf(8).writeLong(batch.id());
      victim.io.write(Protocol.REVOKE, b.array(), b.size());
    } catch (IOException e) {
      // the victim is dying: its batches are requeued by onExit
    }
  }

  private void onRevoked(WorkerHandle w, long id) {
    Batch b;
    synchronized (w) {
      w.revoking.remove(id);
      b = w.inflight.remove(id);
      if (b != null) {
        w.itemsSent -= b.size();
        w.localFailures.remove(id);
        w.notifyAll();
      }
    }
    LOG.trace("{}: {} gave back batch {} ({})", poolName, w.label(), id, b == null ? "unknown" : "requeued");
    if (b != null) {
      dispatcher.requeue(b);
    }
  }

  private TaskTimeoutException timeoutException() {
    return new TaskTimeoutException(
        "the task ran longer than the task timeout of " + settings.taskTimeout.toMillis() + " ms", settings.taskTimeout);
  }

  // ------------------------------------------------------------------ timeouts

  private void checkTimeouts() {
    long now = System.nanoTime();
    long limit = settings.taskTimeout.toNanos();
    long grace = settings.timeoutGrace.toNanos();
    List<WorkerHandle> snapshot;
    synchronized (lock) {
      snapshot = new ArrayList<>(workers);
    }
    for (WorkerHandle w : snapshot) {
      long interrupt = -1;
      Batch kill = null;
      synchronized (w) {
        Batch running = w.running();
        if (w.dead || running == null || w.exitNote != null) {
          continue; // a worker that said it is exiting is a crash, not a timeout
        }
        long elapsed = now - w.headSinceNanos;
        if (!w.interruptSent && elapsed > limit) {
          w.interruptSent = true;
          w.interruptSentNanos = now;
          w.timedOut.add(running.id());
          interrupt = running.id();
        } else if (w.interruptSent && now - w.interruptSentNanos > grace) {
          // onExit fails the running batch with a timeout once it has taken the results the worker
          // held back: only then is it certain which batch was running
          kill = running;
          w.killedForTimeout = true;
          w.timeoutKillBatch = running.id();
          w.idle(false, dispatcher);
          w.dead = true; // no new batches
        }
      }
      if (interrupt >= 0) {
        try {
          Buf b = new Buf(8).writeLong(interrupt);
          w.io.write(Protocol.INTERRUPT, b.array(), b.size());
        } catch (IOException ignored) {
          // it is dying anyway
        }
      } else if (kill != null) {
        LOG.warn("{}: {} ran a task past the timeout of {} ms and ignored the interrupt; killing it",
            poolName, w.label(), settings.taskTimeout.toMillis());
        destroyTree(w.process, true);
      }
    }
  }

  // ------------------------------------------------------------------ worker exits

  private void onExit(WorkerHandle w) {
    w.stderr.awaitEnd(500);
    int code = exitCode(w.process);
    if (w.id == 1 && startupCache != null) {
      startupCache.recorded(code);
    }
    if (!w.connected.isDone()) {
      synchronized (lock) {
        connecting.remove(w.id);
      }
      w.stdout.awaitEnd(500);
      w.connected.completeExceptionally(
          new WorkerStartException(
              w.label() + " exited with code " + code + " before connecting to the pool" + lastLines(w)
                  + "\n(check jvmOptions and the java command; the JVM's own message is above)", null));
    }
    Thread reader = w.reader;
    if (reader != null) {
      try {
        reader.join(2000); // read what the worker sent before it died
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    recoverHeldResults(w);
    deleteLog(w.resultLogFile);
    synchronized (w) {
      if (w.killedForTimeout && !w.inflight.contains(w.timeoutKillBatch)) {
        // the batch the pool killed for ended after all (its result came in the meantime): what
        // is left did not run past the timeout, so it goes to other workers as never started
        w.runningTaken = true;
      }
    }
    List<Batch> held = w.takeAllOnDeath(dispatcher);
    Thread writer = w.writer;
    if (writer != null) {
      writer.interrupt();
    }
    if (w.io != null) {
      w.io.close();
    }
    boolean replace;
    boolean wasAttached;
    synchronized (lock) {
      wasAttached = workers.remove(w);
      replace = wasAttached && !shuttingDown && !killed;
    }
    Batch running = held.get(0);
    boolean clean;
    String leaveReason;
    String note;
    synchronized (w) {
      clean = w.leaving;
      leaveReason = w.leaveReason;
      note = w.exitNote;
    }
    if (running != null) {
      boolean timedOut;
      synchronized (w) {
        timedOut = w.killedForTimeout || w.timedOut.contains(running.id());
      }
      retryOrFail(running, timedOut ? timeoutException() : crash(w, code, note), w);
    }
    for (int i = 1; i < held.size(); i++) {
      Batch b = held.get(i);
      if (b.requeued() > MAX_REQUEUES) {
        b.fail(new WorkerCrashedException(
            "this task was handed to " + MAX_REQUEUES + " workers that all died before starting it; last: "
                + describeExit(w, code, note), w.pid, code));
      } else {
        dispatcher.requeue(b);
      }
    }
    if (wasAttached && !shuttingDown()) {
      (clean ? stats.workersRecycled : stats.workersCrashed).increment();
    }
    if (wasAttached) {
      if (clean) {
        LOG.debug("{}: {} retired: {}", poolName, w.label(), leaveReason);
      } else if (!shuttingDown()) {
        LOG.warn("{}: {}", poolName, describeExit(w, code, note));
      }
    }
    if (replace) {
      replace();
    }
  }

  /**
   * A batch whose worker crashed or timed out runs again (in full) while it has retries left;
   * otherwise it fails with {@code cause}.
   */
  private void retryOrFail(Batch b, Throwable cause, WorkerHandle w) {
    if (cause instanceof TaskTimeoutException) {
      stats.timedOut.increment();
    }
    if (settings.retries > 0 && !b.isCompleted() && b.retried() <= settings.retries) {
      stats.retried.increment();
      LOG.info("{}: retrying {} after {}: {}", poolName, b, w.label(), cause.getMessage());
      dispatcher.requeue(b);
    } else {
      b.fail(cause);
    }
  }

  private boolean shuttingDown() {
    synchronized (lock) {
      return shuttingDown || killed;
    }
  }

  private void replace() {
    WorkerHandle w;
    try {
      w = launch();
      LOG.debug("{}: started {} to replace a worker that left", poolName, w.label());
    } catch (WorkerStartException e) {
      onStartFailure(e);
      return;
    }
    w.connected.whenCompleteAsync(
        (io, error) -> {
          if (error != null) {
            onStartFailure(error instanceof WorkerStartException
                ? (WorkerStartException) error
                : new WorkerStartException(error.toString(), error));
          }
        },
        supervisor);
  }

  private void onStartFailure(WorkerStartException e) {
    int live;
    int failures;
    synchronized (lock) {
      if (killed || shuttingDown) {
        return;
      }
      failures = ++consecutiveStartFailures;
      live = workers.size() + connecting.size();
      if (live == 0 && failures >= MAX_CONSECUTIVE_START_FAILURES) {
        broken = e;
      }
    }
    if (failures < MAX_CONSECUTIVE_START_FAILURES) {
      LOG.warn("{}: a replacement worker failed to start ({}); trying again", poolName, e.getMessage());
      replace();
      return;
    }
    LOG.error("{}: {} replacement workers in a row failed to start; {} workers are left. Last error: {}",
        poolName, failures, live, e.getMessage());
    if (live == 0) {
      Batch b;
      while ((b = dispatcher.poll()) != null) {
        b.fail(e);
      }
    }
  }

  private WorkerCrashedException crash(WorkerHandle w, int code, String note) {
    return new WorkerCrashedException(describeExit(w, code, note, " while running this task"), w.pid, code);
  }

  private String describeExit(WorkerHandle w, int code, String note) {
    return describeExit(w, code, note, "");
  }

  private String describeExit(WorkerHandle w, int code, String note, String when) {
    StringBuilder s = new StringBuilder(w.label());
    if (code > 128 && code < 128 + 65) {
      int sig = code - 128;
      s.append(" was killed by signal ").append(sig).append(" (").append(signalName(sig)).append(")");
    } else if (code >= 0) {
      s.append(" exited with code ").append(code);
    } else {
      s.append(" lost its connection to the pool");
    }
    s.append(when);
    if (note != null) {
      s.append("; ").append(note);
    }
    List<String> lines = w.stderr.lastLines();
    for (String l : lines) {
      if (l.contains("java.lang.OutOfMemoryError")) {
        s.append("; it ran out of memory");
        break;
      }
    }
    for (String l : w.stdout.lastLines()) {
      java.util.regex.Matcher m = JVM_CRASH.matcher(l);
      if (m.find()) {
        s.append("; the JVM crashed on ").append(m.group(1)).append(" (native code, JNI or a JVM bug)");
        break;
      }
    }
    Path crashLog = Paths.get(System.getProperty("java.io.tmpdir"), "procpool-worker-hs_err-" + w.pid + ".log");
    if (Files.exists(crashLog)) {
      s.append("; JVM crash log: ").append(crashLog);
    }
    s.append(lastLines(w));
    return s.toString();
  }

  /** The worker's last stderr lines, and its last stdout lines (where a JVM crash banner goes). */
  private static String lastLines(WorkerHandle w) {
    return lastLines("stderr", w.stderr.lastLines()) + lastLines("stdout", w.stdout.lastLines());
  }

  private static String lastLines(String stream, List<String> lines) {
    if (lines.isEmpty()) {
      return "";
    }
    int from = Math.max(0, lines.size() - 20);
    return "\n  its last " + stream + " lines:\n    " + String.join("\n    ", lines.subList(from, lines.size()));
  }

  static String signalName(int sig) {
    switch (sig) {
      case 1: return "SIGHUP";
      case 2: return "SIGINT";
      case 3: return "SIGQUIT";
      case 4: return "SIGILL";
      case 6: return "SIGABRT, e.g. a JVM crash in native code";
      case 7: return "SIGBUS";
      case 8: return "SIGFPE";
      case 9: return "SIGKILL, e.g. kill -9 or the kernel's OOM killer";
      case 11: return "SIGSEGV";
      case 13: return "SIGPIPE";
      case 15: return "SIGTERM";
      default: return "signal " + sig;
    }
  }

  private static int exitCode(Process p) {
    try {
      return p.exitValue();
    } catch (IllegalThreadStateException e) {
      return -1;
    }
  }

  // ------------------------------------------------------------------ jobs

  @Override
  public void prepare(Job job) throws Exception {
    WorkerStartException b;
    synchronized (lock) {
      b = broken;
    }
    if (b != null) {
      throw new WorkerStartException("the pool has no worker left and cannot start new ones: " + b.getMessage(), b);
    }
    Object stateless = Calls.statelessKey(job.fn());
    if (stateless != null) {
      EncodedFunction known;
      synchronized (lock) {
        known = statelessFunctions.get(stateless);
      }
      if (known != null) {
        job.prepared(known);
        return;
      }
    }
    EncodedFunction captured = capturedLambda(job.fn(), job.singleItem());
    if (captured != null) {
      job.prepared(captured);
      return;
    }
    byte[] bytes;
    try {
      bytes = codec.encodeObject(job.fn());
    } catch (java.io.NotSerializableException e) {
      throw unserializableFunction(job, e);
    }
    FunctionBytes fb = new FunctionBytes(bytes);
    long key;
    synchronized (lock) {
      Long k = functionKeys.get(fb);
      if (k == null) {
        k = ++nextFunctionKey;
        functionKeys.put(fb, k);
      }
      key = k;
    }
    EncodedFunction encoded = new EncodedFunction(key, bytes, null);
    if (stateless != null) {
      synchronized (lock) {
        statelessFunctions.put(stateless, encoded);
      }
    }
    job.prepared(encoded);
  }

  /**
   * {@code fn} as a lambda template ({@link CapturedLambda}): for a lambda that captures nothing,
   * and for one whose captured values all encode in a job of one item ({@code applyAsync(() ->
   * f(x))}, where a new lambda per call made JDK serialization the bottleneck). Else null: then it
   * is JDK-serialized (which also names what cannot be serialized) and goes once per worker.
   */
  private EncodedFunction capturedLambda(Object fn, boolean singleItem) {
    Object shape = CapturedLambda.shapeOf(fn);
    if (shape == null) {
      return null;
    }
    EncodedFunction known;
    synchronized (lock) {
      known = lambdaTemplates.get(shape);
    }
    if (known != null && CapturedLambda.capturedCount(known.bytes) == 0) {
      return known; // captures nothing: the same function for every call
    }
    CapturedLambda.Split split = CapturedLambda.split(fn);
    if (split == null) {
      return null;
    }
    Object[] captured = split.captured();
    if (captured.length > 0 && !singleItem) {
      // a job of several batches: its captured values (maybe a large table) go once per worker
      // and are decoded once, inside the JDK-serialized function, not with every batch
      return null;
    }
    Buf values = new Buf(64);
    boolean[] failed = {false};
    codec.writeValues(
        values,
        captured,
        (i, e) -> {
          failed[0] = true;
          return WireCodec.SKIPPED;
        });
    if (failed[0]) {
      return null;
    }
    EncodedFunction template;
    synchronized (lock) {
      template = lambdaTemplates.get(shape);
    }
    if (template == null) {
      byte[] bytes = split.template();
      synchronized (lock) {
        template = lambdaTemplates.get(shape);
        if (template == null) {
          template = new EncodedFunction(++nextFunctionKey, bytes, null);
          lambdaTemplates.put(shape, template);
        }
      }
    }
    return captured.length == 0 ? template : new EncodedFunction(template.key, template.bytes, values.toByteArray());
  }

  /** Names the user's function (not procpool's adapter around it) and what in it cannot be serialized. */
  private static java.io.NotSerializableException unserializableFunction(Job job, java.io.NotSerializableException e) {
    Object fn = job.fn();
    if (fn instanceof Calls.CallTask) {
      fn = ((Calls.CallTask) fn).inner();
    } else if (fn instanceof Calls.StarCall) {
      fn = ((Calls.StarCall) fn).inner();
    }
    String name = fn.getClass().getName();
    int lambda = name.indexOf("$$Lambda");
    String what = lambda > 0 ? "a lambda in " + name.substring(0, lambda) : name;
    java.io.NotSerializableException named =
        new java.io.NotSerializableException(
            e.getMessage() + " is not Serializable, and the function of " + job.operation() + " (" + what
                + ") holds one. Capture only serializable values in the function, or make " + e.getMessage()
                + " Serializable");
    named.initCause(e);
    return named;
  }

  /** Function bytes as a map key (content equality). */
  private static final class FunctionBytes {
    final byte[] bytes;
    final int hash;

    FunctionBytes(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof FunctionBytes && Arrays.equals(bytes, ((FunctionBytes) o).bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  @Override
  public int maxBatchSize() {
    return settings.taskTimeout != null ? 1 : Integer.MAX_VALUE;
  }

  // ------------------------------------------------------------------ stop

  @Override
  public void shutdown() {
    List<WorkerHandle> snapshot;
    List<WorkerHandle> starting;
    synchronized (lock) {
      if (shuttingDown || killed) {
        snapshot = null;
        starting = null;
      } else {
        shuttingDown = true; // from here on no worker is launched or attached
        snapshot = new ArrayList<>(workers);
        starting = new ArrayList<>(connecting.values());
      }
    }
    if (snapshot == null) {
      awaitCleanup();
      return;
    }
    // let a worker exit that the supervisor is handling right now finish: it may be launching a
    // replacement, which the flag now stops; then look again at what is starting
    awaitSupervisor(5);
    synchronized (lock) {
      for (WorkerHandle w : connecting.values()) {
        if (!starting.contains(w)) {
          starting.add(w);
        }
      }
    }
    for (WorkerHandle w : starting) {
      destroyTree(w.process, true); // a replacement still starting has nothing to finish
    }
    snapshot.addAll(starting);
    for (WorkerHandle w : snapshot) {
      if (w.io == null) {
        continue;
      }
      try {
        w.io.write(Protocol.SHUTDOWN);
      } catch (IOException e) {
        // already gone
      }
    }
    awaitExit(snapshot, TimeUnit.SECONDS.toNanos(10));
    for (WorkerHandle w : snapshot) {
      if (w.process.isAlive()) {
        LOG.warn("{}: {} did not exit within 10 s of SHUTDOWN; killing it", poolName, w.label());
        destroyTree(w.process, true);
      }
    }
    awaitExit(snapshot, TimeUnit.SECONDS.toNanos(2));
    for (WorkerHandle w : snapshot) {
      w.stdout.awaitEnd(1000); // what the workers printed reaches the caller before close() returns
      w.stderr.awaitEnd(1000);
    }
    awaitExitsHandled(snapshot, TimeUnit.SECONDS.toNanos(5));
    cleanup();
  }

  /**
   * Waits (bounded) until the supervisor has handled the exit of every worker in {@code ws}, so
   * that what it does on an exit (the startup cache moving a recorded archive into place, the
   * statistics) is done when {@code close()} returns, even if the JVM exits right after.
   */
  private static void awaitExitsHandled(List<WorkerHandle> ws, long nanos) {
    long deadline = System.nanoTime() + nanos;
    for (WorkerHandle w : ws) {
      CompletableFuture<Void> handled = w.exitHandled;
      if (handled == null) {
        continue;
      }
      try {
        handled.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException e) {
        // bounded: a worker whose exit is still being handled does not hold close() up
      }
    }
  }

  @Override
  public void kill() {
    List<WorkerHandle> snapshot;
    synchronized (lock) {
      killed = true;
      shuttingDown = true;
      snapshot = new ArrayList<>(workers);
      snapshot.addAll(connecting.values());
    }
    for (WorkerHandle w : snapshot) {
      destroyTree(w.process, false);
    }
    if (supervisor != null) {
      awaitSupervisor(1); // a replacement being launched now sees the flag and is destroyed
      synchronized (lock) {
        for (WorkerHandle w : connecting.values()) {
          if (!snapshot.contains(w)) {
            snapshot.add(w);
            destroyTree(w.process, true);
          }
        }
      }
    }
    awaitExit(snapshot, TimeUnit.MILLISECONDS.toNanos(500));
    for (WorkerHandle w : snapshot) {
      if (w.process.isAlive()) {
        destroyTree(w.process, true);
      }
    }
    awaitExit(snapshot, TimeUnit.MILLISECONDS.toNanos(1500));
    for (WorkerHandle w : snapshot) {
      if (w.io != null) {
        w.io.close();
      }
    }
    cleanup();
  }

  /** Waits (bounded) until the supervisor has handled what was submitted to it before this call. */
  private void awaitSupervisor(int seconds) {
    try {
      supervisor.submit(() -> { }).get(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
      // bounded: go on stopping what we know of
    }
  }

  private static void destroyTree(Process p, boolean forcibly) {
    try {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
    } catch (RuntimeException ignored) {
      // best effort
    }
    if (forcibly) {
      p.destroyForcibly();
    } else {
      p.destroy();
    }
  }

  private static void awaitExit(List<WorkerHandle> ws, long nanos) {
    long deadline = System.nanoTime() + nanos;
    for (WorkerHandle w : ws) {
      long left = deadline - System.nanoTime();
      try {
        if (left <= 0 || !w.process.waitFor(left, TimeUnit.NANOSECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private final CompletableFuture<Void> cleaned = new CompletableFuture<>();

  private void cleanup() {
    synchronized (lock) {
      if (cleaned.isDone()) {
        return;
      }
    }
    if (server != null) {
      try {
        server.close();
      } catch (IOException ignored) {
        // best effort
      }
    }
    for (Path f : new ArrayList<>(logFiles)) {
      deleteLog(f);
    }
    if (dir != null) {
      try (var files = Files.list(dir)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(p);
        }
        Files.deleteIfExists(dir);
      } catch (IOException ignored) {
        // best effort: a temp dir
      }
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    if (supervisor != null) {
      supervisor.shutdown();
    }
    unregister(this);
    cleaned.complete(null);
  }

  private void awaitCleanup() {
    try {
      cleaned.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // bounded wait
    }
  }

  @Override
  public boolean ownsThread(Thread thread) {
    String n = thread.getName();
    return poolName != null && n.startsWith(poolName + "-");
  }

  @Override
  public List<io.procpool.PoolStats.WorkerStats> workerStats() {
    List<WorkerHandle> snapshot;
    synchronized (lock) {
      snapshot = new ArrayList<>(workers);
    }
    long now = System.nanoTime();
    List<io.procpool.PoolStats.WorkerStats> out = new ArrayList<>();
    for (WorkerHandle w : snapshot) {
      boolean busy;
      long done;
      long busyNanos;
      synchronized (w) {
        busy = w.running() != null;
        done = w.tasksDone;
        busyNanos = w.busyNanos;
      }
      long up = now - w.connectedAtNanos;
      out.add(new io.procpool.PoolStats.WorkerStats(w.id, w.pid, busy, done,
          Duration.ofNanos(w.connectedAtNanos - w.launchedAtNanos), Duration.ofNanos(busyNanos),
          Duration.ofNanos(Math.max(0, up - busyNanos))));
    }
    return out;
  }

  /** Process ids of the live workers, for tests and stats. */
  public List<Long> workerPids() {
    List<Long> pids = new ArrayList<>();
    synchronized (lock) {
      for (WorkerHandle w : workers) {
        pids.add(w.pid);
      }
    }
    return pids;
  }

  // ------------------------------------------------------------------ parent exit

  private static void register(ProcessBackend b) {
    synchronized (LIVE) {
      LIVE.add(b);
      if (!hookInstalled) {
        hookInstalled = true;
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessBackend::killAllOnExit, "procpool-exit-hook"));
      }
    }
  }

  private static void unregister(ProcessBackend b) {
    synchronized (LIVE) {
      LIVE.remove(b);
    }
  }

  private static void killAllOnExit() {
    List<ProcessBackend> all;
    synchronized (LIVE) {
      all = new ArrayList<>(LIVE);
    }
    for (ProcessBackend b : all) {
      List<WorkerHandle> ws;
      synchronized (b.lock) {
        ws = new ArrayList<>(b.workers);
        ws.addAll(b.connecting.values());
      }
      for (WorkerHandle w : ws) {
        destroyTree(w.process, true);
      }
    }
  }

  private static void closeQuietly(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // best effort
    }
  }
}
