package io.procpool.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A short busy wait before a caller blocks on a result. Waking a parked thread costs 15-50 us on a
 * virtual machine whose idle CPU has halted; a quick task's whole round trip to a worker is about as
 * long, so a caller that spins for {@link #NANOS} (120 us by default) instead of parking at once sees such results about
 * twice as fast (BENCHMARKS.md, S4). To keep spinning from taking CPU from the pool's own threads,
 * at most one thread spins at a time, and only on machines with at least two processors.
 *
 * <p>{@code -Dprocpool.spinMicros=N} sets the spin (default 120 us); 0 turns it off. Thread-safe.
 */
final class Spin {
  static final long NANOS = spinNanos();
  private static final AtomicInteger SPINNING = new AtomicInteger();

  private Spin() {}

  private static long spinNanos() {
    if (Runtime.getRuntime().availableProcessors() < 2) {
      return 0;
    }
    long micros = Long.getLong("procpool.spinMicros", 120);
    return Math.max(0, Math.min(micros, 10_000)) * 1000;
  }

  /** Spins until {@code done} says true, for at most {@code min(NANOS, limitNanos)}. */
  static void until(BooleanSupplier done, long limitNanos) {
    long nanos = Math.min(NANOS, limitNanos);
    if (nanos <= 0 || done.getAsBoolean() || !SPINNING.compareAndSet(0, 1)) {
      return;
    }
    try {
      long end = System.nanoTime() + nanos;
      while (!done.getAsBoolean() && System.nanoTime() - end < 0) {
        Thread.onSpinWait();
      }
    } finally {
      SPINNING.set(0);
    }
  }
}
