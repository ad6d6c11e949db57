package io.procpool.cli;

/** The demo's CPU-bound task: a loop of floating-point work whose length is set by a count. */
final class CpuWork {
  private CpuWork() {}

  /**
   * Burns CPU for {@code iterations} steps.
   *
   * @param iterations how many steps
   * @return a value that depends on every step (so the JIT cannot drop the loop)
   */
  static double spin(long iterations) {
    double x = 0;
    for (long i = 1; i <= iterations; i++) {
      x += Math.sqrt(i) / (1 + (x % 7));
    }
    return x;
  }

  /**
   * Finds how many iterations take about {@code millis} milliseconds on this machine, after a
   * short warm-up.
   *
   * @param millis the wanted duration of one task
   * @return the iteration count
   */
  static long calibrate(double millis) {
    long n = 10_000;
    spin(n);
    long elapsed;
    while (true) {
      long t0 = System.nanoTime();
      spin(n);
      elapsed = System.nanoTime() - t0;
      if (elapsed > 20_000_000L) {
        break;
      }
      n *= 2;
    }
    return Math.max(1, (long) (n * (millis * 1_000_000.0) / elapsed));
  }
}
