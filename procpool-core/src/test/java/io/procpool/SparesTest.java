package io.procpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.procpool.testing.Processes;
import io.procpool.testing.Tasks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code spares(n)}: idle workers that take a leaving worker's place at once. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SparesTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  static Object pidOrHalt(Object x) {
    if ((Long) x == 3L) {
      Runtime.getRuntime().halt(7);
    }
    return ProcessHandle.current().pid();
  }

  static Object pidAfterSpinning(Object x) {
    Tasks.spinIgnoringInterrupts(60_000);
    return ProcessHandle.current().pid();
  }

  @Test
  void negativeSparesAreRefusedWithTheirName() {
    assertThatThrownBy(() -> ProcessPool.builder().spares(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spares: -1");
  }

  @Test
  void aSpareWaitsWithoutTasksAndTakesACrashedWorkersPlace() throws Exception {
    List<Long> everyPid = new ArrayList<>();
    try (ProcessPool pool = ProcessPool.builder().processes(2).spares(1).build()) {
      await().atMost(WAIT).until(() -> pool.sparePids().size() == 1);
      long spare = pool.sparePids().get(0);
      everyPid.addAll(pool.workerPids());
      everyPid.add(spare);
      assertThat(pool.workerPids()).hasSize(2).doesNotContain(spare);

      // a spare takes no tasks: 40 items each report the pid that ran them
      List<Object> ran = pool.map(SparesTest::pidOrHaltNever, LongStream.range(0, 40).boxed().collect(Collectors.toList()), 1);
      assertThat(ran).doesNotContain(spare);

      assertThatThrownBy(() -> pool.apply(SparesTest::pidOrHalt, 3L))
          .isInstanceOf(TaskFailedException.class).cause().isInstanceOf(WorkerCrashedException.class);
      // the spare took the crashed worker's place, and a new spare is started behind it
      await().atMost(WAIT).until(() -> pool.workerPids().contains(spare) && pool.workerPids().size() == 2);
      await().atMost(WAIT).until(() -> pool.sparePids().size() == 1 && !pool.sparePids().contains(spare));
      everyPid.addAll(pool.sparePids());
      Set<Object> after = new HashSet<>(pool.map(SparesTest::pidOrHaltNever, LongStream.range(0, 40).boxed().collect(Collectors.toList()), 1));
      assertThat(after).doesNotContainAnyElementsOf(pool.sparePids());
      assertThat(pool.stats().workersCrashed()).isEqualTo(1);
    }
    assertThat(Processes.alive(everyPid)).as("workers and spares left after close").isEmpty();
  }

  static Object pidOrHaltNever(Object x) {
    return ProcessHandle.current().pid();
  }

  @Test
  void recyclingEveryTaskWithSparesRunsEveryItemOnceOnFreshWorkers() throws Exception {
    Set<Long> seen = new HashSet<>();
    try (ProcessPool pool = ProcessPool.builder().processes(2).spares(2).maxTasksPerChild(1).build()) {
      List<Long> items = LongStream.range(0, 12).boxed().collect(Collectors.toList());
      List<Object> pids = pool.map(SparesTest::pidOrHaltNever, items, 1);
      assertThat(pids).hasSize(12);
      for (Object p : pids) {
        seen.add((Long) p);
      }
      assertThat(seen).as("one task per worker JVM").hasSize(12);
      assertThat(pool.apply(Tasks::square, 9)).isEqualTo(81);
      await().atMost(WAIT).until(() -> pool.workerPids().size() == 2 && pool.sparePids().size() == 2);
      seen.addAll(pool.workerPids());
      seen.addAll(pool.sparePids());
    }
    assertThat(Processes.alive(seen)).as("workers and spares left after close").isEmpty();
  }

  @Test
  void aSpareThatDiesWhileWaitingIsReplacedAndThePoolGoesOn() throws Exception {
    try (ProcessPool pool = ProcessPool.builder().processes(1).spares(1).build()) {
      await().atMost(WAIT).until(() -> pool.sparePids().size() == 1);
      long spare = pool.sparePids().get(0);
      Processes.signal(spare, "KILL");
      await().atMost(WAIT).until(() -> pool.sparePids().size() == 1 && !pool.sparePids().contains(spare));
      assertThat(pool.apply(Tasks::square, 5)).isEqualTo(25);
      assertThat(pool.stats().workersCrashed()).as("a spare is not a worker").isZero();
    }
  }

  @Test
  void aSpareTakesOverFromAWorkerKilledForItsTimeout() throws Exception {
    try (ProcessPool pool = ProcessPool.builder().processes(1).spares(1).taskTimeout(Duration.ofMillis(300)).build()) {
      await().atMost(WAIT).until(() -> pool.sparePids().size() == 1);
      long spare = pool.sparePids().get(0);
      assertThatThrownBy(() -> pool.apply(SparesTest::pidAfterSpinning, 1L))
          .isInstanceOf(TaskFailedException.class).cause().isInstanceOf(TaskTimeoutException.class);
      assertThat(pool.apply(SparesTest::pidOrHaltNever, 1L)).isEqualTo(spare);
    }
  }

  @Test
  void terminateStopsSparesToo() throws Exception {
    List<Long> pids = new ArrayList<>();
    ProcessPool pool = ProcessPool.builder().processes(1).spares(2).build();
    try {
      await().atMost(WAIT).until(() -> pool.sparePids().size() == 2);
      pids.addAll(pool.workerPids());
      pids.addAll(pool.sparePids());
    } finally {
      pool.terminate();
      pool.join();
    }
    assertThat(pids).hasSize(3);
    await().atMost(WAIT).until(() -> Processes.alive(pids).isEmpty());
  }
}
