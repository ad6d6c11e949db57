package io.procpool.internal.process;

import io.procpool.internal.wire.Protocol;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a pool's workers and cleans up after them: {@link #shutdown} (SHUTDOWN to each worker,
 * bounded waits, then kills), {@link #kill} (SIGTERM, then SIGKILL), and the cleanup both end with
 * (socket, result logs, directory, service threads). Every wait is bounded. Called by the thread
 * that closes or terminates the pool; no lock of its own (it marks the pool stopping in {@link
 * PoolWorkers} first, so that no worker is launched or attached afterwards).
 */
final class PoolStopper {
  private static final Logger LOG = LoggerFactory.getLogger(PoolStopper.class);

  private final PoolContext ctx;
  private final PoolWorkers workers;
  private final WorkerServer server;
  private final ResultLogFiles logs;
  private final CompletableFuture<Void> cleaned = new CompletableFuture<>();

  PoolStopper(PoolContext ctx, PoolWorkers workers, WorkerServer server, ResultLogFiles logs) {
    this.ctx = ctx;
    this.workers = workers;
    this.server = server;
    this.logs = logs;
  }

  /** Lets every worker leave after what it holds, kills those that do not within 10 s, then cleans up. */
  void shutdown() {
    if (!workers.beginShutdown()) {
      awaitCleanup();
      return;
    }
    List<WorkerHandle> snapshot = workers.attached();
    snapshot.addAll(workers.spares());
    List<WorkerHandle> starting = workers.connecting();
    // let a worker exit that the supervisor is handling right now finish: it may be launching a
    // replacement, which the flag now stops; then look again at what is starting
    awaitSupervisor(5);
    for (WorkerHandle w : workers.connecting()) {
      if (!starting.contains(w)) {
        starting.add(w);
      }
    }
    for (WorkerHandle w : starting) {
      w.destroy(true); // a replacement still starting has nothing to finish
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
        LOG.warn("{}: {} did not exit within 10 s of SHUTDOWN; killing it", ctx.poolName, w.label());
        w.destroy(true);
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

  /** Kills every worker (SIGTERM, then SIGKILL after 500 ms), waits (bounded) and cleans up. */
  void kill() {
    workers.beginKill();
    List<WorkerHandle> snapshot = workers.all();
    for (WorkerHandle w : snapshot) {
      w.destroy(false);
    }
    awaitSupervisor(1); // a replacement being launched now sees the flag and is destroyed
    for (WorkerHandle w : workers.connecting()) {
      if (!snapshot.contains(w)) {
        snapshot.add(w);
        w.destroy(true);
      }
    }
    awaitExit(snapshot, TimeUnit.MILLISECONDS.toNanos(500));
    for (WorkerHandle w : snapshot) {
      if (w.process.isAlive()) {
        w.destroy(true);
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

  /** Waits (bounded) until the supervisor has handled what was submitted to it before this call. */
  private void awaitSupervisor(int seconds) {
    try {
      ctx.supervisor.submit(() -> { }).get(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
      // bounded: go on stopping what we know of
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

  private void cleanup() {
    if (cleaned.isDone()) {
      return;
    }
    server.close();
    logs.deleteAll();
    server.deleteDirectory();
    ctx.scheduler.shutdownNow();
    ctx.supervisor.shutdown();
    ExitHook.unregister(workers);
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
}
