package io.procpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procpool.testing.Processes;
import io.procpool.testing.Tasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code retries(n)} for crashed and timed-out tasks, and {@code maxMemoryPerChild}. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RetriesAndRecyclingTest {

  /** Exits the worker on its first run (marked by a file), returns {@code x * 10} on the next. */
  static Object exitOnFirstRun(String marker, int x) throws Exception {
    Path p = Path.of(marker);
    Files.writeString(p, "run\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    if (Files.readAllLines(p).size() == 1) {
      Runtime.getRuntime().halt(13);
    }
    return x * 10;
  }

  static Object throwAndCount(String marker) throws Exception {
    Files.writeString(Path.of(marker), "run\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    throw new IllegalArgumentException("not retried");
  }

  static Object hangOnFirstRun(String marker) throws Exception {
    Path p = Path.of(marker);
    Files.writeString(p, "run\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    if (Files.readAllLines(p).size() == 1) {
      Tasks.spinIgnoringInterrupts(60_000);
    }
    return "second run";
  }

  @Test
  void aCrashedTaskRunsAgainWhenRetriesAreOn(@TempDir Path dir) throws Exception {
    String marker = dir.resolve("runs").toString();
    try (ProcessPool pool = ProcessPool.builder().processes(2).retries(1).build()) {
      Object result = pool.apply(x -> exitOnFirstRun(marker, (Integer) x), 4);
      assertThat(result).isEqualTo(40);
      assertThat(Files.readAllLines(Path.of(marker))).hasSize(2);
    }
  }

  @Test
  void withoutRetriesTheCrashIsReported(@TempDir Path dir) {
    String marker = dir.resolve("runs").toString();
    try (ProcessPool pool = ProcessPool.create(1)) {
      assertThatThrownBy(() -> pool.apply(x -> exitOnFirstRun(marker, (Integer) x), 4))
          .cause().isInstanceOf(WorkerCrashedException.class).hasMessageContaining("code 13");
    }
  }

  @Test
  void aTaskThatThrowsIsNeverRetried(@TempDir Path dir) throws Exception {
    String marker = dir.resolve("runs").toString();
    try (ProcessPool pool = ProcessPool.builder().processes(1).retries(3).build()) {
      assertThatThrownBy(() -> pool.apply(() -> throwAndCount(marker))).cause().isInstanceOf(IllegalArgumentException.class);
      assertThat(Files.readAllLines(Path.of(marker))).hasSize(1);
    }
  }

  @Test
  void aTimedOutTaskRunsAgainWhenRetriesAreOn(@TempDir Path dir) throws Exception {
    String marker = dir.resolve("runs").toString();
    try (ProcessPool pool = ProcessPool.builder().processes(1).retries(1).taskTimeout(Duration.ofMillis(300)).build()) {
      Object result = pool.apply(() -> hangOnFirstRun(marker));
      assertThat(result).isEqualTo("second run");
    }
  }

  @Test
  void retriesAreBounded(@TempDir Path dir) {
    try (ProcessPool pool = ProcessPool.builder().processes(1).retries(2).build()) {
      assertThatThrownBy(() -> pool.apply(Tasks::haltWith, 5))
          .cause().isInstanceOf(WorkerCrashedException.class).hasMessageContaining("code 5");
    }
  }

  @Test
  void invalidRetriesAndMemoryLimitsAreRejected() {
    assertThatThrownBy(() -> ProcessPool.builder().retries(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retries");
    assertThatThrownBy(() -> ProcessPool.builder().maxMemoryPerChild(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxMemoryPerChild");
  }

  /** Keeps 48 MiB reachable from a static field: a leak. */
  static final List<byte[]> LEAK = new ArrayList<>();

  static long leak(int mb) {
    for (int i = 0; i < mb; i++) {
      LEAK.add(new byte[1 << 20]);
    }
    return ProcessHandle.current().pid();
  }

  @Test
  void aWorkerWhoseHeapStaysAboveTheLimitIsReplaced() {
    try (ProcessPool pool = ProcessPool.builder().processes(1).maxMemoryPerChild(32L << 20).build()) {
      long small = pool.apply(Tasks::pid, 0);
      assertThat(pool.apply(Tasks::pid, 0)).isEqualTo(small);
      long leaky = pool.apply(RetriesAndRecyclingTest::leak, 48);
      assertThat(leaky).isEqualTo(small);
      long after = pool.apply(Tasks::pid, 0);
      assertThat(after).isNotEqualTo(leaky);
      assertThat(Processes.isAlive(leaky)).isFalse();
    }
  }
}
