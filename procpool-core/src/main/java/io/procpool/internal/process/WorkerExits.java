package io.procpool.internal.process;

import io.procpool.WorkerCrashedException;
import io.procpool.WorkerStartException;
import io.procpool.internal.Batch;
import io.procpool.internal.wire.FrameChannel;
import io.procpool.internal.wire.Protocol;
import io.procpool.internal.wire.ResultLog;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when a worker JVM exits, on the {@code <pool>-supervisor} thread, one exit at a
 * time: read what it sent before it died, take the results it held back ({@link ResultLog}), fail
 * or retry the one batch that was running ({@link FailurePolicy}, with a {@link CrashReport} or a
 * timeout), requeue the batches it never started, count and log the exit, and put a spare or a new
 * worker in its place (giving up after repeated start failures); a retiring worker is replaced
 * when it says BYE. Takes the worker's monitor and {@link PoolWorkers}' in turn, never during I/O,
 * process calls or while completing batches.
 */
final class WorkerExits {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerExits.class);
  /** Results taken from dead workers' result logs, by all pools of this JVM (tests read it). */
  static final AtomicLong RESULTS_RECOVERED = new AtomicLong();

  private final PoolContext ctx;
  private final PoolWorkers workers;
  private final ResultLogFiles logs;
  private final WorkerLauncher launcher;
  private final WorkerReader reader;
  private final Timeouts timeouts;
  private final FailurePolicy policy;
  private final Spares spares;

  WorkerExits(PoolContext ctx, PoolWorkers workers, ResultLogFiles logs, WorkerLauncher launcher, WorkerReader reader,
      Timeouts timeouts, FailurePolicy policy, Spares spares) {
    this.ctx = ctx;
    this.workers = workers;
    this.logs = logs;
    this.launcher = launcher;
    this.reader = reader;
    this.timeouts = timeouts;
    this.policy = policy;
    this.spares = spares;
  }

  /** Handles the exit of {@code w}'s process (supervisor thread). */
  void onExit(WorkerHandle w) {
    w.stderr.awaitEnd(500);
    int code = w.exitCode();
    launcher.exited(w, code);
    if (!w.connected.isDone()) {
      workers.forgetConnecting(w.id);
      w.stdout.awaitEnd(500);
      w.connected.completeExceptionally(
          new WorkerStartException(
              w.label() + " exited with code " + code + " before connecting to the pool" + w.lastLines()
                  + "\n(check jvmOptions and the java command; the JVM's own message is above)", null));
    }
    Thread readerThread = w.reader;
    if (readerThread != null) {
      try {
        readerThread.join(2000); // read what the worker sent before it died
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    recoverHeldResults(w);
    logs.delete(w.resultLogFile);
    synchronized (w) {
      if (w.killedForTimeout && !w.inflight.contains(w.timeoutKillBatch)) {
        // the batch the pool killed for ended after all (its result came in the meantime): what
        // is left did not run past the timeout, so it goes to other workers as never started
        w.runningTaken = true;
      }
    }
    List<Batch> held = w.takeAllOnDeath(ctx.dispatcher);
    Thread writer = w.writer;
    if (writer != null) {
      writer.interrupt();
    }
    if (w.io != null) {
      w.io.close();
    }
    PoolWorkers.Role role = workers.detach(w);
    boolean wasAttached = role == PoolWorkers.Role.WORKER;
    boolean stopping = workers.stopping();
    Batch running = held.get(0);
    boolean clean;
    String leaveReason;
    String note;
    boolean timedOut;
    synchronized (w) {
      clean = w.leaving;
      leaveReason = w.leaveReason;
      note = w.exitNote;
      timedOut = running != null && (w.killedForTimeout || w.timedOut.contains(running.id()));
    }
    if (running != null) {
      policy.retryOrFail(running, timedOut ? timeouts.exception()
          : new WorkerCrashedException(w.describeExit(code, note, " while running this task"), w.pid, code), w);
    }
    for (int i = 1; i < held.size(); i++) {
      policy.requeueUnstarted(held.get(i), () -> w.describeExit(code, note, ""), w.pid, code);
    }
    if (wasAttached && !stopping) {
      (clean ? ctx.stats.workersRecycled : ctx.stats.workersCrashed).increment();
      if (clean) {
        LOG.debug("{}: {} retired: {}", ctx.poolName, w.label(), leaveReason);
      } else {
        LOG.warn("{}: {}", ctx.poolName, w.describeExit(code, note, ""));
      }
      if (workers.arrangeReplacement(w)) {
        replace();
      }
    } else if (wasAttached && clean) {
      LOG.debug("{}: {} retired: {}", ctx.poolName, w.label(), leaveReason);
    } else if (role == PoolWorkers.Role.SPARE && !stopping) {
      spares.spareExited(w, code);
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
      w.idle(false, ctx.dispatcher);
    }
    int recovered = 0;
    for (FrameChannel.Frame f : frames) {
      if (f.type != Protocol.RESULT) {
        continue;
      }
      try {
        if (reader.onResult(w, f)) {
          recovered++;
          RESULTS_RECOVERED.incrementAndGet();
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("{}: a result {} held back could not be read: {}", ctx.poolName, w.label(), e.toString());
      }
    }
    LOG.debug("{}: {} results {} held back when it died were recovered", ctx.poolName, recovered, w.label());
  }

  /**
   * A worker said BYE: it leaves after what it ran (maxTasksPerChild, maxMemoryPerChild). Its
   * replacement starts now rather than once its JVM has exited (supervisor thread).
   */
  void onRetiring(WorkerHandle w) {
    if (workers.arrangeReplacement(w)) {
      replace();
    }
  }

  /**
   * Puts a spare or a new worker in place of one that left; a failed start is counted and tried
   * again.
   */
  private void replace() {
    PoolWorkers.Promotion p = spares.takeOver();
    WorkerHandle w;
    if (p != null) {
      if (p.connected) {
        return;
      }
      w = p.spare;
    } else {
      try {
        w = launcher.launch();
        LOG.debug("{}: started {} to replace a worker that left", ctx.poolName, w.label());
      } catch (WorkerStartException e) {
        onStartFailure(e);
        return;
      }
    }
    w.connected.whenCompleteAsync(
        (io, error) -> {
          if (error != null) {
            onStartFailure(error instanceof WorkerStartException
                ? (WorkerStartException) error
                : new WorkerStartException(error.toString(), error));
          }
        },
        ctx.supervisor);
  }

  private void onStartFailure(WorkerStartException e) {
    PoolWorkers.StartFailures f = workers.startFailed(e, FailurePolicy.MAX_CONSECUTIVE_START_FAILURES);
    if (f == null) {
      return; // stopping
    }
    if (!FailurePolicy.givesUpStarting(f.inARow)) {
      LOG.warn("{}: a replacement worker failed to start ({}); trying again", ctx.poolName, e.getMessage());
      replace();
      return;
    }
    LOG.error("{}: {} replacement workers in a row failed to start; {} workers are left. Last error: {}",
        ctx.poolName, f.inARow, f.live, e.getMessage());
    if (f.live == 0) {
      Batch b;
      while ((b = ctx.dispatcher.poll()) != null) {
        b.fail(e);
      }
    }
  }
}
