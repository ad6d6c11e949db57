package io.procpool.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procpool.AsyncResult;
import io.procpool.Pool;
import io.procpool.ProcessPool;
import io.procpool.ResultIterator;
import io.procpool.SerializableFunction;
import io.procpool.ThreadPool;
import io.procpool.WorkerCrashedException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Scenarios S1-S10 of {@code python_pool_bench.py}, the same work, clocks and statistics:
 * {@link System#nanoTime()} around exactly what the Python script times; the pool is created and
 * warmed before the clock starts (one untimed run of the same operation, a tenth of the items for
 * the long scenarios); input data are built and pools closed outside the clock; every result is
 * checked after the clock stops; then median / min / max over the timed repetitions.
 */
final class Scenarios {
  private static final int MIB = 1 << 20;

  private final Args a;
  private final PrintStream out;
  /** Added to every scenario record (machine-load note), as in the Python script. */
  final ObjectNode context = JsonLines.obj();

  Scenarios(Args a, PrintStream out) {
    this.a = a;
    this.out = out;
  }

  // ------------------------------------------------------------------ helpers

  static void log(String msg) {
    System.err.println("[bench] " + msg);
    System.err.flush();
  }

  void emit(ObjectNode rec) {
    rec.setAll(context);
    JsonLines.print(out, rec);
  }

  /** One timed repetition: does the work, checks it after the clock, returns its measurement. */
  @FunctionalInterface
  interface Once<T> {
    T run() throws Exception;
  }

  /** Timed samples and the untimed warm-up values. */
  static final class Runs<T> {
    final List<T> samples = new ArrayList<>();
    final List<T> warmup = new ArrayList<>();
  }

  static <T> Runs<T> timedRuns(Once<T> fn, int repeats, int warmups, Once<T> warmFn) throws Exception {
    Runs<T> r = new Runs<>();
    for (int i = 0; i < warmups; i++) {
      r.warmup.add((warmFn != null ? warmFn : fn).run());
    }
    for (int i = 0; i < repeats; i++) {
      r.samples.add(fn.run());
    }
    return r;
  }

  static double secondsSince(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError("wrong result: " + what);
    }
  }

  static Pool newPool(String impl, int procs) {
    if (impl.equals(Args.PROCESS)) {
      return ProcessPool.builder().processes(procs).build();
    }
    return ThreadPool.create(procs);
  }

  static String startMethod(String impl) {
    return impl.equals(Args.PROCESS) ? "jvm" : "thread";
  }

  /** The chunk size procpool's map picks by default: Python's ceil(n / (4 * procs)), at most 65,536. */
  static long defaultChunksize(long n, int procs) {
    long per = 4L * procs;
    return Math.min(65_536, (n + per - 1) / per);
  }

  static long warmSize(long n) {
    return Math.max(1, n / 10);
  }

  static List<Long> range(long n) {
    List<Long> xs = new ArrayList<>((int) n);
    for (long i = 0; i < n; i++) {
      xs.add(i);
    }
    return xs;
  }

  static ObjectNode base(String scenario, String variant, String impl, String startMethod, Integer procs, ObjectNode params) {
    ObjectNode rec =
        JsonLines.obj()
            .put("scenario", scenario)
            .put("variant", variant)
            .put("impl", impl)
            .put("start_method", startMethod)
            .put("processes", procs);
    rec.set("params", params);
    return rec;
  }

  static double[] doubles(List<Double> xs) {
    return Stats.toArray(xs);
  }

  /** A throughput record: rate per repetition, plus the raw times. */
  void emitRate(ObjectNode rec, double nItems, Runs<Double> runs, String metric) {
    double[] times = doubles(runs.samples);
    double[] rates = new double[times.length];
    for (int i = 0; i < times.length; i++) {
      rates[i] = nItems / times[i];
    }
    rec.put("metric", metric);
    rec.setAll(Stats.summary(rates, 1));
    rec.set("time_s", Stats.summary(times, 6).putPOJO("samples", Stats.rounded(times, 6)));
    rec.put("repeats", times.length);
    if (!runs.warmup.isEmpty()) {
      rec.putPOJO("warmup_time_s", Stats.rounded(doubles(runs.warmup), 6));
    }
    emit(rec);
  }

  /** Per-repetition p50 / p99 / mean in microseconds, summarised over the repetitions. */
  void emitLatency(ObjectNode rec, List<double[]> runs, int warmRepeats) {
    double[] p50 = new double[runs.size()];
    double[] p99 = new double[runs.size()];
    double[] mean = new double[runs.size()];
    for (int i = 0; i < runs.size(); i++) {
      double[] s = runs.get(i).clone();
      java.util.Arrays.sort(s);
      p50[i] = Stats.percentile(s, 50) * 1e6;
      p99[i] = Stats.percentile(s, 99) * 1e6;
      mean[i] = Stats.mean(s) * 1e6;
    }
    rec.put("metric", "p50_us_per_call");
    rec.setAll(Stats.summary(p50, 2));
    rec.set("p99_us", Stats.summary(p99, 2));
    rec.set("mean_us", Stats.summary(mean, 2));
    rec.put("calls_per_s_from_mean", Stats.round(1e6 / Stats.median(mean), 1));
    rec.put("repeats", runs.size());
    rec.put("warmup_repeats", warmRepeats);
    emit(rec);
  }

  // ------------------------------------------------------------------ S1: pool start-up

  void s1() throws Exception {
    int nRep = a.reps(5);
    List<String> variants = new ArrayList<>(List.of("all_workers_checked_in", "n_trivial_tasks", STARTUP_CACHE, NO_CACHE));
    if (a.s1TaskBarrier) {
      variants.add("task_barrier_probe");
    }
    for (String impl : a.impls) {
      for (int procs : a.procsFor("S1")) {
        for (String variant : variants) {
          if ((variant.equals(STARTUP_CACHE) || variant.equals(NO_CACHE)) && !impl.equals(Args.PROCESS)) {
            continue;
          }
          Once<double[]> once = () -> s1Once(impl, procs, variant);
          Runs<double[]> runs = timedRuns(once, nRep, 1, null);
          double[] ms = new double[nRep];
          double[] shut = new double[nRep];
          Set<Integer> distinct = new TreeSet<>();
          int stuck = (int) runs.warmup.get(0)[3];
          for (int i = 0; i < nRep; i++) {
            ms[i] = runs.samples.get(i)[0];
            shut[i] = runs.samples.get(i)[1];
            distinct.add((int) runs.samples.get(i)[2]);
            stuck += (int) runs.samples.get(i)[3];
          }
          ObjectNode rec = base("S1", variant, impl, startMethod(impl), procs, JsonLines.obj().put("tasks", procs));
          rec.put("metric", "startup_ms");
          rec.setAll(Stats.summary(ms, 2));
          rec.putPOJO("samples", Stats.rounded(ms, 2));
          rec.set("shutdown_ms", Stats.summary(shut, 2));
          rec.putPOJO("distinct_workers_used", new ArrayList<>(distinct));
          rec.put("cold_first_run_ms", Stats.round(runs.warmup.get(0)[0], 2));
          rec.put("repeats", nRep);
          if (variant.equals("all_workers_checked_in")) {
            rec.put("barrier", "loopback socket in the pool's initializer: every worker checks in before "
                + "its first task and waits for all n; then n x applyAsync(whoAmI)");
          } else if (variant.equals("task_barrier_probe")) {
            rec.put("barrier", "loopback socket in each of the n tasks (the README's literal form), "
                + "released after " + S1_PROBE_TIMEOUT_MS + " ms at the latest");
            rec.put("runs_stuck_behind_a_blocked_task", stuck);
            rec.put("runs_total", nRep + 1);
            rec.put("note", "a run is stuck when a worker was handed a second task while its first waited "
                + "on the barrier and another worker had none; its time is then ~ the release timeout");
          }
          if (variant.equals(STARTUP_CACHE)) {
            rec.put("note", "n_trivial_tasks with ProcessPool.builder().startupCache(a fresh temporary directory): "
                + "the warm-up run records the workers' class-data archive (its close is slower, once), the timed "
                + "runs start from it; the default does the same in the user's cache directory");
          } else if (variant.equals(NO_CACHE)) {
            rec.put("note", "n_trivial_tasks with ProcessPool.builder().startupCache(null): no class-data archive");
          }
          emit(rec);
        }
      }
    }
  }

  static final int S1_PROBE_TIMEOUT_MS = 3_000;
  /** The S1 variant with {@code startupCache}: n trivial tasks, workers started from an archive. */
  static final String STARTUP_CACHE = "n_trivial_tasks_startup_cache";
  /** The S1 variant without a startup cache (it is on by default). */
  static final String NO_CACHE = "n_trivial_tasks_no_startup_cache";
  private static java.nio.file.Path startupCacheDir;

  private static synchronized java.nio.file.Path startupCacheDir() throws java.io.IOException {
    if (startupCacheDir == null) {
      startupCacheDir = java.nio.file.Files.createTempDirectory("procpool-bench-cds");
      java.nio.file.Path dir = startupCacheDir;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
          for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files::iterator) {
            java.nio.file.Files.deleteIfExists(f);
          }
          java.nio.file.Files.deleteIfExists(dir);
        } catch (java.io.IOException ignored) {
          // a temporary directory
        }
      }, "bench-cds-cleanup"));
    }
    return startupCacheDir;
  }

  /** One S1 run: {startup ms, shutdown ms, distinct workers, 1 if the task barrier timed out}. */
  private static double[] s1Once(String impl, int procs, String variant) throws Exception {
    boolean initBarrier = variant.equals("all_workers_checked_in");
    boolean taskBarrier = variant.equals("task_barrier_probe");
    LoopbackBarrier b = initBarrier || taskBarrier ? new LoopbackBarrier(procs, taskBarrier ? S1_PROBE_TIMEOUT_MS : 0) : null;
    try {
      Work.BarrierTicket ticket = b != null ? new Work.BarrierTicket(b.port(), 60_000) : null;
      Set<String> ids = new HashSet<>();
      long t0 = System.nanoTime();
      long t1;
      Pool pool;
      if (initBarrier) {
        pool = impl.equals(Args.PROCESS)
            ? ProcessPool.builder().processes(procs).initializer(new Work.BarrierInit(ticket)).build()
            : ThreadPool.builder().processes(procs).initializer(new Work.BarrierInit(ticket)).build();
      } else if (variant.equals(STARTUP_CACHE)) {
        pool = ProcessPool.builder().processes(procs).startupCache(startupCacheDir()).build();
      } else if (variant.equals(NO_CACHE)) {
        pool = ProcessPool.builder().processes(procs).startupCache(null).build();
      } else {
        pool = newPool(impl, procs);
      }
      try (pool) {
        List<AsyncResult<String>> fs = new ArrayList<>(procs);
        for (int i = 0; i < procs; i++) {
          fs.add(taskBarrier ? pool.applyAsync(Work::checkin, ticket) : pool.applyAsync(Work::whoAmI, (Long) null));
        }
        for (AsyncResult<String> f : fs) {
          ids.add(f.get(120, TimeUnit.SECONDS));
        }
        t1 = System.nanoTime();
      }
      long t2 = System.nanoTime();
      if (initBarrier) {
        check(b.released() && !b.timedOut(), "barrier not released");
      }
      return new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6, ids.size(), b != null && b.timedOut() ? 1 : 0};
    } finally {
      if (b != null) {
        b.close();
      }
    }
  }

  // ------------------------------------------------------------------ S2: map throughput

  void s2() throws Exception {
    for (String impl : a.impls) {
      for (int procs : a.procsFor("S2")) {
        try (Pool pool = newPool(impl, procs)) {
          Object[][] variants = {
            {"map_default_chunksize", a.s2N, 0, 5}, {"map_chunksize_1", a.s2NCs1, 1, 3},
          };
          for (Object[] v : variants) {
            String variant = (String) v[0];
            long n = (Long) v[1];
            int cs = (Integer) v[2];
            List<Long> items = range(n);
            List<Long> warmItems = cs == 1 ? range(warmSize(n)) : items;
            Once<Double> once = () -> mapSquares(pool, items, cs);
            Runs<Double> runs = timedRuns(once, a.reps((Integer) v[3]), 1, () -> mapSquares(pool, warmItems, cs));
            long csUsed = cs == 0 ? defaultChunksize(n, procs) : cs;
            emitRate(
                base("S2", variant, impl, startMethod(impl), procs,
                    JsonLines.obj().put("n_tasks", n).put("chunksize", csUsed).put("chunksize_arg", cs == 0 ? null : cs)),
                n, runs, "tasks_per_s");
          }
        }
      }
    }
  }

  private static double mapSquares(Pool pool, List<Long> items, int cs) {
    long t0 = System.nanoTime();
    List<Long> out = cs == 0 ? pool.map(Work::square, items) : pool.map(Work::square, items, cs);
    double dt = secondsSince(t0);
    int n = items.size();
    check(out.size() == n, "size " + out.size());
    for (int i = 0; i < n; i++) {
      if (out.get(i) != (long) i * i) {
        check(false, "item " + i + " = " + out.get(i));
      }
    }
    return dt;
  }

  // ------------------------------------------------------------------ S3: imap / imapUnordered

  void s3() throws Exception {
    long n = a.s3N;
    List<Long> items = range(n);
    List<Long> warmItems = range(warmSize(n));
    for (String impl : a.impls) {
      for (int procs : a.procsFor("S3")) {
        try (Pool pool = newPool(impl, procs)) {
          for (boolean ordered : new boolean[] {true, false}) {
            for (int cs : new int[] {1, 100}) {
              Once<Double> once = () -> consume(pool, items, cs, ordered);
              Runs<Double> runs =
                  timedRuns(once, a.reps(cs == 1 ? 3 : 5), 1, () -> consume(pool, warmItems, cs, ordered));
              String method = ordered ? "imap" : "imap_unordered";
              emitRate(
                  base("S3", method + "_chunksize_" + cs, impl, startMethod(impl), procs,
                      JsonLines.obj().put("n_tasks", n).put("chunksize", cs)),
                  n, runs, "tasks_per_s");
            }
          }
        }
      }
    }
  }

  private static double consume(Pool pool, List<Long> items, int cs, boolean ordered) {
    int n = items.size();
    long[] got = new long[n];
    int cnt = 0;
    long t0 = System.nanoTime();
    try (ResultIterator<Long> it =
        ordered ? pool.imap(Work::square, items, cs) : pool.imapUnordered(Work::square, items, cs)) {
      while (it.hasNext()) {
        got[cnt++] = it.next();
      }
    }
    double dt = secondsSince(t0);
    check(cnt == n, "count " + cnt);
    if (ordered) {
      for (int i = 0; i < n; i++) {
        check(got[i] == (long) i * i, "item " + i);
      }
    } else {
      java.util.Arrays.sort(got);
      for (int i = 0; i < n; i++) {
        check(got[i] == (long) i * i, "sorted item " + i);
      }
    }
    return dt;
  }

  // ------------------------------------------------------------------ S4 / S9: round trips

  void s4() throws Exception {
    latency("S4", Work::square, a.s4N, false, "square");
  }

  void s9() throws Exception {
    latency("S9", Work::raiseValueError, a.s9N, true, "raiseValueError");
  }

  private void latency(String scenario, SerializableFunction<Long, Long> fn, long n, boolean expectExc, String fnName)
      throws Exception {
    List<Long> items = range(n);
    for (String impl : a.impls) {
      for (int procs : a.procsFor(scenario)) {
        try (Pool pool = newPool(impl, procs)) {
          Runs<double[]> runs =
              timedRuns(
                  () -> roundTrips(pool, fn, items, (int) n, expectExc),
                  a.reps(3), 1,
                  () -> roundTrips(pool, fn, items, (int) warmSize(n), expectExc));
          emitLatency(
              base(scenario, "sequential_roundtrip", impl, startMethod(impl), procs,
                  JsonLines.obj().put("calls", n).put("call", "applyAsync(f, i).get()").put("function", fnName)),
              runs.samples, runs.warmup.size());
        }
      }
    }
  }

  private static double[] roundTrips(
      Pool pool, SerializableFunction<Long, Long> fn, List<Long> items, int n, boolean expectExc) throws Exception {
    double[] lat = new double[n];
    for (int i = 0; i < n; i++) {
      Long x = items.get(i);
      long t0 = System.nanoTime();
      try {
        Long r = pool.applyAsync(fn, x).get();
        if (expectExc) {
          throw new AssertionError("expected IllegalArgumentException, got " + r);
        }
        check(r == (long) i * i, "item " + i);
      } catch (ExecutionException e) {
        if (!expectExc || !(e.getCause() instanceof IllegalArgumentException)) {
          throw e;
        }
      }
      lat[i] = secondsSince(t0);
    }
    return lat;
  }

  // ------------------------------------------------------------------ S5: many applyAsync

  void s5() throws Exception {
    long n = a.s5N;
    List<Long> items = range(n);
    for (String impl : a.impls) {
      for (int procs : a.procsFor("S5")) {
        try (Pool pool = newPool(impl, procs)) {
          for (boolean lambda : new boolean[] {false, true}) {
            Runs<Double> runs =
                timedRuns(() -> submitAll(pool, items, (int) n, lambda), a.reps(3), 1,
                    () -> submitAll(pool, items, (int) warmSize(n), lambda));
            // the second variant is the Java idiom applyAsync(() -> f(x)): a lambda capturing x per call
            emitRate(
                base("S5", lambda ? "submit_all_then_get_all_capturing_lambda" : "submit_all_then_get_all", impl,
                    startMethod(impl), procs, JsonLines.obj().put("n_tasks", n)),
                n, runs, "tasks_per_s");
          }
        }
      }
    }
  }

  private static double submitAll(Pool pool, List<Long> items, int n, boolean lambda) throws Exception {
    long[] got = new long[n];
    long t0 = System.nanoTime();
    List<AsyncResult<Long>> rs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (lambda) {
        Long x = items.get(i);
        rs.add(pool.applyAsync(() -> Work.square(x)));
      } else {
        rs.add(pool.applyAsync(Work::square, items.get(i)));
      }
    }
    for (int i = 0; i < n; i++) {
      got[i] = rs.get(i).get();
    }
    double dt = secondsSince(t0);
    for (int i = 0; i < n; i++) {
      check(got[i] == (long) i * i, "item " + i);
    }
    return dt;
  }

  // ------------------------------------------------------------------ S6: CPU-bound speedup

  private static double timeKernel(long n) {
    long t0 = System.nanoTime();
    long r = Work.cpuWorkRaw(n);
    double dt = secondsSince(t0);
    if (r == 42) {
      System.err.print("");
    }
    return dt;
  }

  /** Python's calibration on the JIT-compiled kernel: grow until > 3 ms, then refine twice on the fastest of 5. */
  static long calibrate(double targetS) {
    long n = 20_000;
    while (true) {
      double t = Double.MAX_VALUE;
      for (int i = 0; i < 3; i++) {
        t = Math.min(t, timeKernel(n));
      }
      if (t > 0.003) {
        n = Math.max(1, (long) (n * targetS / t));
        break;
      }
      n *= 2;
    }
    for (int k = 0; k < 2; k++) {
      double t = Double.MAX_VALUE;
      for (int i = 0; i < 5; i++) {
        t = Math.min(t, timeKernel(n));
      }
      n = Math.max(1, (long) (n * targetS / t));
    }
    return n;
  }

  void s6() throws Exception {
    int items = a.s6Items;
    // JIT warm-up of the kernel in this JVM before calibrating (README: "after JIT warm-up").
    long end = System.nanoTime() + (long) (a.s6JitWarmupMs * 1e6);
    long sink = 0;
    while (System.nanoTime() < end) {
      sink += Work.cpuWorkRaw(100_000);
    }
    long n = a.s6N > 0 ? a.s6N : calibrate(a.s6TargetMs / 1e3);
    double[] nine = new double[9];
    for (int i = 0; i < 9; i++) {
      nine[i] = timeKernel(n);
    }
    double perItem = Stats.median(nine) * 1e3;
    log(String.format("S6: cpuWork n=%d, ~%.2f ms per item serially (JIT-compiled)", n, perItem));
    List<Long> data = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      data.add(n);
    }
    final long expect = Work.cpuWorkRaw(n) + (sink == 42 ? 1 : 0);
    List<String[]> configs = new ArrayList<>();
    Map<String, Pool> pools = new LinkedHashMap<>();
    try {
      for (String impl : a.impls) {
        for (int procs : a.procsFor("S6")) {
          String key = impl + "/" + procs;
          configs.add(new String[] {impl, String.valueOf(procs), key});
          pools.put(key, newPool(impl, procs));
        }
      }
      // Warm-up: every worker exists and has JIT-compiled the kernel (about the same time as the
      // JIT warm-up above, per worker), chunksize 1 so that every worker gets items.
      int warmPerWorker = (int) Math.max(2, Math.ceil(a.s6JitWarmupMs / Math.max(0.1, perItem)));
      for (Map.Entry<String, Pool> e : pools.entrySet()) {
        Pool p = e.getValue();
        List<Long> warm = new ArrayList<>();
        for (int i = 0; i < p.processes() * warmPerWorker; i++) {
          warm.add(n);
        }
        p.map(Work::cpuWork, warm, 1);
      }
      int reps = a.reps(3);
      double[] ser = new double[reps];
      Map<String, double[]> par = new LinkedHashMap<>();
      for (String[] c : configs) {
        par.put(c[2], new double[reps]);
      }
      for (int r = 0; r < reps; r++) { // interleaved so that drift hits all alike
        long t0 = System.nanoTime();
        long[] outSer = new long[items];
        for (int i = 0; i < items; i++) {
          outSer[i] = Work.cpuWorkRaw(data.get(i));
        }
        ser[r] = secondsSince(t0);
        check(outSer[items - 1] == expect, "serial");
        for (String[] c : configs) {
          Pool p = pools.get(c[2]);
          long t1 = System.nanoTime();
          List<Long> outPar = p.map(Work::cpuWork, data);
          par.get(c[2])[r] = secondsSince(t1);
          check(outPar.size() == items && outPar.get(items - 1) == expect, "parallel " + c[2]);
        }
      }
      double serItemMs = Stats.median(ser) / items * 1e3;
      ObjectNode rec = base("S6", "serial", "serial", null, 1, JsonLines.obj().put("items", items).put("cpu_work_n", n));
      rec.put("metric", "time_s");
      rec.setAll(Stats.summary(ser, 6));
      rec.putPOJO("samples", Stats.rounded(ser, 6));
      rec.put("per_item_ms", Stats.round(serItemMs, 3));
      rec.put("calibration_per_item_ms", Stats.round(perItem, 3));
      rec.put("jit_warmup_ms", a.s6JitWarmupMs);
      rec.put("repeats", reps);
      emit(rec);
      int cpus = Runtime.getRuntime().availableProcessors();
      for (String[] c : configs) {
        int procs = Integer.parseInt(c[1]);
        double[] p = par.get(c[2]);
        double[] ratios = new double[reps];
        for (int r = 0; r < reps; r++) {
          ratios[r] = ser[r] / p[r];
        }
        ObjectNode pr =
            base("S6", "map_default_chunksize", c[0], startMethod(c[0]), procs,
                JsonLines.obj().put("items", items).put("cpu_work_n", n).put("chunksize", defaultChunksize(items, procs)));
        pr.put("metric", "speedup_vs_serial");
        pr.setAll(Stats.summary(ratios, 3));
        pr.set("time_s", Stats.summary(p, 6).putPOJO("samples", Stats.rounded(p, 6)));
        pr.set("serial_time_s", Stats.summary(ser, 6));
        pr.put("per_item_ms", Stats.round(serItemMs, 3));
        pr.put("efficiency_median", Stats.round(Stats.median(ratios) / Math.min(procs, cpus), 3));
        pr.put("warmup_items_per_worker", warmPerWorker);
        pr.put("repeats", reps);
        emit(pr);
      }
    } finally {
      for (Pool p : pools.values()) {
        p.close();
      }
    }
  }

  // ------------------------------------------------------------------ S7: large payloads

  void s7() throws Exception {
    int items = a.s7Items;
    int size = (int) (a.s7SizeMib * MIB);
    double totalMib = (double) items * size / MIB;
    List<Long> indices = range(items);
    for (String impl : a.impls) {
      for (int procs : a.procsFor("S7")) {
        try (Pool pool = newPool(impl, procs)) {
          for (int cs : new int[] {0, 1}) {
            long csUsed = cs == 0 ? defaultChunksize(items, procs) : cs;
            String csName = cs == 0 ? "default_chunksize" : "chunksize_" + cs;
            ObjectNode params = JsonLines.obj().put("items", items).put("item_bytes", size).put("chunksize", csUsed);
            // 'to worker': distinct arrays, so nothing can be de-duplicated
            List<byte[]> payloads = new ArrayList<>(items);
            for (int i = 0; i < items; i++) {
              payloads.add(Work.payload(i, size));
            }
            Once<Double> in =
                () -> {
                  long t0 = System.nanoTime();
                  List<Long> outs = cs == 0 ? pool.map(Work::payloadLen, payloads) : pool.map(Work::payloadLen, payloads, cs);
                  double dt = secondsSince(t0);
                  check(outs.size() == items, "count");
                  for (Long len : outs) {
                    check(len == size, "length " + len);
                  }
                  return dt;
                };
            emitRate(base("S7", "to_worker_" + csName, impl, startMethod(impl), procs, params),
                totalMib, timedRuns(in, a.reps(3), 1, null), "MiB_per_s");
            payloads.clear(); // free 200 MiB before the other direction
            Work.MakePayload mk = new Work.MakePayload(size);
            Once<Double> outFn =
                () -> {
                  long t0 = System.nanoTime();
                  List<byte[]> outs = cs == 0 ? pool.map(mk, indices) : pool.map(mk, indices, cs);
                  double dt = secondsSince(t0);
                  check(outs.size() == items, "count");
                  for (int i = 0; i < items; i++) {
                    byte[] b = outs.get(i);
                    check(b.length == size && b[0] == (byte) (i % 256) && b[size - 1] == (byte) (i % 256), "payload " + i);
                  }
                  return dt;
                };
            emitRate(base("S7", "from_worker_" + csName, impl, startMethod(impl), procs, params),
                totalMib, timedRuns(outFn, a.reps(3), 1, null), "MiB_per_s");
          }
        }
      }
    }
  }

  // ------------------------------------------------------------------ S8: chunked sum

  void s8() throws Exception {
    long n = a.s8N;
    long step = a.s8Chunk;
    long expect = n * (n - 1) / 2;
    List<List<Long>> lists = new ArrayList<>();
    List<Work.Range> ranges = new ArrayList<>();
    List<long[]> arrays = new ArrayList<>();
    for (long i = 0; i < n; i += step) {
      long e = Math.min(i + step, n);
      List<Long> l = new ArrayList<>((int) (e - i));
      long[] arr = new long[(int) (e - i)];
      for (long x = i; x < e; x++) {
        l.add(x);
        arr[(int) (x - i)] = x;
      }
      lists.add(l);
      ranges.add(new Work.Range(i, e));
      arrays.add(arr);
    }
    int chunks = lists.size();
    for (String impl : a.impls) {
      for (int procs : a.procsFor("S8")) {
        ObjectNode params =
            JsonLines.obj().put("n", n).put("chunk", step).put("chunks", chunks)
                .put("chunksize", defaultChunksize(chunks, procs));
        try (Pool pool = newPool(impl, procs)) {
          Map<String, Once<Double>> kinds = new LinkedHashMap<>();
          kinds.put("list", () -> sumTime(() -> pool.map(Work::sumList, lists), expect));
          kinds.put("range", () -> sumTime(() -> pool.map(Work::sumRange, ranges), expect));
          kinds.put("long_array", () -> sumTime(() -> pool.map(Work::sumArray, arrays), expect));
          for (Map.Entry<String, Once<Double>> k : kinds.entrySet()) {
            Runs<Double> runs = timedRuns(k.getValue(), a.reps(5), 1, null);
            double[] ms = msOf(runs.samples);
            ObjectNode rec = base("S8", "map_only_chunks_as_" + k.getKey(), impl, startMethod(impl), procs, params);
            rec.put("metric", "time_ms");
            rec.setAll(Stats.summary(ms, 3));
            rec.putPOJO("samples", Stats.rounded(ms, 3));
            rec.putPOJO("warmup_ms", Stats.rounded(msOf(runs.warmup), 3));
            rec.put("repeats", ms.length);
            if (k.getKey().equals("long_array")) {
              rec.put("note", "Java only: chunks as long[] (no Python counterpart)");
            }
            emit(rec);
          }
        }
        // end to end, as the example is written: try (pool) { sum(pool.map(...)) }
        Once<double[]> e2e =
            () -> {
              long t0 = System.nanoTime();
              long t1;
              long t2;
              long total = 0;
              try (Pool p = newPool(impl, procs)) {
                t1 = System.nanoTime();
                for (Long s : p.map(Work::sumList, lists)) {
                  total += s;
                }
                t2 = System.nanoTime();
              }
              long t3 = System.nanoTime();
              check(total == expect, "total " + total);
              return new double[] {(t3 - t0) / 1e6, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6};
            };
        Runs<double[]> runs = timedRuns(e2e, a.reps(5), 1, null);
        double[][] cols = new double[4][runs.samples.size()];
        for (int i = 0; i < runs.samples.size(); i++) {
          for (int c = 0; c < 4; c++) {
            cols[c][i] = runs.samples.get(i)[c];
          }
        }
        ObjectNode rec = base("S8", "end_to_end_with_pool_lifecycle_chunks_as_list", impl, startMethod(impl), procs, params);
        rec.put("metric", "time_ms");
        rec.setAll(Stats.summary(cols[0], 3));
        rec.putPOJO("samples", Stats.rounded(cols[0], 3));
        rec.set("breakdown_median_ms",
            JsonLines.obj()
                .put("construct", Stats.round(Stats.median(cols[1]), 3))
                .put("map_and_sum", Stats.round(Stats.median(cols[2]), 3))
                .put("exit_close", Stats.round(Stats.median(cols[3]), 3)));
        rec.putPOJO("warmup_ms", List.of(Stats.round(runs.warmup.get(0)[0], 3)));
        rec.put("repeats", runs.samples.size());
        rec.put("note", "try-with-resources calls close() (graceful); Python's with-block calls terminate()");
        emit(rec);
      }
    }
  }

  private static double sumTime(Once<List<Long>> call, long expect) throws Exception {
    long t0 = System.nanoTime();
    long total = 0;
    for (Long s : call.run()) {
      total += s;
    }
    double dt = secondsSince(t0);
    check(total == expect, "total " + total);
    return dt;
  }

  private static double[] msOf(List<Double> seconds) {
    double[] ms = new double[seconds.size()];
    for (int i = 0; i < ms.length; i++) {
      ms[i] = seconds.get(i) * 1e3;
    }
    return ms;
  }

  // ------------------------------------------------------------------ S10: worker crash

  void s10() throws Exception {
    if (!a.impls.contains(Args.PROCESS)) {
      log("S10: only for ProcessPool (Runtime.halt in a ThreadPool task would stop this JVM); skipped");
      return;
    }
    if (a.impls.contains(Args.THREAD)) {
      log("S10: ThreadPool skipped (Runtime.halt in a thread task would stop the benchmark itself)");
    }
    int procs = a.procsFor("S10").get(0);
    long bad = 3;
    long timeoutMs = (long) (a.s10Timeout * 1000);
    int reps = a.reps(3);
    double[] times = new double[reps];
    double[] usableMs = new double[reps];
    List<Double> replacementMs = new ArrayList<>();
    List<Double> exitSeenMs = new ArrayList<>();
    List<Double> errorAfterExitMs = new ArrayList<>();
    Set<String> outcomes = new LinkedHashSet<>();
    Set<String> exceptions = new LinkedHashSet<>();
    Set<String> messages = new LinkedHashSet<>();
    Set<Integer> failedIndex = new TreeSet<>();
    Set<Boolean> usable = new LinkedHashSet<>();
    List<Long> warm = range(100);
    List<Long> ten = range(10);
    try (ProcessPool pool = ProcessPool.builder().processes(procs).build()) {
      for (int r = 0; r < reps; r++) {
        waitForWorkers(pool, procs, 60_000);
        pool.map(Work::square, warm); // warm: every worker up and serving
        Set<Long> before = new HashSet<>(pool.workerPids());
        // When did a worker process actually exit (seen by the JDK, independently of the pool)?
        java.util.concurrent.ConcurrentHashMap<Long, Long> exitedAt = new java.util.concurrent.ConcurrentHashMap<>();
        for (Long pid : before) {
          ProcessHandle.of(pid).ifPresent(ph -> ph.onExit().thenRun(() -> exitedAt.putIfAbsent(pid, System.nanoTime())));
        }
        long t0 = System.nanoTime();
        AsyncResult<List<Long>> res = pool.mapAsync(new Work.SquareOrExit(bad), ten);
        try {
          res.get(timeoutMs, TimeUnit.MILLISECONDS);
          outcomes.add("completed (unexpected)");
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          WorkerCrashedException wc = null;
          List<String> chain = new ArrayList<>();
          for (Throwable t = c; t != null; t = t.getCause()) {
            chain.add(t.getClass().getSimpleName());
            if (t instanceof WorkerCrashedException) {
              wc = (WorkerCrashedException) t;
            }
            if (t instanceof io.procpool.TaskFailedException) {
              failedIndex.add(((io.procpool.TaskFailedException) t).index());
            }
          }
          exceptions.add(String.join(" <- ", chain));
          String msg = String.valueOf(c.getMessage());
          messages.add(msg.length() > 200 ? msg.substring(0, 200) + "..." : msg);
          outcomes.add(wc != null ? "error raised promptly (WorkerCrashedException)" : "raised");
        } catch (TimeoutException e) {
          outcomes.add("hang: no result within " + a.s10Timeout + " s");
        }
        long tErr = System.nanoTime();
        times[r] = (tErr - t0) / 1e9;
        long exitWait = System.nanoTime() + 2_000_000_000L;
        while (exitedAt.isEmpty() && System.nanoTime() < exitWait) {
          Thread.sleep(1);
        }
        if (!exitedAt.isEmpty()) {
          long firstExit = java.util.Collections.min(exitedAt.values());
          exitSeenMs.add((firstExit - t0) / 1e6);
          errorAfterExitMs.add((tErr - firstExit) / 1e6);
        }
        long u0 = System.nanoTime();
        boolean ok;
        try {
          ok = pool.applyAsync(Work::square, 7L).get(timeoutMs, TimeUnit.MILLISECONDS) == 49L;
        } catch (ExecutionException | TimeoutException e) {
          ok = false;
        }
        usableMs[r] = (System.nanoTime() - u0) / 1e6;
        usable.add(ok);
        // how long until a replacement worker is connected
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
          List<Long> now = pool.workerPids();
          if (now.size() == procs && !before.containsAll(now)) {
            replacementMs.add((System.nanoTime() - t0) / 1e6);
            break;
          }
          Thread.sleep(2);
        }
      }
    }
    ObjectNode rec =
        base("S10", "map_async_with_worker_exit", Args.PROCESS, startMethod(Args.PROCESS), procs,
            JsonLines.obj().put("items", 10).put("exiting_item", bad).put("timeout_s", a.s10Timeout)
                .put("exit", "Runtime.getRuntime().halt(1)"));
    rec.put("metric", "time_to_error_s");
    rec.setAll(Stats.summary(times, 6));
    rec.putPOJO("samples", Stats.rounded(times, 6));
    rec.put("outcome", String.join("; ", outcomes));
    rec.put("exception", exceptions.isEmpty() ? null : String.join("; ", exceptions));
    rec.putPOJO("failed_index", new ArrayList<>(failedIndex));
    rec.putPOJO("messages", new ArrayList<>(messages));
    rec.put("pool_usable_after", usable.size() == 1 && usable.contains(true));
    rec.set("usable_after_call_ms", Stats.summary(usableMs, 3));
    if (!exitSeenMs.isEmpty()) {
      // split of time_to_error: submit -> the worker process has exited (ProcessHandle.onExit in
      // the benchmark, independent of the pool) -> the pool reports the failure
      rec.set("worker_exit_seen_ms", Stats.summary(doubles(exitSeenMs), 1));
      rec.set("error_after_worker_exit_ms", Stats.summary(doubles(errorAfterExitMs), 1));
    }
    if (!replacementMs.isEmpty()) {
      rec.set("replacement_worker_connected_ms", Stats.summary(doubles(replacementMs), 1));
    }
    rec.put("repeats", reps);
    emit(rec);
  }

  private static void waitForWorkers(ProcessPool pool, int procs, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (pool.workerPids().size() < procs && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }
}
