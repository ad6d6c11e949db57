package io.procpool.internal.process;

import io.procpool.internal.Batch;
import io.procpool.internal.wire.FrameChannel;
import io.procpool.internal.wire.ResultLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The pool's side of one worker JVM: its process, connection, output pumps, and the batches it
 * holds. The fields under "guarded by this" are read and written under this object's monitor, and
 * no I/O happens while it is held.
 */
final class WorkerHandle {
  /** The smallest window: one batch running, one waiting in the worker. */
  static final int MIN_WINDOW = 2;
  /** The largest window, for batches that take microseconds. */
  static final int MAX_WINDOW = 64;
  /** How much work (by the recent average) the window aims to keep queued in a worker. */
  static final long QUEUED_WORK_NANOS = 2_000_000;

  final int id;
  final Process process;
  final long pid;
  final OutputPump stdout;
  final OutputPump stderr;
  final CompletableFuture<FrameChannel> connected = new CompletableFuture<>();
  /** Mirror of the worker's function cache; writer thread only. */
  final FunctionMirror functions = new FunctionMirror();
  final long launchedAtNanos = System.nanoTime();
  volatile long connectedAtNanos;

  /** The worker's {@link ResultLog} file (deleted once the worker has mapped it) and the pool's mapping of it; null if none. */
  final java.nio.file.Path resultLogFile;
  final java.nio.ByteBuffer resultLog;

  volatile FrameChannel io;
  /** Completes once the supervisor has handled this worker's exit (set once at launch). */
  volatile CompletableFuture<Void> exitHandled;
  volatile Thread reader;
  volatile Thread writer;

  // guarded by the pool's PoolWorkers
  /** Launched as a spare: on connecting it waits, idle and without batches, until it takes over. */
  boolean spare;
  /** A worker has been started (or a spare promoted) in this one's place: at BYE or at its exit, once. */
  boolean replaced;

  // guarded by this
  final Inflight inflight = new Inflight();
  final Map<Long, Map<Integer, Throwable>> localFailures = new HashMap<>();
  final java.util.Set<Long> timedOut = new java.util.HashSet<>();
  /** Batches asked back (REVOKE sent, no answer yet). */
  final java.util.Set<Long> revoking = new java.util.HashSet<>();
  /** The worker has run its initializer: from now on the oldest batch in flight is running. */
  boolean ready;
  /** When the oldest batch in flight became the one running. */
  long headSinceNanos;
  /** The running batch was taken away (timed out, worker being killed): what is left never started. */
  boolean runningTaken;
  boolean interruptSent;
  long interruptSentNanos;
  boolean dead;
  /** The pool killed the worker for running past the task timeout: its running batch timed out. */
  boolean killedForTimeout;
  /** The batch that ran past the timeout when the pool decided to kill the worker. */
  long timeoutKillBatch = -1;
  boolean leaving;
  String leaveReason;
  String exitNote;
  int itemsSent;
  /**
   * How many batches the worker may hold (running + queued in it). Starts at {@link #MIN_WINDOW};
   * grows while batches are quick, so that round trips overlap, and shrinks for slow ones, so that
   * one worker does not hoard work another could run.
   */
  int window = MIN_WINDOW;
  double avgBatchNanos = -1;
  long tasksDone;
  long busyNanos;

  WorkerHandle(int id, Process process, OutputPump stdout, OutputPump stderr, java.nio.file.Path resultLogFile, java.nio.ByteBuffer resultLog) {
    this.id = id;
    this.resultLogFile = resultLogFile;
    this.resultLog = resultLog;
    this.process = process;
    this.pid = process.pid();
    this.stdout = stdout;
    this.stderr = stderr;
  }

  String label() {
    return "worker-" + id + " (pid " + pid + ")";
  }

  /** The batch the worker is running (the oldest without a result), or null. */
  synchronized Batch running() {
    return ready && !runningTaken && !leaving && !inflight.isEmpty() ? inflight.first() : null;
  }

  /** Marks the worker dead and hands back what it held: [0] the running batch or null, [1..] the rest. */
  synchronized List<Batch> takeAllOnDeath(io.procpool.internal.Dispatcher dispatcher) {
    Batch running = running();
    dead = true;
    idle(false, dispatcher);
    List<Batch> out = new ArrayList<>(inflight.size() + 1);
    out.add(running);
    for (Batch b : inflight) {
      if (b != running) {
        out.add(b);
      }
    }
    inflight.clear();
    localFailures.clear();
    revoking.clear();
    return out;
  }

  /** Whether the worker has nothing to do and takes work (read by the dispatcher without locks). */
  volatile boolean idle;

  /**
   * Keeps {@link #idle} and the dispatcher's count of idle workers in step; call under this
   * object's monitor (lock order: this, then the dispatcher's lock).
   */
  void idle(boolean now, io.procpool.internal.Dispatcher dispatcher) {
    if (idle != now) {
      idle = now;
      dispatcher.idleWorkers(now ? 1 : -1);
    }
  }

  /** Updates the average batch time and the window; call under this object's monitor. */
  void batchDone(long batchNanos) {
    avgBatchNanos = avgBatchNanos < 0 ? batchNanos : 0.7 * avgBatchNanos + 0.3 * batchNanos;
    long fit = (long) (QUEUED_WORK_NANOS / Math.max(avgBatchNanos, 1000.0));
    window = (int) Math.max(MIN_WINDOW, Math.min(MAX_WINDOW, fit));
  }

  /**
   * Picks the youngest batch the worker holds but has not started, for an idle worker to take
   * over, and marks it as being revoked; null if it holds no such batch. Call under this monitor.
   */
  Batch stealable() {
    if (dead || leaving || runningTaken || held() < 2) {
      return null;
    }
    Batch youngest = null;
    for (Batch b : inflight) {
      if (!revoking.contains(b.id())) {
        youngest = b;
      }
    }
    if (youngest == null || youngest == running()) {
      return null;
    }
    revoking.add(youngest.id());
    return youngest;
  }

  /** Batches the worker holds and is not giving back; call under this monitor. */
  int held() {
    return inflight.size() - revoking.size();
  }

  /** Whether the worker holds a batch it has not started (beside the running one, not being given back). */
  synchronized boolean holdsAhead() {
    return !dead && held() >= 2;
  }

  /**
   * Marks the worker idle if it holds nothing and stays (not dead, not retiring); returns whether
   * it went idle now. Call under this monitor.
   */
  boolean idleIfEmpty(boolean retiring, io.procpool.internal.Dispatcher dispatcher) {
    if (idle || dead || retiring || !inflight.isEmpty()) {
      return false;
    }
    idle(true, dispatcher);
    return true;
  }

  synchronized boolean isDead() {
    return dead;
  }

  /** Kills the worker's process and its descendants ({@code forcibly}: SIGKILL, else SIGTERM); thread-safe. */
  void destroy(boolean forcibly) {
    try {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
    } catch (RuntimeException ignored) {
      // best effort
    }
    if (forcibly) {
      process.destroyForcibly();
    } else {
      process.destroy();
    }
  }

  /** The process's exit code, or -1 while it runs. */
  int exitCode() {
    try {
      return process.exitValue();
    } catch (IllegalThreadStateException e) {
      return -1;
    }
  }

  /** How this worker ended ({@link CrashReport}); {@code when} follows the cause. */
  String describeExit(int code, String note, String when) {
    return CrashReport.describe(label(), pid, code, note, when, stderr.lastLines(), stdout.lastLines());
  }

  /** The worker's last stderr and stdout lines, for a message. */
  String lastLines() {
    return CrashReport.lastLines(stderr.lastLines(), stdout.lastLines());
  }

  @Override
  public String toString() {
    return label();
  }
}
