package io.procpool.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The side-by-side benchmark: scenarios S1-S10 of {@code python_pool_bench.py} on procpool's
 * {@code ProcessPool} and {@code ThreadPool}, printed as JSON lines in the Python script's schema
 * ({@code meta} first, {@code meta_end} last; progress on stderr). With {@code --jmh} as the first
 * argument it runs the JMH microbenchmarks instead (all further arguments go to JMH); with
 * {@code --scale}, the scale curves ({@link Scale}); with {@code --cluster}, the cluster benchmark
 * ({@link ClusterBench}); with {@code --cold}, the cold column ({@link Cold}); with {@code --recycle},
 * replacing workers with and without spares ({@link Recycle}).
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] argv) throws Exception {
    if (argv.length > 0 && argv[0].equals("--jmh")) {
      String[] rest = new String[argv.length - 1];
      System.arraycopy(argv, 1, rest, 0, rest.length);
      org.openjdk.jmh.Main.main(rest);
      return;
    }
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
    if (argv.length > 0 && argv[0].equals("--cluster")) {
      int errors = ClusterBench.run(java.util.Arrays.copyOfRange(argv, 1, argv.length), out);
      out.flush();
      System.exit(errors != 0 ? 1 : 0); // the Hazelcast client's threads are daemons, but do not wait for them
    }
    if (argv.length > 0 && argv[0].equals("--cold")) {
      int errors = Cold.run(java.util.Arrays.copyOfRange(argv, 1, argv.length), out);
      out.flush();
      if (errors != 0) {
        System.exit(1);
      }
      return;
    }
    if (argv.length > 0 && argv[0].equals("--recycle")) {
      int errors = Recycle.run(java.util.Arrays.copyOfRange(argv, 1, argv.length), out);
      out.flush();
      if (errors != 0) {
        System.exit(1);
      }
      return;
    }
    if (argv.length > 0 && argv[0].equals("--scale")) {
      int errors = Scale.run(java.util.Arrays.copyOfRange(argv, 1, argv.length), out);
      out.flush();
      if (errors != 0) {
        System.exit(1);
      }
      return;
    }
    int errors = run(argv, out);
    out.flush();
    if (errors > 0) {
      System.exit(1);
    }
  }

  /**
   * Runs the scenarios and prints the JSON lines to {@code out}.
   *
   * @return the number of scenarios that failed (also listed in the meta_end line), or -1 for a bad
   *     command line
   */
  public static int run(String[] argv, PrintStream out) {
    Args a;
    try {
      a = Args.parse(argv);
    } catch (Args.UsageException e) {
      if (e.getMessage() != null) {
        System.err.println("error: " + e.getMessage());
      }
      System.err.println(Args.USAGE);
      return e.getMessage() == null ? 0 : -1;
    }
    long tStart = System.nanoTime();
    Scenarios sc = new Scenarios(a, out);
    Runtime rt = Runtime.getRuntime();
    ObjectNode meta =
        JsonLines.obj()
            .put("scenario", "meta")
            .put("impl", "procpool")
            .put("java_version", System.getProperty("java.version"))
            .put("java_vendor", System.getProperty("java.vendor"))
            .put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"))
            .put("runtime_version", Runtime.version().toString())
            .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"))
            .put("cpu_count", rt.availableProcessors())
            .put("usable_cpus", rt.availableProcessors())
            .put("max_heap_mib", rt.maxMemory() >> 20)
            .putPOJO("jvm_args", ManagementFactory.getRuntimeMXBean().getInputArguments())
            .put("class_path", System.getProperty("java.class.path"))
            .put("worker_jvm", "java from java.home, class path as the caller's, procpool defaults (-XX:+UseSerialGC)")
            .putPOJO("loadavg_start", Health.loadAverage())
            .put("other_cpu_busy_pct_start", a.skipHealth ? null : Health.cpuBusyPct(1.0));
    meta.set("parallel_capacity_start", a.skipHealth ? null : Health.parallelCapacity(0.2, 3));
    meta.set("args", a.toJson());
    meta.put("time_unix", System.currentTimeMillis() / 1000);
    JsonLines.print(out, meta);
    List<String> errors = new ArrayList<>();
    for (String s : Args.ALL_SCENARIOS) {
      if (!a.scenarios.contains(s)) {
        continue;
      }
      Double busy = a.skipHealth ? null : Health.cpuBusyPct(0.5);
      double waited = 0;
      while (a.waitQuiet > waited && busy != null && busy > a.quietThreshold) {
        Scenarios.log(String.format("%s: other programs use %.0f%% CPU; waiting", s, busy));
        try {
          Thread.sleep(2000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        waited += 2.5;
        busy = Health.cpuBusyPct(0.5);
      }
      sc.context.put("other_cpu_busy_pct_before", busy);
      long t0 = System.nanoTime();
      Scenarios.log(s + " ...");
      try {
        switch (s) {
          case "S1": sc.s1(); break;
          case "S2": sc.s2(); break;
          case "S3": sc.s3(); break;
          case "S4": sc.s4(); break;
          case "S5": sc.s5(); break;
          case "S6": sc.s6(); break;
          case "S7": sc.s7(); break;
          case "S8": sc.s8(); break;
          case "S9": sc.s9(); break;
          case "S10": sc.s10(); break;
          default: throw new IllegalStateException(s);
        }
        Scenarios.log(String.format("%s done in %.1f s", s, (System.nanoTime() - t0) / 1e9));
      } catch (Throwable e) {
        Scenarios.log(s + " FAILED: " + e);
        e.printStackTrace();
        errors.add(s + ": " + e);
      }
    }
    sc.context.removeAll();
    long children = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count();
    ObjectNode end =
        JsonLines.obj()
            .put("scenario", "meta_end")
            .put("total_s", Stats.round((System.nanoTime() - tStart) / 1e9, 2))
            .putPOJO("loadavg_end", Health.loadAverage())
            .put("other_cpu_busy_pct_end", a.skipHealth ? null : Health.cpuBusyPct(1.0));
    end.set("parallel_capacity_end", a.skipHealth ? null : Health.parallelCapacity(0.2, 3));
    end.put("live_child_processes_end", children);
    end.putPOJO("errors", errors);
    JsonLines.print(out, end);
    return errors.size();
  }
}
