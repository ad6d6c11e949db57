package io.procpool.internal.process;

import io.procpool.TaskTimeoutException;
import io.procpool.internal.Batch;
import io.procpool.internal.wire.Buf;
import io.procpool.internal.wire.Protocol;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces the task timeout: on the {@code <pool>-scheduler} thread, every tick, a worker whose
 * running batch has run past the timeout is sent an INTERRUPT, and killed if it is still running it
 * a grace period later (its exit then fails the batch with a {@link TaskTimeoutException}, see
 * {@link WorkerExits}). Takes each worker's monitor to decide, and sends or kills outside it.
 */
final class Timeouts {
  private static final Logger LOG = LoggerFactory.getLogger(Timeouts.class);

  private final PoolContext ctx;
  private final PoolWorkers workers;

  Timeouts(PoolContext ctx, PoolWorkers workers) {
    this.ctx = ctx;
    this.workers = workers;
  }

  /** Starts the checks if the pool has a task timeout. */
  void start() {
    if (ctx.settings.taskTimeout != null) {
      long tick = Math.max(5, Math.min(100, ctx.settings.taskTimeout.toMillis() / 10));
      ctx.scheduler.scheduleWithFixedDelay(this::check, tick, tick, TimeUnit.MILLISECONDS);
    }
  }

  /** The exception a batch that ran past the timeout fails with. */
  TaskTimeoutException exception() {
    return new TaskTimeoutException(
        "the task ran longer than the task timeout of " + ctx.settings.taskTimeout.toMillis() + " ms",
        ctx.settings.taskTimeout);
  }

  /**
   * Whether a batch the pool's clock declared timed out (which also counts the time a result was
   * held back in the worker) really did: one the interrupt reached did; one that had ended before
   * it did only if the worker's own clock says it ran that long.
   */
  boolean confirmed(boolean interrupted, long batchNanos) {
    return interrupted || ctx.settings.taskTimeout == null || batchNanos >= ctx.settings.taskTimeout.toNanos();
  }

  private void check() {
    long now = System.nanoTime();
    long limit = ctx.settings.taskTimeout.toNanos();
    long grace = ctx.settings.timeoutGrace.toNanos();
    for (WorkerHandle w : workers.attached()) {
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
          // the exit handler fails the running batch with a timeout once it has taken the results
          // the worker held back: only then is it certain which batch was running
          kill = running;
          w.killedForTimeout = true;
          w.timeoutKillBatch = running.id();
          w.idle(false, ctx.dispatcher);
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
            ctx.poolName, w.label(), ctx.settings.taskTimeout.toMillis());
        w.destroy(true);
      }
    }
  }
}
