package io.procpool.internal;

import io.procpool.PoolStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.LongAdder;

/** A pool's counters, updated by the front end and the backend; thread-safe and cheap on the hot path. */
public final class Stats {
  private static final int SLOWEST = 10;

  final LongAdder completed = new LongAdder();
  final LongAdder failed = new LongAdder();
  public final LongAdder retried = new LongAdder();
  public final LongAdder timedOut = new LongAdder();
  public final LongAdder workersStarted = new LongAdder();
  public final LongAdder workersCrashed = new LongAdder();
  public final LongAdder workersRecycled = new LongAdder();
  private final PriorityQueue<PoolStats.SlowTask> slowest =
      new PriorityQueue<>(Comparator.comparing(PoolStats.SlowTask::duration));
  private volatile long slowThresholdNanos;

  /** Records how long one item ran, keeping the slowest few. */
  public void taskTimed(Job job, int index, long nanos, int workerId) {
    if (nanos <= slowThresholdNanos || index < 0) {
      return;
    }
    synchronized (slowest) {
      slowest.add(new PoolStats.SlowTask(job.id(), job.operation(), index, Duration.ofNanos(nanos), workerId));
      if (slowest.size() > SLOWEST) {
        slowest.poll();
        slowThresholdNanos = slowest.peek().duration().toNanos();
      }
    }
  }

  PoolStats snapshot(List<PoolStats.WorkerStats> workers) {
    List<PoolStats.SlowTask> slow;
    synchronized (slowest) {
      slow = new ArrayList<>(slowest);
    }
    slow.sort(Comparator.comparing(PoolStats.SlowTask::duration).reversed());
    return new PoolStats(
        completed.sum(), failed.sum(), retried.sum(), timedOut.sum(),
        workersStarted.sum(), workersCrashed.sum(), workersRecycled.sum(), workers, slow);
  }
}
