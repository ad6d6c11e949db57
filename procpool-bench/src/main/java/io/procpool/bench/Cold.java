package io.procpool.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procpool.AsyncResult;
import io.procpool.ProcessPool;
import io.procpool.ResultIterator;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The cold column: each throughput scenario as most programs run it, on a fresh pool (build, one
 * call, close), timed from the build to the end of {@code close()} and {@code join()}. Rows match
 * {@code bench/python_cold.py} (the same calls on a fresh {@code multiprocessing.Pool}): records
 * {@code scenario: COLD}, {@code variant} the row, {@code metric: items_per_s}. One untimed
 * repetition first (the benchmark JVM's own class loading), then the timed ones.
 */
final class Cold {
  static final String USAGE = "usage: java -jar procpool-bench.jar --cold [--repeats N] [--processes N] [--quick]";

  private Cold() {}

  /** One cold row: what it runs and on how many items. */
  private interface Call {
    void run(ProcessPool p, List<Long> items) throws Exception;
  }

  private record Row(String variant, int items, Call call) {}

  static int run(String[] argv, PrintStream out) {
    int repeats = 3;
    int procs = 2;
    boolean quick = false;
    for (int i = 0; i < argv.length; i++) {
      switch (argv[i]) {
        case "--repeats": repeats = Integer.parseInt(argv[++i]); break;
        case "--processes": procs = Integer.parseInt(argv[++i]); break;
        case "--quick": quick = true; break;
        default:
          System.err.println("unknown option " + argv[i] + "\n" + USAGE);
          return -1;
      }
    }
    int scale = quick ? 100 : 1;
    JsonLines.print(out, JsonLines.obj().put("scenario", "meta").put("impl", "procpool").put("mode", "cold")
        .put("java_version", System.getProperty("java.version")).put("cpus", Runtime.getRuntime().availableProcessors()));
    List<Row> rows = List.of(
        new Row("S2_map_default_chunksize", 1_000_000 / scale, (p, xs) -> check(p.map(Work::square, xs), xs)),
        new Row("S2_map_chunksize_1", 100_000 / scale, (p, xs) -> check(p.map(Work::square, xs, 1), xs)),
        new Row("S3_imap_chunksize_1", 100_000 / scale, (p, xs) -> drain(p.imap(Work::square, xs, 1), xs)),
        new Row("S3_imap_chunksize_100", 100_000 / scale, (p, xs) -> drain(p.imap(Work::square, xs, 100), xs)),
        new Row("S5_apply_async", 100_000 / scale, (p, xs) -> {
          List<AsyncResult<Long>> rs = new ArrayList<>(xs.size());
          for (Long x : xs) {
            rs.add(p.applyAsync(Work::square, x));
          }
          for (int i = 0; i < rs.size(); i++) {
            Scenarios.check(rs.get(i).get() == (long) i * i, "applyAsync " + i);
          }
        }));
    int failed = 0;
    for (Row row : rows) {
      String variant = row.variant();
      List<Long> items = Scenarios.range(row.items());
      Call call = row.call();
      try {
        double[] rates = new double[repeats];
        double[] ms = new double[repeats];
        for (int r = -1; r < repeats; r++) {
          long t0 = System.nanoTime();
          ProcessPool p = ProcessPool.create(procs);
          try {
            call.run(p, items);
          } finally {
            p.close();
            p.join();
          }
          double dt = (System.nanoTime() - t0) / 1e9;
          if (r >= 0) {
            rates[r] = items.size() / dt;
            ms[r] = dt * 1e3;
          }
        }
        ObjectNode rec = JsonLines.obj().put("scenario", "COLD").put("variant", variant).put("impl", "ProcessPool")
            .put("processes", procs).put("n_items", items.size()).put("metric", "items_per_s");
        rec.setAll(Stats.summary(rates, 1));
        rec.putPOJO("samples", Stats.rounded(rates, 1));
        rec.set("total_ms", Stats.summary(ms, 1));
        rec.put("repeats", repeats);
        JsonLines.print(out, rec);
        System.err.printf("[cold] %s: %.0f items/s (median of %d, %.0f ms)%n", variant, Stats.median(rates), repeats, Stats.median(ms));
      } catch (Exception | AssertionError e) {
        failed++;
        System.err.println("[cold] " + variant + " FAILED: " + e);
      }
    }
    JsonLines.print(out, JsonLines.obj().put("scenario", "meta_end").put("failed", failed));
    return failed;
  }

  private static void check(List<Long> got, List<Long> xs) {
    Scenarios.check(got.size() == xs.size() && got.get(got.size() - 1) == (long) (xs.size() - 1) * (xs.size() - 1), "map");
  }

  private static void drain(ResultIterator<Long> it, List<Long> xs) {
    long n = 0;
    try (it) {
      while (it.hasNext()) {
        Long v = it.next();
        Scenarios.check(v == n * n, "imap item " + n);
        n++;
      }
    }
    Scenarios.check(n == xs.size(), "imap size");
  }
}
