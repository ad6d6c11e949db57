package io.procpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.procpool.testing.Processes;
import io.procpool.testing.Tasks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pools with their own settings: timeouts, recycling, initializers, JVM options, terminate. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProcessPoolLifecycleTest {

  @Test
  void taskTimeoutInterruptsFirstAndTheWorkerSurvives() {
    try (ProcessPool pool = ProcessPool.builder().processes(1).taskTimeout(Duration.ofMillis(300)).build()) {
      List<Long> before = pool.workerPids();
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> pool.apply(Tasks::sleepMillis, 30_000L))
          .cause()
          .isInstanceOf(TaskTimeoutException.class)
          .isInstanceOf(java.util.concurrent.TimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1300));
      assertThat(pool.apply(Tasks::sleepMillis, 1L)).isEqualTo(1L);
      assertThat(pool.workerPids()).isEqualTo(before);
    }
  }

  @Test
  void taskTimeoutKillsAWorkerThatIgnoresInterrupts() {
    try (ProcessPool pool = ProcessPool.builder().processes(1).taskTimeout(Duration.ofMillis(300)).build()) {
      List<Long> before = pool.workerPids();
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> pool.apply(Tasks::spinIgnoringInterrupts, 30_000L))
          .cause()
          .isInstanceOf(TaskTimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1300));
      await().atMost(Duration.ofSeconds(5)).until(() -> Processes.alive(before).isEmpty());
      assertThat(pool.map(Tasks::square, List.of(2, 3), 2)).containsExactly(4, 9);
      assertThat(pool.workerPids()).doesNotContainAnyElementsOf(before);
    }
  }

  @Test
  void maxTasksPerChildReplacesWorkers() {
    try (ProcessPool pool = ProcessPool.builder().processes(1).maxTasksPerChild(3).build()) {
      List<Long> pids = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        pids.add(pool.apply(Tasks::pid, i));
      }
      assertThat(pids.subList(0, 3)).containsOnly(pids.get(0));
      assertThat(pids.subList(3, 6)).containsOnly(pids.get(3));
      assertThat(pids.get(3)).isNotEqualTo(pids.get(0));
      assertThat(pids.get(6)).isNotEqualTo(pids.get(3));
    }
  }

  @Test
  void maxTasksPerChildWithEarlyClose() throws Exception {
    ProcessPool pool = ProcessPool.builder().processes(3).maxTasksPerChild(1).build();
    List<AsyncResult<Object>> results = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int x = i;
      results.add(pool.applyAsync(() -> {
        Thread.sleep(100);
        return x * x;
      }));
    }
    pool.close();
    pool.join();
    for (int i = 0; i < 6; i++) {
      assertThat(results.get(i).get()).isEqualTo(i * i);
    }
  }

  @Test
  void failingInitializerFailsTasksWithItsExceptionWithoutRespawning() {
    try (ProcessPool pool = ProcessPool.builder().processes(2)
        .initializer(() -> {
          throw new IllegalStateException("no database");
        }).build()) {
      List<Long> before = pool.workerPids();
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(() -> pool.apply(Tasks::square, 2))
            .cause()
            .isExactlyInstanceOf(IllegalStateException.class)
            .hasMessage("no database");
      }
      assertThat(pool.workerPids()).containsExactlyInAnyOrderElementsOf(before);
    }
  }

  @Test
  void initializerRunsOnceInEveryWorkerBeforeTasks() {
    try (ProcessPool pool = ProcessPool.builder().processes(2)
        .initializer(() -> System.setProperty("initialized", "yes:" + ProcessHandle.current().pid())).build()) {
      List<String> seen = pool.map(x -> System.getProperty("initialized"), IntStream.range(0, 20).boxed().collect(Collectors.toList()), 1);
      assertThat(seen).allMatch(s -> s.startsWith("yes:"));
      assertThat(seen.stream().map(s -> s.substring(4)).collect(Collectors.toSet()))
          .isSubsetOf(pool.workerPids().stream().map(String::valueOf).collect(Collectors.toSet()));
    }
  }

  @Test
  void outOfMemoryIsReportedAndThePoolGoesOn() {
    try (ProcessPool pool = ProcessPool.builder().processes(1).jvmOptions("-Xmx64m").build()) {
      assertThatThrownBy(() -> pool.apply(Tasks::allocateForever, 8))
          .cause()
          .satisfiesAnyOf(
              c -> assertThat(c).isInstanceOf(OutOfMemoryError.class),
              c -> assertThat(c).isInstanceOf(WorkerCrashedException.class).hasMessageContaining("out of memory"));
      assertThat(pool.apply(Tasks::square, 5)).isEqualTo(25);
    }
  }

  @Test
  void badJvmOptionFailsTheBuildWithTheJvmsMessage() {
    assertThatThrownBy(() -> ProcessPool.builder().processes(2).jvmOptions("-Xmx-1").build())
        .isInstanceOf(WorkerStartException.class)
        .hasMessageContaining("Invalid maximum heap size");
  }

  @Test
  void missingJavaFailsTheBuild() {
    assertThatThrownBy(() -> ProcessPool.builder().processes(1).javaCommand("/nonexistent/java").build())
        .isInstanceOf(WorkerStartException.class)
        .hasMessageContaining("/nonexistent/java");
  }

  @Test
  void terminateWithThousandsOfTasksReturnsFastAndFailsEverything() {
    ProcessPool pool = ProcessPool.create(2);
    List<Long> pids = pool.workerPids();
    AsyncResult<List<Object>> r = pool.mapAsync(Tasks::sleepMillis, java.util.Collections.nCopies(5000, 60_000L), 1);
    List<AsyncResult<Object>> singles = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      singles.add(pool.applyAsync(Tasks::sleepMillis, 60_000L));
    }
    long t0 = System.nanoTime();
    pool.terminate();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    assertThatThrownBy(r::get).isInstanceOf(ExecutionException.class).cause().isInstanceOf(PoolTerminatedException.class);
    for (AsyncResult<Object> s : singles) {
      assertThat(s.ready()).isTrue();
      assertThat(s.successful()).isFalse();
    }
    assertThat(Processes.alive(pids)).isEmpty();
    pool.join();
    assertThatThrownBy(() -> pool.apply(Tasks::square, 1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void workerOutputIsForwardedWithItsId() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (ProcessPool pool = ProcessPool.create(1)) {
      pool.apply(() -> {
        System.out.println("hello from the worker");
        return null;
      });
      await().atMost(Duration.ofSeconds(5))
          .until(() -> captured.toString(StandardCharsets.UTF_8).matches("(?s).*\\[procpool-\\d+ worker-1\\] hello from the worker.*"));
    } finally {
      System.setOut(original);
    }
  }

  @Test
  void closeWaitsForSubmittedWorkAndWorkersExit() throws Exception {
    ProcessPool pool = ProcessPool.create(2);
    List<Long> pids = pool.workerPids();
    AsyncResult<List<Object>> r = pool.mapAsync(Tasks::sleepMillis, List.of(200L, 200L, 200L), 1);
    pool.close();
    assertThat(r.ready()).isTrue();
    assertThat(r.get()).containsExactly(200L, 200L, 200L);
    assertThat(Processes.alive(pids)).isEmpty();
    pool.join();
    pool.close();
    assertThatThrownBy(() -> pool.map(Tasks::square, List.of(1))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void workersDieWhenTheParentIsKilled() throws Exception {
    Process parent = new ProcessBuilder(Processes.java(), "-cp", System.getProperty("java.class.path"),
        "io.procpool.testing.ParentMain", "hold").redirectErrorStream(true).start();
    Set<Long> pids = new HashSet<>();
    java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("pids ")) {
        for (String p : line.substring(5).split(",")) {
          pids.add(Long.parseLong(p.trim()));
        }
        break;
      }
    }
    assertThat(pids).hasSize(2);
    assertThat(Processes.alive(pids)).hasSize(2);
    Processes.signal(parent.pid(), "KILL");
    parent.waitFor();
    await().atMost(Duration.ofSeconds(3)).until(() -> Processes.alive(pids).isEmpty());
  }

  @Test
  void aProgramThatForgetsToCloseItsPoolStillExits() throws Exception {
    Process parent = new ProcessBuilder(Processes.java(), "-cp", System.getProperty("java.class.path"),
        "io.procpool.testing.ParentMain", "return").redirectErrorStream(true).start();
    String text = new String(parent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(parent.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(parent.exitValue()).isEqualTo(0);
    assertThat(text).contains("result [1, 4, 9]");
    Set<Long> pids = new HashSet<>();
    for (String l : text.split("\n")) {
      if (l.startsWith("pids ")) {
        for (String p : l.substring(5).split(",")) {
          pids.add(Long.parseLong(p.trim()));
        }
      }
    }
    assertThat(pids).hasSize(2);
    await().atMost(Duration.ofSeconds(3)).until(() -> Processes.alive(pids).isEmpty());
  }
}
