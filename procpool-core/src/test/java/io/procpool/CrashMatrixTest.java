package io.procpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.procpool.testing.Processes;
import io.procpool.testing.Tasks;
import java.io.FileNotFoundException;
import java.io.NotSerializableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.HashSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The crash matrix: for each way a task can fail (issue "Never hang, never lose", rows 1-17), what
 * the caller sees, in bounded time, and that the pool runs a task afterwards. Test names carry the
 * row number; docs/failure-model.md lists the rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CrashMatrixTest {
  private ProcessPool pool;

  @BeforeAll
  void start() {
    pool = ProcessPool.create(2);
  }

  @AfterAll
  void stop() {
    List<Long> pids = pool.workerPids();
    pool.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> Processes.alive(pids).isEmpty());
  }

  private void stillWorks() {
    assertThat(pool.map(Tasks::square, List.of(1, 2, 3, 4, 5))).containsExactly(1, 4, 9, 16, 25);
    await().atMost(Duration.ofSeconds(20)).until(() -> pool.workerPids().size() == 2);
  }

  @Test
  void row04_checkedExceptionIsRebuiltWithWorkerFrames() {
    assertThatThrownBy(() -> pool.apply(Tasks::throwChecked, "no such file"))
        .isInstanceOf(TaskFailedException.class)
        .cause()
        .isExactlyInstanceOf(FileNotFoundException.class)
        .hasMessage("no such file");
    try {
      pool.apply(Tasks::throwChecked, "x");
    } catch (TaskFailedException e) {
      assertThat(e.getCause().getStackTrace()).anyMatch(f -> f.getMethodName().equals("throwChecked"));
    }
    stillWorks();
  }

  @Test
  void row04_stackOverflowErrorArrives() {
    assertThatThrownBy(() -> pool.apply(Tasks::recurse, 0))
        .isInstanceOf(TaskFailedException.class)
        .cause()
        .isExactlyInstanceOf(StackOverflowError.class);
    stillWorks();
  }

  @Test
  void row10_unserializableExceptionBecomesRemoteException() {
    assertThatThrownBy(() -> pool.apply(Tasks::throwUnserializable, "bad payload"))
        .isInstanceOf(TaskFailedException.class)
        .cause()
        .isExactlyInstanceOf(RemoteException.class)
        .satisfies(c -> {
          RemoteException r = (RemoteException) c;
          assertThat(r.remoteClassName()).isEqualTo(Tasks.UnserializableException.class.getName());
          assertThat(r.remoteMessage()).isEqualTo("bad payload");
          assertThat(r.getStackTrace()).anyMatch(f -> f.getMethodName().equals("throwUnserializable"));
        });
    stillWorks();
  }

  @Test
  void row05_systemExitNamesTheCodeAndTheWorkerIsReplaced() {
    List<Long> before = pool.workerPids();
    assertThatThrownBy(() -> pool.apply(Tasks::exitWith, 7))
        .isInstanceOf(TaskFailedException.class)
        .cause()
        .isExactlyInstanceOf(WorkerCrashedException.class)
        .hasMessageContaining("exited with code 7")
        .hasMessageContaining("System.exit")
        .satisfies(c -> assertThat(((WorkerCrashedException) c).exitCode()).isEqualTo(7));
    stillWorks();
    assertThat(pool.workerPids()).isNotEqualTo(before);
  }

  @Test
  void row05_haltNamesTheCode() {
    assertThatThrownBy(() -> pool.apply(Tasks::haltWith, 3))
        .cause()
        .isExactlyInstanceOf(WorkerCrashedException.class)
        .hasMessageContaining("exited with code 3");
    stillWorks();
  }

  @Test
  void row06_sigkillNamesTheSignalAndPid() {
    AsyncResult<Object> r = pool.applyAsync(Tasks::killSelf, "KILL");
    assertThatThrownBy(r::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isExactlyInstanceOf(WorkerCrashedException.class)
        .hasMessageContaining("signal 9")
        .hasMessageContaining("SIGKILL")
        .satisfies(c -> {
          WorkerCrashedException w = (WorkerCrashedException) c;
          assertThat(w.signal()).isEqualTo(9);
          assertThat(w.getMessage()).contains("pid " + w.pid());
        });
    stillWorks();
  }

  @Test
  void row06_aDeathFailsOnlyTheTaskThatWasRunning() throws Exception {
    List<Object> items = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      items.add(i == 7 ? -1 : i);
    }
    try (ResultIterator<Object> it = pool.imap(x -> (Integer) x < 0 ? Tasks.exitWith(9) : Tasks.square((Integer) x), items)) {
      for (int i = 0; i < 20; i++) {
        if (i == 7) {
          int index = i;
          assertThatThrownBy(it::next)
              .isInstanceOf(TaskFailedException.class)
              .satisfies(e -> assertThat(((TaskFailedException) e).index()).isEqualTo(index))
              .cause()
              .isInstanceOf(WorkerCrashedException.class);
        } else {
          assertThat(it.next()).isEqualTo(i * i);
        }
      }
      assertThat(it.hasNext()).isFalse();
    }
    stillWorks();
  }

  @Test
  void row01_unserializableFunctionNamesTheClass() {
    Tasks.Opaque captured = new Tasks.Opaque(3);
    assertThatThrownBy(() -> pool.map(x -> (Integer) x + captured.value, List.of(1, 2)))
        .isInstanceOf(TaskFailedException.class)
        .cause()
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining(Tasks.Opaque.class.getName());
    stillWorks();
  }

  @Test
  void row01_unserializableArgumentFailsOnlyItsItem() {
    List<Object> items = Arrays.asList(1, new Tasks.Opaque(2), 3, new Tasks.FailsOnWrite(), 5);
    try (ResultIterator<Object> it = pool.imap(x -> x instanceof Integer ? Tasks.square((Integer) x) : "?", items, 5)) {
      assertThat(it.next()).isEqualTo(1);
      assertThatThrownBy(it::next).cause().isInstanceOf(NotSerializableException.class)
          .hasMessageContaining(Tasks.Opaque.class.getName());
      assertThat(it.next()).isEqualTo(9);
      assertThatThrownBy(it::next).cause().hasMessageContaining("FailsOnWrite refuses");
      assertThat(it.next()).isEqualTo(25);
    }
    stillWorks();
  }

  @Test
  void row02_argumentThatFailsToDeserializeInTheWorker() {
    assertThatThrownBy(() -> pool.apply(x -> "ran", new Tasks.FailsOnRead()))
        .cause()
        .hasMessageContaining("FailsOnRead refuses to be read")
        .satisfies(c -> assertThat(c.getStackTrace()).anyMatch(f -> f.getClassName().contains("WorkerMain")));
    stillWorks();
  }

  @Test
  void row03_argumentWhoseDeserializationExitsTheWorker() {
    assertThatThrownBy(() -> pool.apply(x -> "ran", new Tasks.ExitsOnRead()))
        .cause()
        .isExactlyInstanceOf(WorkerCrashedException.class)
        .hasMessageContaining("exited with code 42");
    stillWorks();
  }

  @Test
  void row08_unserializableResultNamesTheClass() {
    assertThatThrownBy(() -> pool.apply(Tasks::returnOpaque, 1))
        .cause()
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining("result")
        .hasMessageContaining(Tasks.Opaque.class.getName());
    stillWorks();
  }

  @Test
  void badInputIsRejectedAtTheCallAndThePoolGoesOn() {
    assertThatThrownBy(() -> pool.map(null, List.of(1))).isInstanceOf(NullPointerException.class).hasMessageContaining("fn");
    assertThatThrownBy(() -> pool.map(Tasks::square, List.of(1), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chunksize");
    stillWorks();
  }

  @Test
  void row09_resultThatFailsToDeserializeInTheCaller() {
    assertThatThrownBy(() -> pool.apply(Tasks::returnUnreadable, 1))
        .cause()
        .isInstanceOf(java.io.InvalidObjectException.class)
        .hasMessageContaining("cannot be read in the caller");
    stillWorks();
  }

  @Test
  void row10_exceptionThatCannotBeRebuiltInTheCaller() {
    assertThatThrownBy(() -> pool.apply(Tasks::throwUnreadable, "lost in transit"))
        .cause()
        .isExactlyInstanceOf(RemoteException.class)
        .hasMessageContaining(Tasks.UnreadableException.class.getName())
        .hasMessageContaining("lost in transit");
    stillWorks();
  }

  @Test
  void row11_taskTimeoutInterruptsFirstAndTheWorkerSurvives() {
    try (ProcessPool pool = ProcessPool.builder().processes(1).taskTimeout(Duration.ofMillis(300)).build()) {
      List<Long> before = pool.workerPids();
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> pool.apply(Tasks::sleepMillis, 30_000L))
          .cause()
          .isInstanceOf(TaskTimeoutException.class)
          .isInstanceOf(java.util.concurrent.TimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5)); // far below the task's 30 s; the exact figure is for the benchmark
      assertThat(pool.apply(Tasks::sleepMillis, 1L)).isEqualTo(1L);
      assertThat(pool.workerPids()).isEqualTo(before);
    }
  }
  @Test
  void row11_taskTimeoutKillsAWorkerThatIgnoresInterrupts() {
    try (ProcessPool pool = ProcessPool.builder().processes(1).taskTimeout(Duration.ofMillis(300)).build()) {
      List<Long> before = pool.workerPids();
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> pool.apply(Tasks::spinIgnoringInterrupts, 30_000L))
          .cause()
          .isInstanceOf(TaskTimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5)); // far below the task's 30 s; the exact figure is for the benchmark
      await().atMost(Duration.ofSeconds(5)).until(() -> Processes.alive(before).isEmpty());
      assertThat(pool.map(Tasks::square, List.of(2, 3), 2)).containsExactly(4, 9);
      assertThat(pool.workerPids()).doesNotContainAnyElementsOf(before);
    }
  }
  @Test
  void row12_failingInitializerFailsTasksWithoutRespawning() {
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
  void row07_outOfMemoryIsReportedAndThePoolGoesOn() {
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
  void row17_badJvmOptionFailsTheBuildWithTheJvmsMessage() {
    assertThatThrownBy(() -> ProcessPool.builder().processes(2).jvmOptions("-Xmx-1").build())
        .isInstanceOf(WorkerStartException.class)
        .hasMessageContaining("Invalid maximum heap size");
  }
  @Test
  void row17_missingJavaFailsTheBuild() {
    assertThatThrownBy(() -> ProcessPool.builder().processes(1).javaCommand("/nonexistent/java").build())
        .isInstanceOf(WorkerStartException.class)
        .hasMessageContaining("/nonexistent/java");
  }
  @Test
  void row15_terminateWithThousandsOfTasksReturnsFastAndFailsEverything() {
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
  void row14_workersDieWhenTheParentIsKilled() throws Exception {
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
    await().atMost(Duration.ofSeconds(2)).until(() -> Processes.alive(pids).isEmpty());
  }

  @Test
  void row06_segfaultInNativeCodeNamesTheSignalAndTheCrashLog() {
    assertThatThrownBy(() -> pool.apply(Tasks::segfault, 0))
        .cause()
        .isExactlyInstanceOf(WorkerCrashedException.class)
        .hasMessageContaining("signal")
        .hasMessageContaining("JVM crash log")
        .hasMessageContaining("the JVM crashed on SIGSEGV")
        .hasMessageContaining("A fatal error has been detected by the Java Runtime Environment");
    stillWorks();
  }

  @Test
  void row13_throwingCallbacksAreLoggedAndResultsStillDelivered() throws Exception {
    AsyncResult<Object> ok = pool.applyAsync(() -> 6 * 7, v -> {
      throw new IllegalStateException("callback bug");
    }, null);
    assertThat(ok.get()).isEqualTo(42);
    AsyncResult<List<Object>> bad = pool.mapAsync(x -> Tasks.throwChecked("item " + x), List.of(1, 2), null, e -> {
      throw new IllegalStateException("error callback bug");
    });
    assertThatThrownBy(bad::get).isInstanceOf(ExecutionException.class).cause().isInstanceOf(FileNotFoundException.class);
    stillWorks();
  }

  @Test
  void row16_closeAfterPartlyConsumingImapOverAnEndlessInput() throws Exception {
    ProcessPool own = ProcessPool.create(2);
    List<Long> pids = own.workerPids();
    java.util.concurrent.atomic.AtomicInteger read = new java.util.concurrent.atomic.AtomicInteger();
    Iterable<Integer> endless = () -> new java.util.Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Integer next() {
        return read.incrementAndGet();
      }
    };
    ResultIterator<Object> it = own.imap(Tasks::square, endless);
    for (int i = 1; i <= 5; i++) {
      assertThat(it.next()).isEqualTo(i * i);
    }
    own.close();
    int readAtClose = read.get();
    // max(8 chunks, 256 items) per worker beyond what was taken, grown at most 16 times
    assertThat(readAtClose).isLessThanOrEqualTo(5 + 16 * 2 * 256);
    int returned = 5;
    while (true) {
      try {
        assertThat(it.next()).isEqualTo((returned + 1) * (returned + 1));
        returned++;
      } catch (IllegalStateException e) {
        assertThat(e).hasMessageContaining("closed");
        break;
      }
    }
    assertThat(read.get()).isEqualTo(readAtClose);
    assertThat(Processes.alive(pids)).isEmpty();
  }

  @Test
  void row05_anExitUnderATaskTimeoutIsACrashNotATimeout() {
    try (ProcessPool own = ProcessPool.builder().processes(2).taskTimeout(Duration.ofMillis(300)).build()) {
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(() -> own.apply(Tasks::exitWith, 3))
            .cause()
            .isExactlyInstanceOf(WorkerCrashedException.class)
            .hasMessageContaining("exited with code 3");
      }
      assertThat(own.apply(Tasks::square, 4)).isEqualTo(16);
    }
  }

  @Test
  void aFunctionTheWorkersCannotLoadFailsEveryItemWithoutExhaustingTheCaller() throws Exception {
    // workers that see procpool and SLF4J only: this test's classes are missing there
    String cp = java.nio.file.Path.of(ProcessPool.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        + java.io.File.pathSeparator
        + java.nio.file.Path.of(org.slf4j.LoggerFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (ProcessPool own = ProcessPool.builder().processes(2).classpath(cp).build()) {
      List<Integer> items = java.util.stream.IntStream.range(0, 300_000).boxed().collect(java.util.stream.Collectors.toList());
      assertThatThrownBy(() -> own.map(Tasks::square, items))
          .isInstanceOf(TaskFailedException.class)
          .satisfies(e -> assertThat(((TaskFailedException) e).index()).isZero())
          .cause()
          .isInstanceOf(ClassNotFoundException.class)
          .hasMessageContaining(CrashMatrixTest.class.getName()); // the lambda's capturing class
      assertThat(own.stats().tasksFailed()).isEqualTo(300_000);
    }
  }
}
