package io.procpool.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Command-line options of {@link BenchMain}; names and defaults follow the Python reference. */
final class Args {
  static final List<String> ALL_SCENARIOS =
      List.of("S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10");
  static final String PROCESS = "ProcessPool";
  static final String THREAD = "ThreadPool";

  List<String> scenarios = new ArrayList<>(ALL_SCENARIOS);
  List<Integer> processes = new ArrayList<>(List.of(2, 4));
  List<String> allProcessesFor = new ArrayList<>(List.of("S1", "S2", "S6", "S7", "S8"));
  List<String> impls = new ArrayList<>(List.of(PROCESS, THREAD));
  int repeats;
  boolean quick;
  boolean skipHealth;
  boolean s1TaskBarrier;
  double waitQuiet;
  double quietThreshold = 10.0;

  long s2N = 1_000_000;
  long s2NCs1 = 100_000;
  long s3N = 100_000;
  long s4N = 10_000;
  long s5N = 100_000;
  int s6Items = 200;
  double s6TargetMs = 10.0;
  long s6N;
  double s6JitWarmupMs = 1000;
  int s7Items = 200;
  double s7SizeMib = 1.0;
  long s8N = 1_000_000;
  long s8Chunk = 10_000;
  long s9N = 10_000;
  double s10Timeout = 5.0;

  final List<String> raw = new ArrayList<>();

  static final String USAGE =
      String.join(
          "\n",
          "usage: java -jar procpool-bench.jar [options]          (scenarios S1-S10, JSON lines on stdout)",
          "       java -jar procpool-bench.jar --jmh [JMH options] (JMH microbenchmarks, see README)",
          "       java -Xmx2g -jar procpool-bench.jar --scale [--quick] [--parts ...] (scale curves, see README)",
          "",
          "  --quick                 tiny sizes, the same as python_pool_bench.py --quick (< 1 min)",
          "  --scenarios S1,S2,...   which scenarios (default: all, S1-S10)",
          "  --processes 2,4         pool sizes (default 2,4); see --all-processes-for",
          "  --all-processes-for L   scenarios run for every pool size (default S1,S2,S6,S7,S8);",
          "                          the others only for the first size",
          "  --impls ProcessPool,ThreadPool   which pools (default both)",
          "  --repeats N             timed repetitions of every scenario (default: as in Python)",
          "  --wait-quiet SECONDS    before each scenario wait up to SECONDS until other programs use",
          "                          less than --quiet-threshold % (default 10) of the CPUs",
          "  --skip-health           do not measure the health figures (for tests)",
          "  --s1-task-barrier       add the S1 variant task_barrier_probe (barrier inside the n tasks,",
          "                          as the README words it; see README for why it can get stuck)",
          "  sizes: --s2-n --s2-n-cs1 --s3-n --s4-n --s5-n --s6-items --s6-target-ms --s6-n",
          "         --s6-jit-warmup-ms --s7-items --s7-size-mib --s8-n --s8-chunk --s9-n --s10-timeout");

  static Args parse(String[] argv) {
    Args a = new Args();
    a.raw.addAll(Arrays.asList(argv));
    boolean repeatsGiven = false;
    for (int i = 0; i < argv.length; i++) {
      String arg = argv[i];
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      switch (arg) {
        case "--quick":
          a.quick = true;
          continue;
        case "--skip-health":
          a.skipHealth = true;
          continue;
        case "--s1-task-barrier":
          a.s1TaskBarrier = true;
          continue;
        case "-h":
        case "--help":
          throw new UsageException(null);
        default:
          break;
      }
      if (value == null) {
        if (i + 1 >= argv.length) {
          throw new UsageException("missing value for " + arg);
        }
        value = argv[++i];
      }
      try {
        switch (arg) {
          case "--scenarios":
            a.scenarios = csv(value);
            for (String s : a.scenarios) {
              if (!ALL_SCENARIOS.contains(s)) {
                throw new UsageException("unknown scenario " + s + " (known: " + ALL_SCENARIOS + ")");
              }
            }
            break;
          case "--processes":
            a.processes = new ArrayList<>();
            for (String s : csv(value)) {
              int p = Integer.parseInt(s);
              if (p < 1) {
                throw new UsageException("--processes: " + p);
              }
              a.processes.add(p);
            }
            break;
          case "--all-processes-for":
            a.allProcessesFor = csv(value);
            break;
          case "--impls":
            a.impls = csv(value);
            for (String s : a.impls) {
              if (!s.equals(PROCESS) && !s.equals(THREAD)) {
                throw new UsageException("unknown impl " + s);
              }
            }
            break;
          case "--repeats":
            a.repeats = Integer.parseInt(value);
            repeatsGiven = true;
            break;
          case "--wait-quiet":
            a.waitQuiet = Double.parseDouble(value);
            break;
          case "--quiet-threshold":
            a.quietThreshold = Double.parseDouble(value);
            break;
          case "--s2-n":
            a.s2N = Long.parseLong(value);
            break;
          case "--s2-n-cs1":
            a.s2NCs1 = Long.parseLong(value);
            break;
          case "--s3-n":
            a.s3N = Long.parseLong(value);
            break;
          case "--s4-n":
            a.s4N = Long.parseLong(value);
            break;
          case "--s5-n":
            a.s5N = Long.parseLong(value);
            break;
          case "--s6-items":
            a.s6Items = Integer.parseInt(value);
            break;
          case "--s6-target-ms":
            a.s6TargetMs = Double.parseDouble(value);
            break;
          case "--s6-n":
            a.s6N = Long.parseLong(value);
            break;
          case "--s6-jit-warmup-ms":
            a.s6JitWarmupMs = Double.parseDouble(value);
            break;
          case "--s7-items":
            a.s7Items = Integer.parseInt(value);
            break;
          case "--s7-size-mib":
            a.s7SizeMib = Double.parseDouble(value);
            break;
          case "--s8-n":
            a.s8N = Long.parseLong(value);
            break;
          case "--s8-chunk":
            a.s8Chunk = Long.parseLong(value);
            break;
          case "--s9-n":
            a.s9N = Long.parseLong(value);
            break;
          case "--s10-timeout":
            a.s10Timeout = Double.parseDouble(value);
            break;
          default:
            throw new UsageException("unknown option " + arg);
        }
      } catch (NumberFormatException e) {
        throw new UsageException("bad number for " + arg + ": " + value);
      }
    }
    if (a.quick) {
      // the same sizes as python_pool_bench.py --quick
      a.s2N = 20_000;
      a.s2NCs1 = 2_000;
      a.s3N = 2_000;
      a.s4N = 300;
      a.s5N = 2_000;
      a.s9N = 300;
      a.s6Items = 8;
      a.s6TargetMs = 2.0;
      a.s6JitWarmupMs = 300;
      a.s7Items = 8;
      a.s8N = 100_000;
      a.s10Timeout = 1.0;
      if (!repeatsGiven) {
        a.repeats = 2;
      }
    }
    return a;
  }

  int reps(int dflt) {
    return repeats > 0 ? repeats : dflt;
  }

  List<Integer> procsFor(String scenario) {
    return allProcessesFor.contains(scenario) ? processes : processes.subList(0, 1);
  }

  /** Every option, for the meta record. */
  ObjectNode toJson() {
    return JsonLines.obj()
        .putPOJO("argv", raw)
        .putPOJO("scenarios", scenarios)
        .putPOJO("processes", processes)
        .putPOJO("all_processes_for", allProcessesFor)
        .putPOJO("impls", impls)
        .put("repeats", repeats)
        .put("quick", quick)
        .put("s1_task_barrier", s1TaskBarrier)
        .put("wait_quiet", waitQuiet)
        .put("quiet_threshold", quietThreshold)
        .put("s2_n", s2N)
        .put("s2_n_cs1", s2NCs1)
        .put("s3_n", s3N)
        .put("s4_n", s4N)
        .put("s5_n", s5N)
        .put("s6_items", s6Items)
        .put("s6_target_ms", s6TargetMs)
        .put("s6_n", s6N)
        .put("s6_jit_warmup_ms", s6JitWarmupMs)
        .put("s7_items", s7Items)
        .put("s7_size_mib", s7SizeMib)
        .put("s8_n", s8N)
        .put("s8_chunk", s8Chunk)
        .put("s9_n", s9N)
        .put("s10_timeout", s10Timeout);
  }

  private static List<String> csv(String s) {
    List<String> out = new ArrayList<>();
    for (String x : s.split(",")) {
      if (!x.isBlank()) {
        out.add(x.trim());
      }
    }
    return out;
  }

  /** A bad command line; the message (or null for --help) goes to stderr with the usage. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
