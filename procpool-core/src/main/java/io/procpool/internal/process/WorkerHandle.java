package io.procpool.internal.process;

import io.procpool.internal.Batch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * The pool's side of one worker JVM: its process, connection, output pumps, and the batches it
 * holds. The fields under "guarded by this" are read and written under this object's monitor, and
 * no I/O happens while it is held.
 */
final class WorkerHandle {
  /** Batches sent ahead to a worker: one running plus this many queued in the worker. */
  static final int PREFETCH = 2;

  final int id;
  final Process process;
  final long pid;
  final OutputPump stdout;
  final OutputPump stderr;
  final CompletableFuture<FrameChannel> connected = new CompletableFuture<>();
  final Semaphore credits = new Semaphore(PREFETCH);
  /** Mirror of the worker's function cache (same capacity, same access order); writer thread only. */
  final Map<Long, Boolean> knownFunctions = WorkerMain.lruMap(WorkerMain.FUNCTION_CACHE);
  final long launchedAtNanos = System.nanoTime();
  volatile long connectedAtNanos;

  volatile FrameChannel io;
  volatile Thread reader;
  volatile Thread writer;

  // guarded by this
  final LinkedHashMap<Long, Batch> inflight = new LinkedHashMap<>();
  final Map<Long, Map<Integer, Throwable>> localFailures = new HashMap<>();
  final java.util.Set<Long> timedOut = new java.util.HashSet<>();
  /** The worker has run its initializer: from now on the oldest batch in flight is running. */
  boolean ready;
  /** When the oldest batch in flight became the one running. */
  long headSinceNanos;
  /** The running batch was taken away (timed out, worker being killed): what is left never started. */
  boolean runningTaken;
  boolean interruptSent;
  long interruptSentNanos;
  boolean dead;
  boolean leaving;
  String leaveReason;
  String exitNote;
  int itemsSent;
  long tasksDone;
  long busyNanos;

  WorkerHandle(int id, Process process, OutputPump stdout, OutputPump stderr) {
    this.id = id;
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
    return ready && !runningTaken && !leaving && !inflight.isEmpty() ? inflight.values().iterator().next() : null;
  }

  /** Marks the worker dead and hands back what it held: [0] the running batch or null, [1..] the rest. */
  synchronized List<Batch> takeAllOnDeath() {
    Batch running = running();
    dead = true;
    List<Batch> out = new ArrayList<>(inflight.size() + 1);
    out.add(running);
    for (Batch b : inflight.values()) {
      if (b != running) {
        out.add(b);
      }
    }
    inflight.clear();
    localFailures.clear();
    return out;
  }

  synchronized boolean isDead() {
    return dead;
  }

  @Override
  public String toString() {
    return label();
  }
}
