package io.procpool.internal.process;

import io.procpool.WorkerStartException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the pool's spare workers ({@code spares(n)}): JVMs started and initialised but given no
 * batches, one of which takes a worker's place at once when it crashes, is killed or retires, and
 * is then replaced by a new spare in the background. Runs on the {@code <pool>-supervisor} thread
 * only (so spares are never launched by two threads at once); no lock of its own (which worker is
 * what is decided in {@link PoolWorkers}).
 */
final class Spares {
  private static final Logger LOG = LoggerFactory.getLogger(Spares.class);

  private final PoolContext ctx;
  private final PoolWorkers workers;
  private final WorkerLauncher launcher;
  /** Makes an attached worker take batches (see {@link WorkerServer}). */
  private final Consumer<WorkerHandle> activate;
  private final int wanted;
  /** Spares that failed to start in a row; supervisor thread only. */
  private int failuresInARow;

  Spares(PoolContext ctx, PoolWorkers workers, WorkerLauncher launcher, Consumer<WorkerHandle> activate) {
    this.ctx = ctx;
    this.workers = workers;
    this.launcher = launcher;
    this.activate = activate;
    this.wanted = ctx.settings.spares;
  }

  /** Starts the first spares in the background, once the pool's workers are up (any thread). */
  void start() {
    if (wanted > 0) {
      ctx.supervisor.execute(this::refill);
    }
  }

  /**
   * Puts a spare in the place of a worker that left (supervisor thread): a connected one starts
   * taking batches now, one still starting will when it connects. Returns what was promoted, or
   * null if there is no spare (the caller starts a worker the usual way). Either way the spares are
   * topped up.
   */
  PoolWorkers.Promotion takeOver() {
    if (wanted == 0) {
      return null;
    }
    PoolWorkers.Promotion p = workers.promoteSpare();
    if (p != null && p.connected) {
      activate.accept(p.spare);
      LOG.debug("{}: spare {} took over", ctx.poolName, p.spare.label());
    }
    refill();
    return p;
  }

  /** A spare exited before it took over (supervisor thread): start another. */
  void spareExited(WorkerHandle w, int code) {
    LOG.warn("{}: spare {} exited with code {} before it was needed; starting another", ctx.poolName, w.label(), code);
    refill();
  }

  /** Launches spares until {@code wanted} are connected or starting (supervisor thread). */
  void refill() {
    if (failuresInARow >= FailurePolicy.MAX_CONSECUTIVE_START_FAILURES) {
      return; // given up; logged once
    }
    for (int n = workers.spareCount(); n < wanted; n++) {
      WorkerHandle w;
      try {
        w = launcher.launch(true);
      } catch (WorkerStartException e) {
        if (!workers.stopping()) {
          startFailed(e);
        }
        return;
      }
      w.connected.whenCompleteAsync(
          (io, error) -> {
            if (error == null) {
              failuresInARow = 0;
            } else if (!workers.stopping()) {
              startFailed(error);
            }
          },
          ctx.supervisor);
    }
  }

  private void startFailed(Throwable e) {
    failuresInARow++;
    if (failuresInARow >= FailurePolicy.MAX_CONSECUTIVE_START_FAILURES) {
      LOG.error("{}: {} spare workers in a row failed to start; the pool goes on without spares. Last error: {}",
          ctx.poolName, failuresInARow, e.getMessage());
      return;
    }
    LOG.warn("{}: a spare worker failed to start ({}); trying again", ctx.poolName, e.getMessage());
    refill();
  }
}
