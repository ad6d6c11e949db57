package io.procpool.internal.process;

import io.procpool.internal.Dispatcher;
import io.procpool.internal.Stats;
import io.procpool.internal.wire.BatchCodec;
import io.procpool.internal.wire.WireCodec;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every part of one process pool shares, fixed when the pool starts: its settings and name,
 * the dispatcher batches come from, the statistics, the codec, and its two service threads ({@code
 * <pool>-supervisor} handles worker exits one at a time, {@code <pool>-scheduler} runs timers).
 * Immutable; read by every thread of the pool.
 */
final class PoolContext {
  final ProcessBackend.Settings settings;
  final String poolName;
  final Dispatcher dispatcher;
  final Stats stats;
  final WireCodec codec;
  final BatchCodec messages;
  final ExecutorService supervisor;
  final ScheduledExecutorService scheduler;

  PoolContext(ProcessBackend.Settings settings, String poolName, Dispatcher dispatcher, Stats stats, WireCodec codec,
      ExecutorService supervisor, ScheduledExecutorService scheduler) {
    this.settings = settings;
    this.poolName = poolName;
    this.dispatcher = dispatcher;
    this.stats = stats;
    this.codec = codec;
    this.messages = new BatchCodec(codec);
    this.supervisor = supervisor;
    this.scheduler = scheduler;
  }

  /** Whether a worker that was sent {@code itemsSent} items has had its share ({@code maxTasksPerChild}). */
  boolean retiring(int itemsSent) {
    return settings.maxTasksPerChild > 0 && itemsSent >= settings.maxTasksPerChild;
  }
}
