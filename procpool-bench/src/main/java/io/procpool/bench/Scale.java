package io.procpool.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procpool.ProcessPool;
import io.procpool.ResultIterator;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The scale curves ({@code --scale}): how cost grows with the number of workers (1-16 on the
 * machine's cores), with the number of items for {@code map} and {@code imap} (with the caller's
 * peak heap), and the resident memory of an idle worker. JSON lines like the side-by-side
 * benchmark ({@code meta} first, {@code meta_end} last), scenarios {@code SCALE-workers},
 * {@code SCALE-items}, {@code SCALE-rss}.
 */
final class Scale {
  private static final double MIB = 1 << 20;

  static final String USAGE =
      "usage: java [-Xmx2g] -jar procpool-bench.jar --scale [--quick] [--parts workers,items,rss] [--repeats N]\n"
          + "  --quick     small sizes, 1 repetition (smoke test, < 30 s)\n"
          + "  --parts     which curves (default: workers,items,rss)\n"
          + "  --repeats   timed repetitions per point (default 5 for workers, 3 for items)";

  private final PrintStream out;
  private final boolean quick;
  private final int workerRepeats;
  private final int itemRepeats;

  private Scale(PrintStream out, boolean quick, Integer repeats) {
    this.out = out;
    this.quick = quick;
    this.workerRepeats = repeats != null ? repeats : quick ? 1 : 5;
    this.itemRepeats = repeats != null ? repeats : quick ? 1 : 3;
  }

  /** Runs the curves; returns the number of parts that failed, or -1 for a bad command line. */
  static int run(String[] argv, PrintStream out) {
    boolean quick = false;
    Integer repeats = null;
    List<String> parts = new ArrayList<>(List.of("workers", "items", "rss"));
    for (int i = 0; i < argv.length; i++) {
      switch (argv[i]) {
        case "--quick":
          quick = true;
          break;
        case "--parts":
          if (i + 1 >= argv.length) {
            System.err.println("error: missing value for --parts\n" + USAGE);
            return -1;
          }
          parts = Arrays.asList(argv[++i].split(","));
          break;
        case "--repeats":
          try {
            repeats = Integer.parseInt(i + 1 < argv.length ? argv[++i] : "");
          } catch (NumberFormatException e) {
            repeats = 0;
          }
          if (repeats < 1) {
            System.err.println("error: --repeats wants a positive number\n" + USAGE);
            return -1;
          }
          break;
        case "-h":
        case "--help":
          System.err.println(USAGE);
          return 0;
        default:
          System.err.println("error: unknown option " + argv[i] + "\n" + USAGE);
          return -1;
      }
    }
    for (String p : parts) {
      if (!List.of("workers", "items", "rss").contains(p)) {
        System.err.println("error: unknown part " + p + "\n" + USAGE);
        return -1;
      }
    }
    long tStart = System.nanoTime();
    Runtime rt = Runtime.getRuntime();
    JsonLines.print(
        out,
        JsonLines.obj()
            .put("scenario", "meta")
            .put("impl", "procpool")
            .put("mode", "scale")
            .put("java_version", System.getProperty("java.version"))
            .put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"))
            .put("cpu_count", rt.availableProcessors())
            .put("max_heap_mib", rt.maxMemory() >> 20)
            .putPOJO("jvm_args", ManagementFactory.getRuntimeMXBean().getInputArguments())
            .putPOJO("loadavg_start", Health.loadAverage())
            .put("other_cpu_busy_pct_start", Health.cpuBusyPct(1.0))
            .put("quick", quick)
            .putPOJO("parts", parts)
            .put("repeats", repeats)
            .put("time_unix", System.currentTimeMillis() / 1000));
    Scale s = new Scale(out, quick, repeats);
    List<String> errors = new ArrayList<>();
    for (String p : parts) {
      long t0 = System.nanoTime();
      Scenarios.log("scale " + p + " ...");
      try {
        switch (p) {
          case "workers": s.workers(); break;
          case "items": s.items(); break;
          case "rss": s.rss(); break;
          default: throw new IllegalArgumentException("unknown part " + p);
        }
        Scenarios.log(String.format("scale %s done in %.1f s", p, Scenarios.secondsSince(t0)));
      } catch (Throwable e) {
        Scenarios.log("scale " + p + " FAILED: " + e);
        e.printStackTrace();
        errors.add(p + ": " + e);
      }
    }
    long children = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count();
    JsonLines.print(
        out,
        JsonLines.obj()
            .put("scenario", "meta_end")
            .put("total_s", Stats.round(Scenarios.secondsSince(tStart), 2))
            .putPOJO("loadavg_end", Health.loadAverage())
            .put("other_cpu_busy_pct_end", Health.cpuBusyPct(1.0))
            .put("live_child_processes_end", children)
            .putPOJO("errors", errors));
    return errors.size();
  }

  private void emit(String scenario, String variant, int procs, ObjectNode params, String metric, double[] xs, int digits) {
    ObjectNode rec =
        JsonLines.obj()
            .put("scenario", scenario)
            .put("variant", variant)
            .put("impl", "ProcessPool")
            .put("start_method", "jvm")
            .put("processes", procs);
    rec.set("params", params);
    rec.put("metric", metric);
    rec.setAll(Stats.summary(xs, digits));
    rec.putPOJO("samples", Stats.rounded(xs, digits)).putPOJO("loadavg", Health.loadAverage());
    JsonLines.print(out, rec);
  }

  // ------------------------------------------------------------------ workers

  private void workers() throws Exception {
    int[] sizes = quick ? new int[] {1, 2} : new int[] {1, 2, 4, 8, 16};
    int nBig = quick ? 20_000 : 1_000_000;
    int nSmall = quick ? 1_000 : 20_000;
    List<Long> big = Scenarios.range(nBig);
    List<Long> small = Scenarios.range(nSmall);
    int repeats = workerRepeats;
    for (int procs : sizes) {
      long t0 = System.nanoTime();
      ProcessPool pool = ProcessPool.builder().processes(procs).build();
      double start = Scenarios.secondsSince(t0);
      try {
        emit("SCALE-workers", "pool_start", procs, JsonLines.obj(), "seconds", new double[] {start}, 4);
        double[] rates = new double[repeats];
        pool.map(Work::square, big); // two warm-ups: every worker's JIT has seen the function
        pool.map(Work::square, big);
        for (int i = 0; i < repeats; i++) {
          long t = System.nanoTime();
          List<Long> r = pool.map(Work::square, big);
          rates[i] = nBig / Scenarios.secondsSince(t);
          checkSquares(r, nBig);
        }
        emit("SCALE-workers", "map_default_chunks", procs,
            JsonLines.obj().put("n_items", nBig).put("chunksize", Scenarios.defaultChunksize(nBig, procs)),
            "items_per_s", rates, 1);
        emit("SCALE-workers", "map_chunksize_1", procs,
            JsonLines.obj().put("n_items", nSmall).put("chunksize", 1), "items_per_s", oneItemRates(pool, small, repeats), 1);
        // the same pool once every worker has run WARM_TASKS_PER_WORKER one-item tasks: the rate
        // after the workers' JIT is done, apart from the cold rate above (16 JVMs compile on 2 CPUs)
        long warmUp = warmUp(pool, small, procs);
        emit("SCALE-workers", "map_chunksize_1_warm", procs,
            JsonLines.obj().put("n_items", nSmall).put("chunksize", 1).put("warm_up_items", warmUp)
                .put("tasks_per_worker_before", (long) warmTasksPerWorker()),
            "items_per_s", oneItemRates(pool, small, repeats), 1);
      } finally {
        pool.close();
        pool.join();
      }
      // the same one-item map on workers that compile with C1 only: with many JVMs on few CPUs,
      // their C2 compilations are most of the CPU time in the first minute (see BENCHMARKS.md)
      try (ProcessPool c1 = ProcessPool.builder().processes(procs).jvmOptions(C1_ONLY).build()) {
        emit("SCALE-workers", "map_chunksize_1_c1_workers", procs,
            JsonLines.obj().put("n_items", nSmall).put("chunksize", 1).putPOJO("jvm_options", List.of(C1_ONLY)),
            "items_per_s", oneItemRates(c1, small, repeats), 1);
      }
    }
  }

  private static final String C1_ONLY = "-XX:TieredStopAtLevel=1";

  /** One-item tasks each worker has run before the warm point (C2 has compiled the path by then). */
  private static final int WARM_TASKS_PER_WORKER = 30_000;

  private static final int WARM_TASKS_PER_WORKER_QUICK = 2_000;

  private int warmTasksPerWorker() {
    return quick ? WARM_TASKS_PER_WORKER_QUICK : WARM_TASKS_PER_WORKER;
  }

  /**
   * Runs untimed one-item maps until the pool has run {@link #warmTasksPerWorker} per worker in
   * all (counting the {@code 2 + repeats} calls of the cold point before); returns the items run here.
   */
  private long warmUp(ProcessPool pool, List<Long> items, int procs) {
    long done = (long) (2 + workerRepeats) * items.size();
    long target = (long) warmTasksPerWorker() * procs;
    long ran = 0;
    while (done + ran < target) {
      pool.map(Work::square, items, 1);
      ran += items.size();
    }
    return ran;
  }

  /** Items per second of {@code repeats} timed one-item maps over {@code items}, after two untimed ones. */
  private static double[] oneItemRates(ProcessPool pool, List<Long> items, int repeats) {
    pool.map(Work::square, items, 1); // warm-up
    pool.map(Work::square, items, 1);
    double[] rates = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      long t = System.nanoTime();
      List<Long> r = pool.map(Work::square, items, 1);
      rates[i] = items.size() / Scenarios.secondsSince(t);
      checkSquares(r, items.size());
    }
    return rates;
  }

  private static void checkSquares(List<Long> r, long n) {
    Scenarios.check(r.size() == n, "size " + r.size() + " != " + n);
    for (int i = 0; i < r.size(); i++) {
      Scenarios.check(r.get(i) == (long) i * i, "item " + i);
    }
  }

  // ------------------------------------------------------------------ items

  /** The Longs 0..n-1, generated as they are read: nothing is materialized. */
  static Iterable<Long> lazyRange(long n) {
    return () ->
        new Iterator<Long>() {
          long next;

          @Override
          public boolean hasNext() {
            return next < n;
          }

          @Override
          public Long next() {
            if (next >= n) {
              throw new NoSuchElementException();
            }
            return next++;
          }
        };
  }

  /**
   * Samples the caller's heap every 10 ms on a daemon thread: the peak of used heap (live objects
   * and garbage not yet collected) and the peak of what the heap pools held after their latest
   * collection (live data only, as far as the collector has looked).
   */
  static final class HeapSampler implements AutoCloseable {
    private final Thread thread;
    private volatile boolean stop;
    private volatile long peakUsed;
    private volatile long peakAfterGc;
    private final List<MemoryPoolMXBean> pools = new ArrayList<>();

    HeapSampler() {
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == MemoryType.HEAP && p.getCollectionUsage() != null) {
          pools.add(p);
        }
      }
      sample();
      thread = new Thread(this::loop, "heap-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    private void sample() {
      Runtime rt = Runtime.getRuntime();
      long used = rt.totalMemory() - rt.freeMemory();
      if (used > peakUsed) {
        peakUsed = used;
      }
      long after = 0;
      for (MemoryPoolMXBean p : pools) {
        MemoryUsage u = p.getCollectionUsage();
        if (u != null) {
          after += u.getUsed();
        }
      }
      if (after > peakAfterGc) {
        peakAfterGc = after;
      }
    }

    private void loop() {
      while (!stop) {
        sample();
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.interrupt();
      thread.join();
      sample();
    }
  }

  private static long usedAfterGc() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private void items() throws Exception {
    int procs = 2;
    int maxExp = quick ? 4 : 7;
    int imapChunk = 1000;
    try (ProcessPool pool = ProcessPool.builder().processes(procs).build()) {
      // warm-up of both operations (JIT in the caller and in the workers)
      pool.map(Work::square, Scenarios.range(100_000));
      drain(pool, 100_000, imapChunk);
      for (int e = 3; e <= maxExp; e++) {
        long n = (long) Math.pow(10, e);
        int reps = itemRepeats;
        // map: the input list is built before the clock and is held during the run (expected)
        double[] rates = new double[reps];
        double[] peak = new double[reps];
        double[] peakLive = new double[reps];
        double[] base = new double[reps];
        double[] allocated = new double[reps];
        double[] youngGcs = new double[reps];
        double[] youngMs = new double[reps];
        for (int i = 0; i < reps; i++) {
          List<Long> in = Scenarios.range(n);
          base[i] = usedAfterGc() / MIB;
          long t;
          double secs;
          List<Long> r;
          try (HeapSampler hs = new HeapSampler()) {
            CallerGarbage before = CallerGarbage.snapshot(hs.thread);
            t = System.nanoTime();
            r = pool.map(Work::square, in);
            secs = Scenarios.secondsSince(t);
            CallerGarbage after = CallerGarbage.snapshot(hs.thread);
            hs.close();
            peak[i] = hs.peakUsed / MIB;
            peakLive[i] = hs.peakAfterGc / MIB;
            allocated[i] = after.allocatedMibSince(before);
            youngGcs[i] = after.youngCollectionsSince(before);
            youngMs[i] = after.youngPauseMillisSince(before);
          }
          rates[i] = n / secs;
          checkSquares(r, n);
          r = null;
          in = null;
        }
        ObjectNode params = JsonLines.obj().put("n_items", n).put("chunksize", Scenarios.defaultChunksize(n, procs));
        emit("SCALE-items", "map", procs, params, "items_per_s", rates, 1);
        emit("SCALE-items", "map", procs, params, "caller_peak_used_heap_mib", peak, 1);
        emit("SCALE-items", "map", procs, params, "caller_peak_heap_after_gc_mib", peakLive, 1);
        emit("SCALE-items", "map", procs, params, "caller_heap_before_mib", base, 1);
        emit("SCALE-items", "map", procs, params, "caller_allocated_mib", allocated, 1);
        emit("SCALE-items", "map", procs, params, "caller_young_gcs", youngGcs, 1);
        emit("SCALE-items", "map", procs, params, "caller_young_gc_ms", youngMs, 1);
        // imap: a lazy input, results consumed and dropped
        rates = new double[reps];
        peak = new double[reps];
        peakLive = new double[reps];
        base = new double[reps];
        for (int i = 0; i < reps; i++) {
          base[i] = usedAfterGc() / MIB;
          try (HeapSampler hs = new HeapSampler()) {
            long t = System.nanoTime();
            drain(pool, n, imapChunk);
            double secs = Scenarios.secondsSince(t);
            hs.close();
            rates[i] = n / secs;
            peak[i] = hs.peakUsed / MIB;
            peakLive[i] = hs.peakAfterGc / MIB;
          }
        }
        params = JsonLines.obj().put("n_items", n).put("chunksize", imapChunk).put("input", "lazy Iterable");
        emit("SCALE-items", "imap", procs, params, "items_per_s", rates, 1);
        emit("SCALE-items", "imap", procs, params, "caller_peak_used_heap_mib", peak, 1);
        emit("SCALE-items", "imap", procs, params, "caller_peak_heap_after_gc_mib", peakLive, 1);
        emit("SCALE-items", "imap", procs, params, "caller_heap_before_mib", base, 1);
      }
    }
  }

  /** imap over the lazy 0..n-1; checks each result in order and keeps none. */
  private static void drain(ProcessPool pool, long n, int chunk) {
    long i = 0;
    try (ResultIterator<Long> it = pool.imap(Work::square, lazyRange(n), chunk)) {
      while (it.hasNext()) {
        long v = it.next();
        if (v != i * i) {
          throw new AssertionError("wrong result: imap item " + i);
        }
        i++;
      }
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    Scenarios.check(i == n, "imap gave " + i + " of " + n);
  }

  // ------------------------------------------------------------------ rss

  /** VmRSS of a process in MiB, from /proc/PID/status (Linux). */
  static double rssMib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.UTF_8)) {
      if (line.startsWith("VmRSS:")) {
        String[] f = line.substring(6).trim().split("\\s+");
        return Long.parseLong(f[0]) / 1024.0; // kB
      }
    }
    throw new IOException("no VmRSS for pid " + pid);
  }

  private void rss() throws Exception {
    String[][] variants = {
      {},
      {"-Xmx64m", "-XX:TieredStopAtLevel=1"},
      {"-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=16m", "-Xss256k",
        "-XX:MaxMetaspaceSize=64m"},
    };
    String[] names = {"default_options", "override_xmx64m_c1", "override_lean"};
    int procs = 2;
    for (int v = 0; v < variants.length; v++) {
      try (ProcessPool pool = ProcessPool.builder().processes(procs).jvmOptions(variants[v]).build()) {
        Scenarios.check(pool.apply(Work::square, 7L) == 49L, "apply");
        Thread.sleep(1000);
        List<Long> pids = pool.workerPids();
        double[] mib = new double[pids.size()];
        for (int i = 0; i < mib.length; i++) {
          mib[i] = rssMib(pids.get(i));
        }
        emit("SCALE-rss", names[v], procs,
            JsonLines.obj().putPOJO("jvm_options", Arrays.asList(variants[v])).put("idle_after_task_s", 1.0),
            "worker_rss_mib", mib, 1);
      }
    }
  }
}
