package io.procpool.internal.process;

import io.procpool.WorkerStartException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The workers of one pool and whether it is stopping: ids being launched, workers launched but not
 * connected, workers attached, spares (connected, waiting to take over), and the count of
 * replacements that failed to start in a row. Called
 * by the thread that starts the pool, the acceptor, the supervisor, the scheduler, the readers
 * (stealing), stop, and the JVM's exit hook. Every method takes this object's monitor (lock order:
 * this before a {@link WorkerHandle}'s monitor) and does no I/O under it.
 */
final class PoolWorkers {
  private final List<WorkerHandle> attached = new ArrayList<>();
  /** Spares that have connected and run their initializer's INIT, in the order they connected. */
  private final List<WorkerHandle> spares = new ArrayList<>();
  private final Map<Integer, WorkerHandle> connecting = new HashMap<>();
  /** Worker ids whose process is being started (not yet in {@code connecting}). */
  private final Set<Integer> launching = new HashSet<>();
  private int nextWorkerId;
  private boolean shuttingDown;
  private boolean killed;
  private int startFailuresInARow;
  private WorkerStartException broken;

  /**
   * Reserves the id of a worker about to be launched.
   *
   * @throws WorkerStartException if the pool is stopping
   */
  synchronized int reserveId() {
    if (killed || shuttingDown) {
      throw new WorkerStartException("the pool is stopping", null);
    }
    int id = ++nextWorkerId;
    launching.add(id); // a worker may connect before its launch returns: the handshake waits for it
    return id;
  }

  /** The process of worker {@code id} could not be started. */
  synchronized void launchFailed(int id) {
    launching.remove(id);
    notifyAll();
  }

  /**
   * Worker {@code w}'s process runs ({@code spare}: launched as a spare); returns false (and does
   * not keep it) if the pool began to stop meanwhile.
   */
  synchronized boolean launched(WorkerHandle w, boolean spare) {
    boolean stopping = killed || shuttingDown;
    if (!stopping) {
      w.spare = spare;
      connecting.put(w.id, w);
    }
    launching.remove(w.id);
    notifyAll();
    return !stopping;
  }

  /**
   * Takes worker {@code id} out of the connecting set for its handshake, waiting (bounded) while
   * its launcher has not registered it yet; null if it is unknown.
   */
  synchronized WorkerHandle claimConnecting(int id) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (launching.contains(id) && System.nanoTime() < deadline) {
      try {
        wait(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return connecting.remove(id);
  }

  /** Forgets a worker that exited before it connected. */
  synchronized void forgetConnecting(int id) {
    connecting.remove(id);
  }

  /** What a worker is to the pool: one that takes batches, a spare waiting to take over, or neither. */
  enum Role {
    WORKER,
    SPARE,
    NONE
  }

  /**
   * Attaches a worker that completed its handshake, as a worker or (if it was launched as one and
   * has not been promoted meanwhile) as a spare; {@link Role#NONE} if the pool is stopping or the
   * worker died.
   */
  synchronized Role attach(WorkerHandle w) {
    if (killed || shuttingDown || w.isDead()) {
      return Role.NONE;
    }
    if (w.spare) {
      spares.add(w);
      return Role.SPARE;
    }
    attached.add(w);
    return Role.WORKER;
  }

  /** Detaches a worker that exited; returns what it was. */
  synchronized Role detach(WorkerHandle w) {
    if (attached.remove(w)) {
      return Role.WORKER;
    }
    return spares.remove(w) ? Role.SPARE : Role.NONE;
  }

  /**
   * Marks that a replacement is being arranged for worker {@code w}; false if one already was (a
   * retiring worker is replaced when it says BYE, not again when it exits) or the pool is stopping.
   */
  synchronized boolean arrangeReplacement(WorkerHandle w) {
    if (w.replaced || killed || shuttingDown) {
      return false;
    }
    w.replaced = true;
    return true;
  }

  /** What {@link #promoteSpare} found: a spare now in a worker's place, connected or still starting. */
  static final class Promotion {
    final WorkerHandle spare;
    /**
     * The spare had connected: it is attached now and the caller makes it take batches. Else it
     * attaches as a worker when it connects (and the caller watches that it does).
     */
    final boolean connected;

    private Promotion(WorkerHandle spare, boolean connected) {
      this.spare = spare;
      this.connected = connected;
    }
  }

  /**
   * Promotes a spare to a worker in place of one that left: a connected spare if there is one,
   * else one still starting; null if there is no spare or the pool is stopping.
   */
  synchronized Promotion promoteSpare() {
    if (killed || shuttingDown) {
      return null;
    }
    while (!spares.isEmpty()) {
      WorkerHandle s = spares.remove(0);
      if (!s.isDead()) {
        s.spare = false;
        attached.add(s);
        return new Promotion(s, true);
      }
    }
    for (WorkerHandle c : connecting.values()) {
      if (c.spare) {
        c.spare = false;
        return new Promotion(c, false);
      }
    }
    return null;
  }

  /** Spares connected or starting (not counting those being launched right now). */
  synchronized int spareCount() {
    int n = spares.size();
    for (WorkerHandle c : connecting.values()) {
      if (c.spare) {
        n++;
      }
    }
    return n;
  }

  /** A snapshot of the connected spares. */
  synchronized List<WorkerHandle> spares() {
    return new ArrayList<>(spares);
  }

  /** Process ids of the connected spares. */
  synchronized List<Long> sparePids() {
    List<Long> pids = new ArrayList<>(spares.size());
    for (WorkerHandle w : spares) {
      pids.add(w.pid);
    }
    return pids;
  }

  synchronized boolean stopping() {
    return shuttingDown || killed;
  }

  /** A snapshot of the attached workers. */
  synchronized List<WorkerHandle> attached() {
    return new ArrayList<>(attached);
  }

  /** A snapshot of the workers not yet connected. */
  synchronized List<WorkerHandle> connecting() {
    return new ArrayList<>(connecting.values());
  }

  /** A snapshot of every worker: attached, spares, then connecting. */
  synchronized List<WorkerHandle> all() {
    List<WorkerHandle> all = new ArrayList<>(attached);
    all.addAll(spares);
    all.addAll(connecting.values());
    return all;
  }

  /** Process ids of the attached workers. */
  synchronized List<Long> pids() {
    List<Long> pids = new ArrayList<>(attached.size());
    for (WorkerHandle w : attached) {
      pids.add(w.pid);
    }
    return pids;
  }

  /** Marks the pool as shutting down; false if it already was (or was killed). From here on no worker is launched or attached. */
  synchronized boolean beginShutdown() {
    if (shuttingDown || killed) {
      return false;
    }
    shuttingDown = true;
    return true;
  }

  /** Marks the pool as killed (and shutting down). */
  synchronized void beginKill() {
    killed = true;
    shuttingDown = true;
  }

  /** A worker connected: the run of start failures ends. */
  synchronized void startSucceeded() {
    startFailuresInARow = 0;
    broken = null;
  }

  /** The count of start failures in a row and the workers left, after one more failure. */
  static final class StartFailures {
    final int inARow;
    final int live;

    StartFailures(int inARow, int live) {
      this.inARow = inARow;
      this.live = live;
    }
  }

  /**
   * Counts a replacement that failed to start; once {@code giveUpAfter} failed in a row and no
   * worker is left, the pool is broken with {@code e}. Returns null if the pool is stopping.
   */
  synchronized StartFailures startFailed(WorkerStartException e, int giveUpAfter) {
    if (killed || shuttingDown) {
      return null;
    }
    int failures = ++startFailuresInARow;
    int live = attached.size() + spares.size() + connecting.size();
    if (live == 0 && failures >= giveUpAfter) {
      broken = e;
    }
    return new StartFailures(failures, live);
  }

  /** Why the pool cannot start workers any more, or null. */
  synchronized WorkerStartException broken() {
    return broken;
  }
}
