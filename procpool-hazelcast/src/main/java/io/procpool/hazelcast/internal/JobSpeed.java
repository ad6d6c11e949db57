package io.procpool.hazelcast.internal;

import io.procpool.internal.wire.EncodedFunction;

/**
 * A job as the cluster backend prepared it: its encoded function, and how long its batches take
 * on the agents so far. Only a job whose batches are known to be short is sent several batches per
 * call and many batches ahead: a slow task then never holds back the batches of its call, and a
 * slow job never piles its batches on one agent while another could run them. Fields are
 * written by the results thread and read by the dispatch thread (volatile; a stale read only
 * delays the switch).
 */
final class JobSpeed {
  /** A batch shorter than this is short: the network, not the work, bounds the job. */
  static final long SHORT_NANOS = 1_000_000;
  /** Work an agent may hold per worker for a short job: enough to cover a few Hazelcast round trips. */
  static final long AHEAD_NANOS = 8_000_000L;
  /** Most batches an agent may hold per worker. */
  static final int MAX_PER_WORKER = 512;
  final EncodedFunction function;
  private volatile double nanosPerBatch = -1;
  private volatile int answers;

  JobSpeed(EncodedFunction function) {
    this.function = function;
  }

  /** Folds in one batch's run time, as its worker measured it (the network is not the job's). */
  void observe(long batchNanos) {
    double old = nanosPerBatch;
    nanosPerBatch = old < 0 ? batchNanos : 0.7 * old + 0.3 * batchNanos;
    answers++;
  }

  /** Whether this job's batches are known to be short (at least two answers say so). */
  boolean isShort() {
    return answers >= 2 && nanosPerBatch < SHORT_NANOS;
  }

  /**
   * Batches an agent may hold per worker for this job: 2 (one running, one on its way) until its
   * batches are known to be short, then as many as make {@link #AHEAD_NANOS} of work (at least 2, at most {@value #MAX_PER_WORKER}).
   */
  int perWorker() {
    if (!isShort()) {
      return 2;
    }
    double per = Math.max(nanosPerBatch, 1);
    return (int) Math.max(2, Math.min(MAX_PER_WORKER, AHEAD_NANOS / per));
  }
}
