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



  /**
   * The worker watches stdin through a Selector (one "procpool-lifeline" thread), not with a blocking
   * read that would delay a task's Runtime.halt by 300 ms: the fallback threads must not be in use.
   */
  @Test
  void workersWatchStdinWithoutABlockingRead() {
    try (ProcessPool pool = ProcessPool.create(1)) {
      List<String> names = pool.apply(() -> Thread.getAllStackTraces().keySet().stream()
          .map(Thread::getName).sorted().collect(Collectors.toList()));
      assertThat(names).contains("procpool-lifeline").doesNotContain("procpool-lifeline-stdin", "procpool-lifeline-parent");
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

  @Test
  void closeRightAfterACrashLeavesNoReplacementBehind() {
    for (int i = 0; i < 5; i++) {
      try (ProcessPool pool = ProcessPool.create(1)) {
        assertThatThrownBy(() -> pool.apply(Tasks::exitWith, 3)).isInstanceOf(TaskFailedException.class);
      }
      List<Long> children = ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toList());
      assertThat(Processes.alive(children)).as("round %d", i).isEmpty();
    }
  }

  @Test
  void closeReturnsAfterTheWorkersOutputHasArrived() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      try (ProcessPool pool = ProcessPool.create(1)) {
        pool.apply(() -> {
          System.out.println("last words");
          return null;
        });
      }
      assertThat(captured.toString(StandardCharsets.UTF_8)).contains("last words");
    } finally {
      System.setOut(original);
    }
  }

  @Test
  void anUnserializableCaptureIsNamedWithTheUsersClass() {
    Object notSerializable = new Object();
    try (ProcessPool pool = ProcessPool.create(1)) {
      assertThatThrownBy(() -> pool.apply(() -> notSerializable.hashCode()))
          .cause()
          .isInstanceOf(java.io.NotSerializableException.class)
          .hasMessageContaining("java.lang.Object is not Serializable")
          .hasMessageContaining("a lambda in " + ProcessPoolLifecycleTest.class.getName())
          .hasMessageNotContaining("Calls$CallTask");
    }
  }
}
