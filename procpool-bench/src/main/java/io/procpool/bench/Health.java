package io.procpool.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The machine-health figures of the Python reference, measured the same way: the share of the CPUs
 * that other programs use while we sleep ({@code /proc/stat}), the load average, and the parallel
 * capacity (P plain workers each running the CPU kernel for ~0.2 s at once, versus one alone).
 */
public final class Health {
  private Health() {}

  /** Per cent of all CPUs busy during {@code seconds} while this program sleeps; null if unknown. */
  public static Double cpuBusyPct(double seconds) {
    try {
      long[] a = snap();
      Thread.sleep((long) (seconds * 1000));
      long[] b = snap();
      long total = Math.max(1, b[0] - a[0]);
      return Stats.round(100.0 * (1 - (double) (b[1] - a[1]) / total), 1);
    } catch (IOException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static long[] snap() throws IOException {
    String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
    String[] f = first.trim().split("\\s+");
    long total = 0;
    for (int i = 1; i <= 8 && i < f.length; i++) {
      total += Long.parseLong(f[i]);
    }
    long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
    return new long[] {total, idle};
  }

  /** The 1, 5 and 15 minute load averages, or null. */
  public static List<Double> loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      List<Double> out = new ArrayList<>(3);
      for (int i = 0; i < 3; i++) {
        out.add(Stats.round(Double.parseDouble(f[i]), 2));
      }
      return out;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Raw CPU capacity, no pool involved: P = available processors plain threads each run the kernel
   * for ~{@code workSeconds} at the same time; capacity = P * (time of one run alone) / (wall time
   * of the P concurrent runs). About P on a quiet machine. Threads instead of the Python script's
   * forked processes: the figure measures the same thing (cores actually available), and the
   * kernel is JIT-compiled first.
   */
  public static ObjectNode parallelCapacity(double workSeconds, int trials) {
    int procs = Runtime.getRuntime().availableProcessors();
    // JIT warm-up of the kernel, then calibrate n to workSeconds.
    long end = System.nanoTime() + 300_000_000L;
    long sink = 0;
    while (System.nanoTime() < end) {
      sink += Work.cpuWorkRaw(200_000);
    }
    long probe = 1_000_000;
    double t = Double.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      t = Math.min(t, timeCall(probe));
    }
    final long n = Math.max(1000, (long) (probe * workSeconds / t));
    double[] caps = new double[trials];
    for (int k = 0; k < trials; k++) {
      double single = timeCall(n);
      Thread[] ts = new Thread[procs];
      CountDownLatch go = new CountDownLatch(1);
      long[] results = new long[procs];
      for (int i = 0; i < procs; i++) {
        final int idx = i;
        ts[i] =
            new Thread(
                () -> {
                  try {
                    go.await();
                  } catch (InterruptedException e) {
                    return;
                  }
                  results[idx] = Work.cpuWorkRaw(n);
                },
                "bench-capacity-" + i);
        ts[i].start();
      }
      long t0 = System.nanoTime();
      go.countDown();
      for (Thread th : ts) {
        try {
          th.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      double pair = (System.nanoTime() - t0) / 1e9;
      single = (single + timeCall(n)) / 2;
      caps[k] = procs * single / pair;
      sink += results[0];
    }
    if (sink == 42) {
      System.err.print("");
    }
    return JsonLines.obj()
        .put("median", Stats.round(Stats.median(caps), 3))
        .putPOJO("samples", Stats.rounded(caps, 3))
        .put("processes", procs)
        .put("work_s", workSeconds)
        .put("probe", "threads");
  }

  private static double timeCall(long n) {
    long t0 = System.nanoTime();
    long r = Work.cpuWorkRaw(n);
    double dt = (System.nanoTime() - t0) / 1e9;
    if (r == 42) {
      System.err.print("");
    }
    return dt;
  }
}
