package io.procpool.internal.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JVM options procpool gives every worker before the user's own ({@code jvmOptions}, which
 * come after and so win).
 *
 * <ul>
 *   <li>{@code -XX:+UseSerialGC}: one collector thread, no concurrent threads; a worker's heap is
 *       small and its pauses are its own. Left out when the user picks a collector (any {@code
 *       -XX:+Use...GC}), since HotSpot refuses to start with two ("Multiple garbage collectors
 *       selected").
 *   <li>{@code -Xms<n>m} when the pool has more workers than CPUs: the workers together start
 *       with the initial heap that one worker per CPU would have (the JVM's default initial heap is
 *       1/64 of the machine's memory, a third of it young generation), at least
 *       {@value #MIN_INITIAL_HEAP_MIB} MiB each; the heap still grows as the tasks need, up to the
 *       JVM's default maximum. Each worker touches its young generation's fresh pages before its
 *       first collection: with 16 workers on 2 CPUs (384 MiB default initial heap here, 48 MiB
 *       with this option) a {@code map} of 10^6 Longs spent most of its time in the kernel's page
 *       faults: 2.1-2.8 M items/s without the option, 6.9-9.1 M/s with it (system CPU time
 *       4.7-8.9 s down to 1.6-1.9 s). Not up to the CPU count: there a young generation that holds
 *       a batch of large arrays matters more (2 workers with 32 MiB took 1 MiB payloads in 25 MiB
 *       batches at 1366-2159 instead of 3120-3498 MiB/s), and 2 workers' {@code map} of Longs
 *       gained nothing. Left out when the user sizes the heap in any way (so that, say,
 *       {@code -Xmx16m} does not clash with it).
 * </ul>
 *
 * <p>Stateless; thread-safe.
 */
final class WorkerJvmDefaults {
  /** The smallest initial heap procpool gives a worker of an oversubscribed pool. */
  static final int MIN_INITIAL_HEAP_MIB = 32;

  /**
   * Options that size the heap (prefixes, lower case; {@code -xx:maxram} also covers
   * {@code MaxRAMPercentage} and {@code MaxRAMFraction}): with any of them we leave the heap alone.
   */
  private static final String[] HEAP_SIZING = {
    "-xms", "-xmx", "-xmn", "-xx:initialheapsize", "-xx:maxheapsize", "-xx:minheapsize", "-xx:newsize",
    "-xx:maxnewsize", "-xx:maxram", "-xx:initialram", "-xx:minram"
  };

  /** Environment variables the {@code java} launcher reads options from. */
  private static final String[] OPTION_VARIABLES = {"JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"};

  private WorkerJvmDefaults() {}

  /**
   * The default options for the workers of a pool.
   *
   * @param userOptions the pool's {@code jvmOptions}
   * @param env the workers' environment (the caller's)
   * @param processes the pool's number of workers
   * @param cpus the CPUs the caller's JVM sees
   * @param memoryBytes the machine's (or container's) memory
   * @return the options to put before the user's
   */
  static List<String> options(List<String> userOptions, Map<String, String> env, int processes, int cpus, long memoryBytes) {
    return options(userOptions, env, processes, cpus, () -> memoryBytes);
  }

  /**
   * As above, asking for the memory only when it is used (an oversubscribed pool): reading it
   * loads the JDK's management and cgroup classes, ~15 ms of a program's first pool.
   */
  static List<String> options(
      List<String> userOptions, Map<String, String> env, int processes, int cpus, java.util.function.LongSupplier memoryBytes) {
    List<String> out = new ArrayList<>();
    if (!anyOption(userOptions, env, WorkerJvmDefaults::selectsCollector)) {
      out.add("-XX:+UseSerialGC");
    }
    if (processes > cpus && !sizesHeap(userOptions, env)) {
      out.add("-Xms" + initialHeapMib(processes, cpus, memoryBytes.getAsLong()) + "m");
    }
    return out;
  }

  /** The initial heap of one worker when {@code processes} share {@code cpus}: see the class comment. */
  static long initialHeapMib(int processes, int cpus, long memoryBytes) {
    long jvmDefaultMib = (memoryBytes / 64) >> 20;
    return Math.max(MIN_INITIAL_HEAP_MIB, jvmDefaultMib * cpus / processes);
  }

  /** The machine's memory as the JDK sees it (a container's limit inside one), or 0 if unknown. */
  static long physicalMemory() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      return ((com.sun.management.OperatingSystemMXBean) os).getTotalMemorySize();
    }
    return 0;
  }

  /** Whether the user's options, or the launcher's option variables, size the heap. */
  static boolean sizesHeap(List<String> userOptions, Map<String, String> env) {
    return anyOption(userOptions, env, WorkerJvmDefaults::isHeapSizing);
  }

  /** Whether an option picks a garbage collector ({@code -XX:+UseG1GC}, {@code -XX:+UseZGC}, ...). */
  static boolean selectsCollector(String option) {
    String o = option.trim();
    return o.startsWith("-XX:+Use") && o.endsWith("GC");
  }

  /** Whether one of the user's options, or of the launcher's option variables, satisfies {@code test}. */
  private static boolean anyOption(
      List<String> userOptions, Map<String, String> env, java.util.function.Predicate<String> test) {
    for (String o : userOptions) {
      if (test.test(o)) {
        return true;
      }
    }
    for (String v : OPTION_VARIABLES) {
      String value = env.get(v);
      if (value != null) {
        for (String o : value.trim().split("\\s+")) {
          if (test.test(o)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean isHeapSizing(String option) {
    String o = option.trim().toLowerCase(Locale.ROOT);
    for (String p : HEAP_SIZING) {
      if (o.startsWith(p)) {
        return true;
      }
    }
    return false;
  }
}
