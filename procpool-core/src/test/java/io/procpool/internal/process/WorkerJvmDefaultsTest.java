package io.procpool.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.ProcessPool;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The options procpool puts before the user's: the serial collector unless the user picks one, a
 * small initial heap unless the user sizes it.
 */
class WorkerJvmDefaultsTest {
  private static final long GIB = 1L << 30;

  @Test
  void oversubscribedPoolsStartWithTheHeapOfOneWorkerPerCpuUnlessTheUserSizesIt() {
    // 24 GiB: the JVM's default initial heap is 384 MiB; 16 workers on 2 CPUs share 2 x 384
    assertThat(WorkerJvmDefaults.options(List.of(), Map.of(), 16, 2, 24 * GIB)).containsExactly("-XX:+UseSerialGC", "-Xms48m");
    assertThat(WorkerJvmDefaults.options(List.of(), Map.of(), 4, 2, 24 * GIB)).containsExactly("-XX:+UseSerialGC", "-Xms192m");
    assertThat(WorkerJvmDefaults.options(List.of(), Map.of(), 64, 2, 24 * GIB)).contains("-Xms32m"); // the floor
    // not oversubscribed: the JVM's own default
    assertThat(WorkerJvmDefaults.options(List.of(), Map.of(), 2, 2, 24 * GIB)).containsExactly("-XX:+UseSerialGC");
    assertThat(WorkerJvmDefaults.options(List.of(), Map.of(), 1, 8, 24 * GIB)).containsExactly("-XX:+UseSerialGC");
    assertThat(WorkerJvmDefaults.options(List.of("-Dx=1", "-XX:TieredStopAtLevel=1"), Map.of(), 16, 2, 24 * GIB))
        .contains("-Xms48m");
    for (String sizing : List.of("-Xmx16m", "-Xms8m", "-Xmn4m", "-XX:MaxHeapSize=64m", "-XX:InitialHeapSize=8m",
        "-XX:MaxRAMPercentage=5", "-XX:MaxRAM=1g", "-XX:NewSize=2m", " -xmx1g")) {
      assertThat(WorkerJvmDefaults.options(List.of("-Dx=1", sizing), Map.of(), 16, 2, 24 * GIB)).as(sizing)
          .containsExactly("-XX:+UseSerialGC");
    }
    for (String var : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS")) {
      assertThat(WorkerJvmDefaults.options(List.of(), Map.of(var, "-Dfoo=bar  -Xmx24m"), 16, 2, 24 * GIB)).as(var)
          .containsExactly("-XX:+UseSerialGC");
      assertThat(WorkerJvmDefaults.options(List.of(), Map.of(var, "-Dfoo=bar"), 16, 2, 24 * GIB)).as(var)
          .contains("-Xms48m");
    }
    assertThat(WorkerJvmDefaults.options(List.of(), Map.of(), 16, 2, 0)).contains("-Xms32m"); // memory unknown
  }

  static long initialHeap(Object ignored) {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getInit();
  }

  static long maxHeap(Object ignored) {
    return Runtime.getRuntime().maxMemory();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void anOversubscribedPoolsWorkersStartSmallAndAUserMaximumBelowThatStillStarts() {
    int cpus = Runtime.getRuntime().availableProcessors();
    long expected = WorkerJvmDefaults.initialHeapMib(cpus + 1, cpus, WorkerJvmDefaults.physicalMemory()) << 20;
    try (ProcessPool pool = ProcessPool.builder().processes(cpus + 1).build()) {
      assertThat(pool.apply(WorkerJvmDefaultsTest::initialHeap, 0)).isEqualTo(expected);
    }
    // -Xmx16m alone would clash with the default -Xms ("Initial heap size set to a larger value
    // than the maximum heap size"): the default steps aside
    try (ProcessPool pool = ProcessPool.builder().processes(cpus + 1).jvmOptions("-Xmx16m").build()) {
      assertThat(pool.apply(WorkerJvmDefaultsTest::maxHeap, 0)).isLessThanOrEqualTo(16L << 20);
      assertThat(pool.apply(WorkerJvmDefaultsTest::initialHeap, 0)).isLessThanOrEqualTo(16L << 20);
    }
  }

  @Test
  void theSerialCollectorStepsAsideForTheUsersOwn() {
    for (String gc : List.of("-XX:+UseParallelGC", "-XX:+UseG1GC", "-XX:+UseZGC", "-XX:+UseSerialGC", " -XX:+UseEpsilonGC")) {
      assertThat(WorkerJvmDefaults.options(List.of("-Dx=1", gc), Map.of(), 2, 2, 24 * GIB)).as(gc).isEmpty();
      assertThat(WorkerJvmDefaults.options(List.of(gc), Map.of(), 16, 2, 24 * GIB)).as(gc).containsExactly("-Xms48m");
    }
    assertThat(WorkerJvmDefaults.options(List.of(), Map.of("JAVA_TOOL_OPTIONS", "-Da=b -XX:+UseG1GC"), 2, 2, 24 * GIB))
        .isEmpty();
    // options that only tune a collector, or name one in a property, keep the default
    for (String other : List.of("-XX:+UseStringDeduplication", "-XX:ParallelGCThreads=1", "-XX:-UseGCOverheadLimit",
        "-Dgc=-XX:+UseG1GC")) {
      assertThat(WorkerJvmDefaults.options(List.of(other), Map.of(), 2, 2, 24 * GIB)).as(other)
          .containsExactly("-XX:+UseSerialGC");
    }
  }

  static String collectors(Object ignored) {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .map(java.lang.management.GarbageCollectorMXBean::getName).sorted().collect(java.util.stream.Collectors.joining(","));
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aWorkerRunsTheCollectorTheUserPicks() {
    // with the default -XX:+UseSerialGC before it, HotSpot refused to start: "Multiple garbage collectors selected"
    try (ProcessPool pool = ProcessPool.builder().processes(1).jvmOptions("-XX:+UseParallelGC").build()) {
      assertThat(pool.apply(WorkerJvmDefaultsTest::collectors, 0)).isEqualTo("PS MarkSweep,PS Scavenge");
    }
    try (ProcessPool pool = ProcessPool.create(1)) {
      assertThat(pool.apply(WorkerJvmDefaultsTest::collectors, 0)).isEqualTo("Copy,MarkSweepCompact"); // serial
    }
  }
}
