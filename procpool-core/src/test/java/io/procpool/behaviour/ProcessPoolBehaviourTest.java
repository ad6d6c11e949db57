package io.procpool.behaviour;

import static io.procpool.behaviour.Fixtures.range;
import static io.procpool.behaviour.Fixtures.squares;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.procpool.AsyncResult;
import io.procpool.Pool;
import io.procpool.ProcessPool;
import io.procpool.SerializableRunnable;
import io.procpool.TaskFailedException;
import io.procpool.WorkerStartException;
import io.procpool.behaviour.Fixtures.FailsToSerialize;
import io.procpool.behaviour.Fixtures.Unserializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour suite on {@link ProcessPool} (CPython's {@code multiprocessing.Pool}), plus the
 * tests that only make sense for worker processes: serialization failures, worker lifetime
 * ({@code maxTasksPerChild}) and start failures.
 */
@Timeout(value = 60, unit = SECONDS)
class ProcessPoolBehaviourTest extends PoolBehaviourSuite {

  @Override
  protected Pool newPool(int processes) {
    return ProcessPool.create(processes);
  }

  @Override
  protected Pool newPool(int processes, SerializableRunnable initializer) {
    return ProcessPool.builder().processes(processes).initializer(initializer).build();
  }

  @Override
  protected io.procpool.PoolBuilder<?> newBuilder() {
    return ProcessPool.builder();
  }

  @Override
  protected String backend() {
    return "process";
  }

  /** {@code workerPids()} lists {@code n} live processes, and tasks run in them. */
  @Override
  protected void assertLiveWorkers(Pool p, int n) {
    List<Long> pids = ((ProcessPool) p).workerPids();
    assertThat(pids).hasSize(n).doesNotHaveDuplicates().allSatisfy(ProcessPoolBehaviourTest::assertAlive);
    assertThat(pids).doesNotContain(ProcessHandle.current().pid());
    assertThat(p.map(x -> ProcessHandle.current().pid(), range(20), 1)).isSubsetOf(pids);
  }

  /** #31: the unclosed pool's worker JVMs exit with their parent. */
  @Override
  protected void afterUnclosedChildExit(String childOutput) {
    List<Long> pids = parsePids(childOutput);
    assertThat(pids).hasSize(1);
    await().atMost(Duration.ofSeconds(20)).until(() -> pids.stream().noneMatch(ProcessPoolBehaviourTest::isAlive));
  }

  private static boolean isAlive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static void assertAlive(long pid) {
    assertThat(isAlive(pid)).as("process %d is alive", pid).isTrue();
  }

  /**
   * No orphans: {@code close()} returns once the workers have exited, {@code terminate()} "returns
   * when the workers are gone" (even with a task running).
   */
  @Test
  void test_close_and_terminate_leave_no_worker_alive() {
    ProcessPool closed = ProcessPool.create(2);
    List<Long> closedPids = closed.workerPids();
    try {
      assertThat(closed.map(Fixtures::sqr, range(4))).isEqualTo(squares(4));
    } finally {
      closed.close();
    }
    assertThat(closedPids).hasSize(2).noneMatch(ProcessPoolBehaviourTest::isAlive);

    ProcessPool terminated = ProcessPool.create(2);
    List<Long> terminatedPids = terminated.workerPids();
    try {
      terminated.applyAsync(x -> Fixtures.sqr(x, 20_000), 1);
    } finally {
      terminated.terminate();
    }
    assertThat(terminatedPids).hasSize(2).noneMatch(ProcessPoolBehaviourTest::isAlive);
  }

  // ================================================================== _TestPool (not threads)

  /**
   * #7 test_map_unplicklable (bpo-19425): an argument that cannot be serialized fails its task
   * with a message naming the class; nothing hangs and the pool stays usable.
   */
  @Test
  void test_map_unpicklable() {
    for (Object bad : List.of(new Unserializable(), List.of(new Unserializable()))) {
      Throwable e = catchThrown(() -> pool.map(Fixtures::identity, Collections.nCopies(10, bad)));
      assertThat(e).isInstanceOf(TaskFailedException.class);
      assertThat(e.getCause()).isNotNull();
      assertThat(e.getCause().toString()).contains(Unserializable.class.getName());
    }
    // CPython: the pickling error itself surfaces (RuntimeError('cannot pickle')); here it is the
    // cause, and its stack shows the class whose serialization failed.
    Throwable e = catchThrown(() -> pool.map(Fixtures::identity, Collections.nCopies(10, new FailsToSerialize())));
    assertThat(e).isInstanceOf(TaskFailedException.class);
    assertThat(e.getCause()).isExactlyInstanceOf(RuntimeException.class).hasMessage("cannot pickle");
    assertThat(e.getCause().getStackTrace())
        .anySatisfy(f -> assertThat(f.getClassName()).isEqualTo(FailsToSerialize.class.getName()));
    assertThat(pool.map(Fixtures::sqr, range(10))).isEqualTo(squares(10));
  }

  /**
   * Contract: a function that cannot be serialized (it captures a non-serializable value) fails
   * the call's tasks with a message naming the class; the pool stays usable.
   */
  @Test
  void test_unserializable_function() {
    Unserializable captured = new Unserializable();
    Throwable e = catchThrown(() -> pool.map(x -> captured.hashCode() + x, range(3)));
    assertThat(e).isInstanceOf(TaskFailedException.class);
    assertThat(e.getCause()).isNotNull();
    assertThat(e.getCause().toString()).contains(Unserializable.class.getName());
    Throwable e2 = catchThrown(() -> pool.apply(() -> captured.toString()));
    assertThat(e2).isInstanceOf(TaskFailedException.class);
    assertThat(e2.getCause().toString()).contains(Unserializable.class.getName());
    assertThat(pool.map(Fixtures::sqr, range(3))).isEqualTo(squares(3));
  }

  // ================================================================== _TestPoolWorkerErrors

  /**
   * #27 test_unpickleable_result: a result that cannot be serialized fails the task (and reaches
   * the error callback) with a message naming the class, 20 times over, and no worker is lost.
   */
  @Test
  void test_unpickleable_result() throws Exception {
    for (int i = 0; i < 20; i++) {
      List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
      AsyncResult<Object> res = pool.applyAsync(Fixtures::unserializableResult, null, errors::add);
      Throwable e = catchThrown(() -> {
        try {
          res.get();
        } catch (Exception x) {
          throw new RuntimeException(x);
        }
      }).getCause();
      assertThat(e).isInstanceOf(ExecutionException.class);
      assertThat(e.getCause()).isNotNull();
      assertThat(e.getCause().toString()).contains("Unserializable");
      assertThat(errors).singleElement().satisfies(err -> assertThat(err.toString()).contains("Unserializable"));
    }
    assertLiveWorkers(pool, 4);
  }

  // ================================================================== _TestPoolWorkerLifetime

  /**
   * #28 test_pool_worker_lifetime (bpo-7805): with {@code maxTasksPerChild(10)} no worker runs more
   * than 10 tasks, workers are replaced, and the pool is back to 3 live workers.
   */
  @Test
  void test_pool_worker_lifetime() throws Exception {
    try (ProcessPool p = ProcessPool.builder().processes(3).maxTasksPerChild(10).build()) {
      Set<Long> initial = new HashSet<>(p.workerPids());
      assertThat(initial).hasSize(3);
      List<AsyncResult<List<Long>>> results = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        results.add(p.applyAsync(Fixtures::sqrAndPid, i));
      }
      Map<Long, Integer> tasksPerPid = new HashMap<>();
      for (int i = 0; i < 100; i++) {
        List<Long> r = results.get(i).get(30, SECONDS);
        assertThat(r.get(0)).isEqualTo((long) i * i);
        tasksPerPid.merge(r.get(1), 1, Integer::sum);
      }
      assertThat(tasksPerPid.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(10));
      assertThat(tasksPerPid).hasSizeGreaterThanOrEqualTo(10);
      await().atMost(Duration.ofSeconds(30)).until(() -> p.workerPids().size() == 3);
      assertThat(p.workerPids()).allSatisfy(ProcessPoolBehaviourTest::assertAlive);
      assertThat(new HashSet<>(p.workerPids())).isNotEqualTo(initial);
    }
  }

  /**
   * #29 test_pool_worker_lifetime_early_close (bpo-10332): with {@code maxTasksPerChild(1)},
   * closing while tasks are pending still runs them all and returns.
   */
  @Test
  void test_pool_worker_lifetime_early_close() throws Exception {
    List<AsyncResult<Integer>> results = new ArrayList<>();
    ProcessPool p = ProcessPool.builder().processes(3).maxTasksPerChild(1).build();
    try {
      for (int i = 0; i < 6; i++) {
        results.add(p.applyAsync(x -> Fixtures.sqr(x, 300), i));
      }
      p.close();
      p.join();
      for (int i = 0; i < 6; i++) {
        assertThat(results.get(i).get(0, SECONDS)).isEqualTo(i * i);
      }
    } finally {
      p.terminate();
    }
  }

  /** #30 test_pool_maxtasksperchild_invalid (0.5 and "12" are compile errors in Java). */
  @Test
  void test_pool_maxtasksperchild_invalid() {
    for (int bad : new int[] {0, -1}) {
      assertThatThrownBy(() -> ProcessPool.builder().maxTasksPerChild(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("maxTasksPerChild");
    }
  }

  // ================================================================== other Pool tests

  /**
   * #34 TestPoolNotLeakOnFailure.test_release_unused_processes (bpo-19675): the 4th of 5 worker
   * JVMs fails to start (a wrapper script stands for the induced OSError): {@code build()} throws,
   * and none of the workers already started is left alive.
   */
  @Test
  void test_release_unused_processes(@TempDir Path tmp) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path script = tmp.resolve("java-wrapper.sh");
    Files.writeString(script, String.join("\n",
        "#!/bin/sh",
        "dir='" + tmp + "'",
        "n=1",
        "while ! mkdir \"$dir/slot$n\" 2>/dev/null; do n=$((n+1)); done",
        "if [ \"$n\" -eq 4 ]; then echo 'Manually induced failure' >&2; exit 1; fi",
        "echo $$ > \"$dir/pid$n\"",
        "exec '" + java + "' \"$@\"",
        ""));
    assertThat(script.toFile().setExecutable(true)).isTrue();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> ProcessPool.builder()
            .processes(5)
            .javaCommand(script.toString())
            .startTimeout(Duration.ofSeconds(40))
            .build())
        .isInstanceOf(WorkerStartException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    List<Long> pids = readPids(tmp);
    assertThat(pids).hasSizeGreaterThanOrEqualTo(3);
    await().atMost(Duration.ofSeconds(20)).until(() -> pids.stream().noneMatch(ProcessPoolBehaviourTest::isAlive));
  }

  private static List<Long> readPids(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> pidFiles = files.filter(f -> f.getFileName().toString().startsWith("pid")).collect(Collectors.toList());
      List<Long> pids = new ArrayList<>();
      for (Path f : pidFiles) {
        pids.add(Long.parseLong(Files.readString(f).trim()));
      }
      return pids;
    }
  }

}
