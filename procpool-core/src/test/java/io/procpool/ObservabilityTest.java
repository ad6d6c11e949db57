package io.procpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procpool.testing.Tasks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Progress events, pool statistics and worker output routing, on both backends. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ObservabilityTest {

  private static Pool pool(String kind, ProgressListener listener) {
    return kind.equals("process")
        ? ProcessPool.builder().processes(2).progressListener(listener).build()
        : ThreadPool.builder().processes(2).progressListener(listener).build();
  }

  static Object failOnMultiplesOfTen(int x) throws Exception {
    if (x % 10 == 0) {
      throw new IllegalArgumentException("multiple of ten: " + x);
    }
    return x;
  }

  @ParameterizedTest
  @ValueSource(strings = {"process", "threads"})
  void progressCountsEveryItemAndFailureInOrder(String kind) throws Exception {
    List<Progress> events = new CopyOnWriteArrayList<>();
    try (Pool pool = pool(kind, events::add)) {
      List<Integer> items = IntStream.range(0, 100).boxed().collect(Collectors.toList());
      AsyncResult<List<Object>> r = pool.mapAsync(ObservabilityTest::failOnMultiplesOfTen, items, 7);
      assertThat(r.waitFor(Duration.ofSeconds(30))).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> !events.isEmpty() && events.get(events.size() - 1).finished());
      Progress last = events.get(events.size() - 1);
      assertThat(last.completed()).isEqualTo(100);
      assertThat(last.failed()).isEqualTo(10);
      assertThat(last.total()).isEqualTo(100);
      assertThat(last.operation()).isEqualTo("mapAsync");
      assertThat(events).hasSize((100 + 6) / 7);
      for (int i = 1; i < events.size(); i++) {
        assertThat(events.get(i).completed()).isGreaterThan(events.get(i - 1).completed());
      }
      PoolStats stats = pool.stats();
      assertThat(stats.tasksCompleted()).isEqualTo(90);
      assertThat(stats.tasksFailed()).isEqualTo(10);
      assertThat(stats.workers()).hasSize(2);
      assertThat(stats.workers().stream().mapToLong(PoolStats.WorkerStats::tasksDone).sum()).isEqualTo(100);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"process", "threads"})
  void mapsDefaultChunksAreAsInPythonUpTo65536Items(String kind) throws Exception {
    // one progress event per batch: the batch sizes are the differences between events
    for (int n : new int[] {1000, 1_000_000}) {
      List<Progress> events = new CopyOnWriteArrayList<>();
      try (Pool pool = pool(kind, events::add)) {
        List<Integer> items = IntStream.range(0, n).boxed().collect(Collectors.toList());
        assertThat(pool.map(Tasks::square, items)).hasSize(n);
        await().atMost(Duration.ofSeconds(5)).until(() -> !events.isEmpty() && events.get(events.size() - 1).finished());
        List<Long> sizes = new ArrayList<>();
        long before = 0;
        for (Progress p : events) {
          sizes.add(p.completed() - before);
          before = p.completed();
        }
        int expected = Math.min(65_536, (n + 7) / 8); // ceil(n / (4 * 2 workers)), capped
        assertThat(sizes).as("batch sizes of a map of %d", n).allMatch(s -> s <= expected).contains((long) expected);
        assertThat(sizes).hasSize((n + expected - 1) / expected);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"process", "threads"})
  void imapProgressLearnsTheTotalWhenTheInputEnds(String kind) {
    List<Progress> events = new CopyOnWriteArrayList<>();
    try (Pool pool = pool(kind, events::add)) {
      List<Object> out = new ArrayList<>();
      pool.imap(Tasks::square, List.of(1, 2, 3, 4, 5)).forEachRemaining(out::add);
      assertThat(out).containsExactly(1, 4, 9, 16, 25);
      await().atMost(Duration.ofSeconds(5)).until(() -> events.stream().anyMatch(Progress::finished));
      assertThat(events.get(events.size() - 1).total()).isEqualTo(5);
    }
  }

  static Object sleepThenSquare(int x) throws InterruptedException {
    Thread.sleep(x == 3 ? 300 : 1);
    return x * x;
  }

  @ParameterizedTest
  @ValueSource(strings = {"process", "threads"})
  void statsNameTheSlowestTask(String kind) {
    try (Pool pool = pool(kind, p -> { })) {
      pool.map(ObservabilityTest::sleepThenSquare, List.of(1, 2, 3, 4, 5, 6), 1);
      PoolStats stats = pool.stats();
      assertThat(stats.slowestTasks()).isNotEmpty();
      PoolStats.SlowTask slowest = stats.slowestTasks().get(0);
      assertThat(slowest.index()).isEqualTo(2);
      assertThat(slowest.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(250));
      assertThat(slowest.operation()).isEqualTo("map");
      assertThat(stats.workers()).allSatisfy(w -> assertThat(w.busyTime().plus(w.idleTime())).isPositive());
    }
  }

  @Test
  void processStatsCountCrashesAndRecycles() {
    try (ProcessPool pool = ProcessPool.builder().processes(1).maxTasksPerChild(2).build()) {
      for (int i = 0; i < 4; i++) {
        pool.apply(Tasks::square, i);
      }
      try {
        pool.apply(Tasks::haltWith, 3);
      } catch (TaskFailedException expected) {
        // counted below
      }
      // the replacement of the crashed worker is counted once it has connected
      await().atMost(Duration.ofSeconds(20))
          .until(() -> pool.stats().workersStarted() >= 4 && pool.workerPids().size() == 1);
      PoolStats stats = pool.stats();
      assertThat(stats.workersRecycled()).isGreaterThanOrEqualTo(2);
      assertThat(stats.workersCrashed()).isEqualTo(1);
      assertThat(stats.workersStarted()).isGreaterThanOrEqualTo(4);
      assertThat(stats.workers().get(0).startup()).isPositive();
    }
  }

  @Test
  void workerOutputCanGoToAHandler() {
    List<String> lines = new CopyOnWriteArrayList<>();
    try (ProcessPool pool = ProcessPool.builder().processes(1)
        .outputHandler((id, stderr, line) -> lines.add(id + (stderr ? " err " : " out ") + line)).build()) {
      pool.apply(() -> {
        System.out.println("to stdout");
        System.err.println("to stderr");
        return null;
      });
      await().atMost(Duration.ofSeconds(5)).until(() -> lines.containsAll(List.of("1 out to stdout", "1 err to stderr")));
    }
  }
}
