package io.procpool.internal.process;

import io.procpool.internal.Batch;
import io.procpool.internal.BatchResults;
import io.procpool.internal.Failure;
import io.procpool.internal.wire.BatchCodec;
import io.procpool.internal.wire.FrameChannel;
import io.procpool.internal.wire.In;
import io.procpool.internal.wire.Protocol;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of each worker's {@code <pool>-worker-<id>-reader} thread: reads the worker's frames
 * and completes batches from their results ({@link #onResult}, also used by {@link WorkerExits} for
 * the results a dead worker held back), notes READY, BYE, EXITING and REVOKED, and wakes the
 * writer once half the window is free. Takes the worker's monitor for the in-flight bookkeeping;
 * reads a result's header before it, and decodes its values (into the job's results) after it.
 */
final class WorkerReader {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerReader.class);

  private final PoolContext ctx;
  private final Stealing stealing;
  private final Timeouts timeouts;
  private final FailurePolicy policy;
  /** Runs on the supervisor thread when a worker says BYE (it retires: its replacement can start). */
  private final java.util.function.Consumer<WorkerHandle> onRetiring;

  WorkerReader(PoolContext ctx, Stealing stealing, Timeouts timeouts, FailurePolicy policy,
      java.util.function.Consumer<WorkerHandle> onRetiring) {
    this.ctx = ctx;
    this.stealing = stealing;
    this.timeouts = timeouts;
    this.policy = policy;
    this.onRetiring = onRetiring;
  }

  /** Reads {@code w}'s frames until its connection ends (the exit handler takes over from there). */
  void run(WorkerHandle w) {
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
            try {
              ctx.supervisor.execute(() -> onRetiring.accept(w));
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
              // the pool has stopped: nothing to replace
            }
            break;
          case Protocol.REVOKED:
            stealing.revoked(w, f.reader().readLong());
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
      // EOF: the worker exited or was killed; the exit handler handles what it held
    } catch (RuntimeException | Error e) {
      // the reader cannot go on (a result too big for this heap, a bug): without it the worker's
      // batches would never complete, so the worker goes, and its exit fails the running batch
      LOG.error("{}: reading from {} failed; killing the worker so that its tasks end", ctx.poolName, w.label(), e);
      Batch running;
      synchronized (w) {
        running = w.running();
        if (running != null) {
          w.inflight.remove(running.id());
          w.runningTaken = true; // what is left never started: the exit handler requeues it
        }
      }
      w.destroy(true);
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
    Object[] v = ctx.codec.readValues(in);
    Throwable cause = v.length == 1 && v[0] instanceof Failure ? ((Failure) v[0]).cause() : null;
    LOG.warn("{}: the initializer failed in {}; every task it takes fails with this exception", ctx.poolName, w.label(), cause);
  }

  /** Handles a RESULT frame of {@code w}; returns whether it was for a batch still in flight. */
  boolean onResult(WorkerHandle w, FrameChannel.Frame f) throws IOException {
    In values = f.reader();
    BatchCodec.Result r = ctx.messages.readResultHeader(values); // the values are decoded once the batch is known
    Batch b;
    Map<Integer, Throwable> local;
    boolean timedOut;
    boolean askToLeave;
    synchronized (w) {
      b = w.inflight.remove(r.batchId);
      local = w.localFailures.isEmpty() ? null : w.localFailures.remove(r.batchId);
      timedOut = !w.timedOut.isEmpty() && w.timedOut.remove(r.batchId) && timeouts.confirmed(r.interrupted, r.batchNanos);
      if (!w.revoking.isEmpty()) {
        w.revoking.remove(r.batchId); // asked back too late: it ran
      }
      w.headSinceNanos = System.nanoTime();
      w.interruptSent = false;
      w.busyNanos += r.batchNanos;
      if (b != null) {
        w.tasksDone += b.size();
      }
      w.batchDone(r.batchNanos);
      boolean retiring = ctx.retiring(w.itemsSent);
      w.idleIfEmpty(retiring, ctx.dispatcher);
      // the pool sends a worker no more once it has had its share; a worker counts items, so when
      // an item stands for several tasks (a relayed cluster batch) it has not reached its own
      // limit: ask it to leave rather than let it wait for batches that never come
      askToLeave = retiring && w.inflight.isEmpty() && !w.leaving && !w.dead;
      if (w.inflight.size() <= w.window / 2) {
        // the writer refills once half the window is free: one wake-up and one socket write
        // for several batches instead of one of each per result (chunksize 1)
        w.notifyAll();
      }
    }
    if (askToLeave) {
      try {
        w.io.write(Protocol.SHUTDOWN); // it says BYE and exits; its replacement starts then
      } catch (IOException e) {
        // already leaving or gone: its exit is handled as usual
      }
    }
    if (w.idle && ctx.dispatcher.queued() == 0) {
      stealing.stealFor(w);
    }
    if (b == null) {
      return false; // already failed (timeout), terminated, or seen before (a result log after a crash)
    }
    ctx.stats.taskTimed(b.job(), b.start() + r.slowestIndex, r.slowestNanos, w.id);
    if (timedOut) {
      policy.retryOrFail(b, timeouts.exception(), w);
      return true;
    }
    BatchResults.complete(b, ctx.messages, values, local); // straight into the job's results; a no-op if another copy won
    return true;
  }
}
