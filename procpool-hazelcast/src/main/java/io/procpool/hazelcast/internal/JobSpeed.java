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

  /** Batches an agent may hold per worker for this job: 2 (one running, one on its way), 64 once they are short. */
  int perWorker() {
    return isShort() ? 64 : 2;
  }
}
