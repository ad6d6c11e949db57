package io.procpool.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procpool.AsyncResult;
import io.procpool.ProcessPool;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Replacing workers: the two cases issue 13 names for standby workers ({@code spares(n)}), each
 * with and without spares, matching {@code bench/python_recycle.py}. Records {@code scenario:
 * RECYCLE}, {@code variant} the row plus {@code +spares_N}, {@code metric: ms}; every repetition
 * on a fresh pool that is built and warmed (and whose spares are up) before the clock starts:
 * <ul>
 *   <li>{@code map_maxtasksperchild_1}: {@code map} of 40 items, chunk size 1, on 2 workers that
 *       each retire after one task (every item runs on a fresh worker);
 *   <li>{@code crash_then_next_task}: on 1 worker, a task that halts its JVM, then {@code apply}
 *       of another: the time until the second result (the replacement's start and first task).
 * </ul>
 */
final class Recycle {
  static final String USAGE = "usage: java -jar procpool-bench.jar --recycle [--repeats N] [--quick]";
  private static final int MAP_ITEMS = 40;

  private Recycle() {}

  private interface Timed {
    /** Runs the timed part on a warmed pool; returns its milliseconds and, for a crash, when it was reported (else NaN). */
    double[] run(ProcessPool p) throws Exception;
  }

  private record Row(String variant, int processes, boolean recycle, Timed timed) {}

  static int run(String[] argv, PrintStream out) {
    int repeats = 5;
    boolean quick = false;
    for (int i = 0; i < argv.length; i++) {
      switch (argv[i]) {
        case "--repeats": repeats = Integer.parseInt(argv[++i]); break;
        case "--quick": quick = true; break;
        default:
          System.err.println("unknown option " + argv[i] + "\n" + USAGE);
          return -1;
      }
    }
    int items = quick ? 6 : MAP_ITEMS;
    JsonLines.print(out, JsonLines.obj().put("scenario", "meta").put("impl", "procpool").put("mode", "recycle")
        .put("java_version", System.getProperty("java.version")).put("cpus", Runtime.getRuntime().availableProcessors()));
    List<Long> xs = Scenarios.range(items);
    List<Row> rows = List.of(
        new Row("map_maxtasksperchild_1", 2, true, p -> {
          long t0 = System.nanoTime();
          List<Long> got = p.map(Work::square, xs, 1);
          double ms = (System.nanoTime() - t0) / 1e6;
          Scenarios.check(got.size() == xs.size() && got.get(items - 1) == (long) (items - 1) * (items - 1), "map");
          return new double[] {ms, Double.NaN};
        }),
        new Row("crash_then_next_task", 1, false, p -> {
          long t0 = System.nanoTime();
          AsyncResult<Long> crash = p.applyAsync(new Work.SquareOrExit(3), 3L);
          java.util.concurrent.CompletableFuture<Long> reportedAt = crash.toCompletableFuture().handle((v, e) -> System.nanoTime());
          long next = p.apply(Work::square, 7L);
          double ms = (System.nanoTime() - t0) / 1e6;
          Scenarios.check(next == 49L, "apply after a crash");
          long at = reportedAt.get(60, TimeUnit.SECONDS);
          Scenarios.check(!crash.successful(), "the halting task is reported as failed");
          return new double[] {ms, (at - t0) / 1e6};
        }));
    int failed = 0;
    for (Row row : rows) {
      for (int spares : new int[] {0, row.processes()}) {
        String variant = row.variant() + "+spares_" + spares;
        try {
          double[] ms = new double[repeats];
          double[] reported = new double[repeats];
          for (int r = 0; r < repeats; r++) {
            ProcessPool.Builder b = ProcessPool.builder().processes(row.processes()).spares(spares);
            if (row.recycle()) {
              b.maxTasksPerChild(1);
            }
            try (ProcessPool p = b.build()) {
              p.map(Work::square, Scenarios.range(row.processes()), 1); // warm: every worker has run a task
              awaitSpares(p, row.processes(), spares);
              double[] t = row.timed().run(p);
              ms[r] = t[0];
              reported[r] = t[1];
            }
          }
          ObjectNode rec = JsonLines.obj().put("scenario", "RECYCLE").put("variant", variant).put("impl", "ProcessPool")
              .put("processes", row.processes()).put("spares", spares).put("metric", "ms");
          rec.setAll(Stats.summary(ms, 1));
          rec.putPOJO("samples", Stats.rounded(ms, 1));
          if (!Double.isNaN(reported[0])) {
            rec.set("crash_reported_ms", Stats.summary(reported, 1)); // the crashed task's error, before the next result
          }
          rec.put("repeats", repeats);
          JsonLines.print(out, rec);
          System.err.printf("[recycle] %s: %.1f ms (median of %d)%n", variant, Stats.median(ms), repeats);
        } catch (Exception | AssertionError e) {
          failed++;
          System.err.println("[recycle] " + variant + " FAILED: " + e);
        }
      }
    }
    JsonLines.print(out, JsonLines.obj().put("scenario", "meta_end").put("failed", failed));
    return failed;
  }

  /** Waits (at most 60 s) until {@code n} spares and a full set of workers are up. */
  private static void awaitSpares(ProcessPool p, int processes, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (p.sparePids().size() < n || p.workerPids().size() < processes) {
      Scenarios.check(System.nanoTime() < deadline, "spares did not start within 60 s");
      Thread.sleep(5);
    }
  }
}
