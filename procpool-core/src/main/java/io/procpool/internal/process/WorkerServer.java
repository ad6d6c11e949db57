package io.procpool.internal.process;

import io.procpool.WorkerStartException;
import io.procpool.internal.wire.Buf;
import io.procpool.internal.wire.FrameChannel;
import io.procpool.internal.wire.In;
import io.procpool.internal.wire.Protocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's end of the workers' connections: a private directory with a Unix domain socket (TCP
 * on loopback where there is none), the token, and the {@code <pool>-acceptor} thread that accepts
 * connections and runs the handshake (HELLO with the token and worker id, INIT with the worker's
 * limits and initializer), then attaches the worker (or keeps it as a spare). No lock of its own
 * (workers are claimed and attached through {@link PoolWorkers}).
 */
final class WorkerServer {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerServer.class);

  private final PoolContext ctx;
  private final PoolWorkers workers;
  private final ResultLogFiles logs;
  private final byte[] initializer;
  /** Starts a connected worker's (or spare's) reader thread (acceptor thread). */
  private final Consumer<WorkerHandle> startReader;
  /** Makes an attached worker take batches: idle, and its writer thread started. */
  private final Consumer<WorkerHandle> activate;
  private final String token = Protocol.randomHex(24);
  private Path dir;
  private ServerSocketChannel server;
  private String address;

  WorkerServer(PoolContext ctx, PoolWorkers workers, ResultLogFiles logs, byte[] initializer,
      Consumer<WorkerHandle> startReader, Consumer<WorkerHandle> activate) {
    this.ctx = ctx;
    this.workers = workers;
    this.logs = logs;
    this.initializer = initializer;
    this.startReader = startReader;
    this.activate = activate;
  }

  /** Creates the pool's directory and binds its socket; then {@link #startAccepting}. */
  void open() throws IOException {
    try {
      dir = Files.createTempDirectory("procpool-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException e) {
      dir = Files.createTempDirectory("procpool-");
    }
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

  /** The pool's private directory (socket, argfile, maybe result logs). */
  Path dir() {
    return dir;
  }

  /** Where workers connect: {@code unix:<path>} or {@code tcp:<port>}. */
  String address() {
    return address;
  }

  /** The secret a worker proves it was started by this pool with. */
  String token() {
    return token;
  }

  /** Starts the acceptor thread. */
  void startAccepting() {
    Thread acceptor = new Thread(this::acceptLoop, ctx.poolName + "-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
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
        LOG.warn("{}: dropped a connection that failed the handshake: {}", ctx.poolName, e.toString());
        try {
          ch.close();
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }

  private void handshake(SocketChannel ch) throws IOException {
    FrameChannel io = new FrameChannel(ch);
    ScheduledFuture<?> guard = ctx.scheduler.schedule(io::close, 10, TimeUnit.SECONDS);
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
    WorkerHandle w = workers.claimConnecting(id);
    if (w == null) {
      throw new IOException("unknown worker id " + id);
    }
    logs.delete(w.resultLogFile); // the worker mapped it before connecting; both mappings outlive the name
    Buf init = new Buf(64 + initializer.length).writeInt(ctx.settings.maxTasksPerChild)
        .writeLong(ctx.settings.maxMemoryPerChild).writeBytes(initializer);
    io.write(Protocol.INIT, init.array(), init.size());
    w.io = io;
    PoolWorkers.Role role = workers.attach(w);
    if (role == PoolWorkers.Role.NONE) {
      io.close();
      w.connected.completeExceptionally(new WorkerStartException("the pool is terminated", null));
      return;
    }
    startReader.accept(w);
    if (role == PoolWorkers.Role.WORKER) {
      activate.accept(w); // a spare waits: it is activated when it takes a worker's place
    }
    w.connectedAtNanos = System.nanoTime();
    ctx.stats.workersStarted.increment();
    if (w.connected.complete(io)) {
      workers.startSucceeded();
      LOG.debug("{}: {} connected in {} ms", ctx.poolName, w.label(), (System.nanoTime() - w.launchedAtNanos) / 1_000_000);
    }
  }

  /** Closes the socket: no more connections. */
  void close() {
    if (server != null) {
      try {
        server.close();
      } catch (IOException ignored) {
        // best effort
      }
    }
  }

  /** Deletes the pool's directory and what is left in it. */
  void deleteDirectory() {
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
  }
}
