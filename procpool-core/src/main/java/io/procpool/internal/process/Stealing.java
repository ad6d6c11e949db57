package io.procpool.internal.process;

import io.procpool.internal.Batch;
import io.procpool.internal.wire.Buf;
import io.procpool.internal.wire.Protocol;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work stealing: when a worker is idle and nothing is queued, the busiest other worker is asked
 * (REVOKE) to give back the youngest batch it holds but has not started, and a batch given back
 * (REVOKED) is requeued. Without it, a batch prefetched behind a long task would wait while a
 * worker is idle. Runs on the readers' threads; takes one worker's monitor at a time, never during I/O.
 */
final class Stealing {
  private static final Logger LOG = LoggerFactory.getLogger(Stealing.class);

  private final PoolContext ctx;
  private final PoolWorkers workers;

  Stealing(PoolContext ctx, PoolWorkers workers) {
    this.ctx = ctx;
    this.workers = workers;
  }

  /** {@code idle} has nothing to do and nothing is queued: asks the busiest other worker for a batch. */
  void stealFor(WorkerHandle idle) {
    WorkerHandle victim = null;
    int most = 1;
    for (WorkerHandle w : workers.attached()) {
      if (w == idle) {
        continue;
      }
      synchronized (w) {
        int held = w.held();
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
      LOG.trace("{}: {} is idle; nothing to take from {}", ctx.poolName, idle.label(), victim.label());
      return;
    }
    LOG.trace("{}: {} is idle; asking {} to give back {}", ctx.poolName, idle.label(), victim.label(), batch);
    try {
      Buf b = new Buf(8).writeLong(batch.id());
      victim.io.write(Protocol.REVOKE, b.array(), b.size());
    } catch (IOException e) {
      // the victim is dying: its batches are requeued when its exit is handled
    }
  }

  /** Worker {@code w} gave back batch {@code id} (it had not started it): it goes back to the queue. */
  void revoked(WorkerHandle w, long id) {
    Batch b;
    boolean nowIdle;
    synchronized (w) {
      w.revoking.remove(id);
      b = w.inflight.remove(id);
      if (b != null) {
        w.itemsSent -= b.tasks();
        w.localFailures.remove(id);
        w.notifyAll();
      }
      // the batch given back was the last it held (its running one ended first): it is idle now,
      // else it would count as busy with nothing to do and only prefetch
      nowIdle = w.idleIfEmpty(ctx.retiring(w.itemsSent), ctx.dispatcher);
    }
    LOG.trace("{}: {} gave back batch {} ({})", ctx.poolName, w.label(), id, b == null ? "unknown" : "requeued");
    if (b != null) {
      ctx.dispatcher.requeue(b);
    } else if (nowIdle && ctx.dispatcher.queued() == 0) {
      stealFor(w);
    }
  }

  /**
   * A busy worker took batches ahead while another worker is idle (they raced for the queue): each
   * idle worker asks for one of them back, as it would after a result. Writer threads.
   */
  void rebalance() {
    if (ctx.dispatcher.queued() != 0) {
      return;
    }
    for (WorkerHandle w : workers.attached()) {
      boolean idle;
      synchronized (w) {
        idle = w.idle && !w.dead;
      }
      if (idle) {
        stealFor(w);
      }
    }
  }
}
