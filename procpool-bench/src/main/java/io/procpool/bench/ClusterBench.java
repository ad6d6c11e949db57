package io.procpool.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procpool.Pool;
import io.procpool.ProcessPool;
import io.procpool.hazelcast.ClusterPool;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The cluster benchmark ({@code --cluster}): {@link ClusterPool} on agent JVMs on 127.0.0.1
 * ({@link ClusterAgents}), each figure next to a local {@link ProcessPool} with the same number
 * of workers, measured in the same run and interleaved. Parts: {@code apply} (round trip, 1 agent
 * with 2 workers), {@code map} (chunk size 1 and default chunks, 2 agents with 1 worker), {@code
 * cpu} (S6's kernel on 1, 2, 3 agents with 1 worker each, speedup over serial) and {@code
 * failover} (SIGKILL of one of 2 agents mid-map, {@link ClusterFailover}). JSON lines like the
 * other modes: {@code meta}, records with {@code scenario} {@code CLUSTER-<part>}, {@code
 * meta_end}.
 */
final class ClusterBench {
  static final String CLUSTER = "ClusterPool";
  static final String LOCAL = "ProcessPool";
  static final List<String> PARTS = List.of("apply", "map", "cpu", "failover");
  static final String USAGE =
      "usage: java -jar procpool-bench.jar --cluster [--quick] [--parts apply,map,cpu,failover] [--repeats N]\n"
          + "         [--agent-jvm-options \"-XX:+UseSerialGC -Xmx256m\"]\n"
          + "  --quick              small sizes, 1-2 repetitions (smoke test, ~1 min)\n"
          + "  --parts              which parts (default: all)\n"
          + "  --repeats            timed repetitions per figure (default 5; cpu and failover 3)\n"
          + "  --agent-jvm-options  JVM options of the agent JVMs (their workers get procpool's defaults)";

  /** The command line. */
  static final class Options {
    boolean quick;
    List<String> parts = PARTS;
    Integer repeats;
    List<String> agentJvmOptions = List.of("-XX:+UseSerialGC", "-Xmx256m");

    int reps(int full) {
      return repeats != null ? repeats : quick ? Math.min(2, full) : full;
    }

    static Options parse(String[] argv) {
      Options o = new Options();
      for (int i = 0; i < argv.length; i++) {
        String arg = argv[i];
        switch (arg) {
          case "--quick":
            o.quick = true;
            break;
          case "--parts":
            o.parts = Arrays.asList(value(argv, ++i, arg).split(","));
            for (String p : o.parts) {
              if (!PARTS.contains(p)) {
                throw new IllegalArgumentException("unknown part " + p + " (expected: " + String.join(",", PARTS) + ")");
              }
            }
            break;
          case "--repeats":
            try {
              o.repeats = Integer.parseInt(value(argv, ++i, arg));
            } catch (NumberFormatException e) {
              o.repeats = 0;
            }
            if (o.repeats < 1) {
              throw new IllegalArgumentException("--repeats wants a positive number");
            }
            break;
          case "--agent-jvm-options":
            String v = value(argv, ++i, arg).trim();
            o.agentJvmOptions = v.isEmpty() ? List.of() : Arrays.asList(v.split("\\s+"));
            break;
          default:
            throw new IllegalArgumentException("unknown option " + arg);
        }
      }
      return o;
    }

    private static String value(String[] argv, int i, String opt) {
      if (i >= argv.length) {
        throw new IllegalArgumentException("missing value for " + opt);
      }
      return argv[i];
    }
  }

  final Options o;
  private final PrintStream out;
  private final String clusterPrefix = "bench-" + ProcessHandle.current().pid();

  private ClusterBench(Options o, PrintStream out) {
    this.o = o;
    this.out = out;
  }

  /** Runs the parts; returns how many failed, or -1 for a bad command line. */
  static int run(String[] argv, PrintStream out) {
    Options o;
    try {
      if (Arrays.asList(argv).contains("-h") || Arrays.asList(argv).contains("--help")) {
        System.err.println(USAGE);
        return 0;
      }
      o = Options.parse(argv);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage() + "\n" + USAGE);
      return -1;
    }
    if (System.getProperty("org.slf4j.simpleLogger.log.com.hazelcast") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.com.hazelcast", "warn");
    }
    long tStart = System.nanoTime();
    Runtime rt = Runtime.getRuntime();
    JsonLines.print(out, JsonLines.obj().put("scenario", "meta").put("impl", "procpool").put("mode", "cluster")
        .put("java_version", System.getProperty("java.version"))
        .put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"))
        .put("cpu_count", rt.availableProcessors()).put("max_heap_mib", rt.maxMemory() >> 20)
        .putPOJO("jvm_args", ManagementFactory.getRuntimeMXBean().getInputArguments())
        .putPOJO("agent_jvm_options", o.agentJvmOptions)
        .putPOJO("loadavg_start", Health.loadAverage()).put("other_cpu_busy_pct_start", Health.cpuBusyPct(1.0))
        .put("quick", o.quick).putPOJO("parts", o.parts).put("repeats", o.repeats)
        .put("time_unix", System.currentTimeMillis() / 1000));
    ClusterBench b = new ClusterBench(o, out);
    List<String> errors = new ArrayList<>();
    for (String p : o.parts) {
      long t0 = System.nanoTime();
      Scenarios.log("cluster " + p + " ...");
      try {
        switch (p) {
          case "apply": b.apply(); break;
          case "map": b.map(); break;
          case "cpu": b.cpu(); break;
          case "failover": ClusterFailover.part(b); break;
          default: throw new IllegalArgumentException(p);
        }
        Scenarios.log(String.format("cluster %s done in %.1f s", p, Scenarios.secondsSince(t0)));
      } catch (Throwable e) {
        Scenarios.log("cluster " + p + " FAILED: " + e);
        e.printStackTrace();
        errors.add(p + ": " + e);
      }
    }
    long children = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count();
    JsonLines.print(out, JsonLines.obj().put("scenario", "meta_end")
        .put("total_s", Stats.round(Scenarios.secondsSince(tStart), 2))
        .putPOJO("loadavg_end", Health.loadAverage()).put("other_cpu_busy_pct_end", Health.cpuBusyPct(1.0))
        .put("live_child_processes_end", children).putPOJO("errors", errors));
    return errors.size();
  }

  ObjectNode rec(String part, String variant, String impl, int agents, int processes, ObjectNode params,
      String metric, double[] xs, int digits) {
    ObjectNode r = JsonLines.obj().put("scenario", "CLUSTER-" + part).put("variant", variant).put("impl", impl)
        .put("agents", agents).put("processes", processes);
    r.set("params", params);
    r.put("metric", metric);
    r.setAll(Stats.summary(xs, digits));
    r.putPOJO("samples", Stats.rounded(xs, digits));
    r.put("repeats", xs.length);
    r.putPOJO("loadavg", Health.loadAverage());
    return r;
  }

  void emit(ObjectNode r) {
    JsonLines.print(out, r);
  }

  ClusterAgents cluster(String part) throws Exception {
    return new ClusterAgents(clusterPrefix + "-" + part, o.agentJvmOptions);
  }

  static List<Integer> ports(int n) throws Exception {
    List<Integer> p = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      p.add(ClusterAgents.freePort());
    }
    return p;
  }

  // ------------------------------------------------------------------ apply round trip

  /** {@code n} calls of {@code apply(Work::square, i)}, each timed, in µs, sorted. */
  static double[] applyLatencies(Pool p, int n) {
    double[] us = new double[n];
    for (int i = 0; i < n; i++) {
      long x = i;
      long t0 = System.nanoTime();
      Long r = p.apply(Work::square, x);
      us[i] = (System.nanoTime() - t0) / 1e3;
      Scenarios.check(r == x * x, "apply " + i);
    }
    Arrays.sort(us);
    return us;
  }

  void apply() throws Exception {
    int calls = o.quick ? 300 : 2000;
    int reps = o.reps(5);
    try (ClusterAgents c = cluster("apply")) {
      c.start(ports(1), List.of(), 2);
      try (ClusterPool cp = c.pool().minAgents(1).build(); ProcessPool lp = ProcessPool.builder().processes(2).build()) {
        Pool[] pools = {cp, lp};
        for (Pool p : pools) {
          applyLatencies(p, o.quick ? 500 : 5000); // warm-up: every JIT on the path
        }
        double[][] p50 = new double[2][reps];
        double[][] p99 = new double[2][reps];
        double[][] mean = new double[2][reps];
        for (int r = 0; r < reps; r++) {
          for (int k = 0; k < 2; k++) {
            double[] us = applyLatencies(pools[k], calls);
            p50[k][r] = Stats.percentile(us, 50);
            p99[k][r] = Stats.percentile(us, 99);
            mean[k][r] = Stats.mean(us);
          }
        }
        for (int k = 0; k < 2; k++) {
          String impl = k == 0 ? CLUSTER : LOCAL;
          int agents = k == 0 ? 1 : 0;
          ObjectNode params = JsonLines.obj().put("calls_per_repeat", calls).put("task", "Work::square");
          emit(rec("apply", "round_trip_p50", impl, agents, 2, params, "latency_us", p50[k], 1));
          emit(rec("apply", "round_trip_p99", impl, agents, 2, params, "latency_us", p99[k], 1));
          emit(rec("apply", "round_trip_mean", impl, agents, 2, params, "latency_us", mean[k], 1));
        }
      }
    }
  }

  // ------------------------------------------------------------------ map throughput

  /** items/s of {@code map(Work::square, data, chunksize)} (null: the default chunk size), checked. */
  static double mapRate(Pool p, List<Long> data, Integer chunksize) {
    long t0 = System.nanoTime();
    List<Long> got = chunksize == null ? p.map(Work::square, data) : p.map(Work::square, data, chunksize);
    double dt = Scenarios.secondsSince(t0);
    Scenarios.check(got.size() == data.size(), "map size");
    for (int i = 0; i < got.size(); i++) {
      Scenarios.check(got.get(i) == (long) i * i, "map item " + i);
    }
    return data.size() / dt;
  }

  void map() throws Exception {
    List<Long> small = Scenarios.range(o.quick ? 500 : 2000);
    List<Long> big = Scenarios.range(o.quick ? 20_000 : 200_000);
    int reps = o.reps(5);
    try (ClusterAgents c = cluster("map")) {
      c.start(ports(2), List.of(), 1);
      try (ClusterPool cp = c.pool().minAgents(2).build(); ProcessPool lp = ProcessPool.builder().processes(2).build()) {
        Scenarios.check(cp.processes() == 2, "2 cluster workers, got " + cp.processes());
        Pool[] pools = {cp, lp};
        for (int w = 0; w < (o.quick ? 2 : 10); w++) { // warm-up: the agents' JIT too (2 rounds left them cold)
          for (Pool p : pools) {
            mapRate(p, small, 1);
            if (w < 2) {
              mapRate(p, big, null);
            }
          }
        }
        double[][] one = new double[2][reps];
        double[][] dflt = new double[2][reps];
        for (int r = 0; r < reps; r++) {
          for (int k = 0; k < 2; k++) {
            one[k][r] = mapRate(pools[k], small, 1);
            dflt[k][r] = mapRate(pools[k], big, null);
          }
        }
        for (int k = 0; k < 2; k++) {
          String impl = k == 0 ? CLUSTER : LOCAL;
          int agents = k == 0 ? 2 : 0;
          emit(rec("map", "chunksize_1", impl, agents, 2, JsonLines.obj().put("items", small.size()).put("chunksize", 1),
              "items_per_s", one[k], 1));
          emit(rec("map", "default_chunksize", impl, agents, 2, JsonLines.obj().put("items", big.size())
              .put("chunksize", Scenarios.defaultChunksize(big.size(), 2)), "items_per_s", dflt[k], 1));
        }
      }
    }
  }

  // ------------------------------------------------------------------ S6-like CPU-bound speedup

  void cpu() throws Exception {
    int items = o.quick ? 24 : 120;
    double jitMs = o.quick ? 300 : 1000;
    long end = System.nanoTime() + (long) (jitMs * 1e6);
    long sink = 0;
    while (System.nanoTime() < end) {
      sink += Work.cpuWorkRaw(100_000);
    }
    long n = Scenarios.calibrate((o.quick ? 2.0 : 10.0) / 1e3);
    double[] nine = new double[9];
    for (int i = 0; i < 9; i++) {
      long t0 = System.nanoTime();
      sink += Work.cpuWorkRaw(n);
      nine[i] = Scenarios.secondsSince(t0) * 1e3;
    }
    double perItem = Stats.median(nine);
    Scenarios.log(String.format("cluster cpu: cpuWork n=%d, ~%.2f ms per item serially", n, perItem));
    List<Long> data = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      data.add(n);
    }
    long expect = Work.cpuWorkRaw(n) + (sink == 42 ? 1 : 0);
    int warmPerWorker = (int) Math.max(2, Math.ceil(jitMs / Math.max(0.1, perItem)));
    int reps = o.reps(3);
    List<Integer> ports = ports(3);
    try (ClusterAgents c = cluster("cpu")) {
      for (int k = 1; k <= 3; k++) {
        c.start(List.of(ports.get(k - 1)), ports, 1); // the cluster grows by one agent
        try (ClusterPool cp = c.pool().minAgents(k).build(); ProcessPool lp = ProcessPool.builder().processes(k).build()) {
          Scenarios.check(cp.processes() == k, k + " cluster workers, got " + cp.processes());
          Pool[] pools = {cp, lp};
          for (Pool p : pools) {
            List<Long> warm = new ArrayList<>();
            for (int i = 0; i < p.processes() * warmPerWorker; i++) {
              warm.add(n);
            }
            p.map(Work::cpuWork, warm, 1);
          }
          double[] ser = new double[reps];
          double[][] par = new double[2][reps];
          for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            long last = 0;
            for (int i = 0; i < items; i++) {
              last = Work.cpuWorkRaw(data.get(i));
            }
            ser[r] = Scenarios.secondsSince(t0);
            Scenarios.check(last == expect, "serial");
            for (int j = 0; j < 2; j++) {
              long t1 = System.nanoTime();
              List<Long> got = pools[j].map(Work::cpuWork, data);
              par[j][r] = Scenarios.secondsSince(t1);
              Scenarios.check(got.size() == items && got.stream().allMatch(x -> x == expect), "parallel " + j);
            }
          }
          ObjectNode params = JsonLines.obj().put("items", items).put("cpu_work_n", n)
              .put("chunksize", Scenarios.defaultChunksize(items, k)).put("per_item_ms", Stats.round(perItem, 3))
              .put("warmup_items_per_worker", warmPerWorker);
          emit(rec("cpu", "serial", "serial", 0, 1, params, "time_s", ser, 6));
          for (int j = 0; j < 2; j++) {
            double[] speed = new double[reps];
            for (int r = 0; r < reps; r++) {
              speed[r] = ser[r] / par[j][r];
            }
            ObjectNode pr = rec("cpu", "map_default_chunksize", j == 0 ? CLUSTER : LOCAL, j == 0 ? k : 0, k, params,
                "speedup_vs_serial", speed, 3);
            pr.set("time_s", Stats.summary(par[j], 6).putPOJO("samples", Stats.rounded(par[j], 6)));
            emit(pr);
          }
        }
      }
    }
  }
}
