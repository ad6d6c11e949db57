package io.procpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procpool.testing.Processes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** 10,000 tasks while another thread kills random workers with SIGKILL. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChaosTest {
  private static final int TASKS = 10_000;

  static long slowSquare(int x) {
    long end = System.nanoTime() + 200_000;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
    return (long) x * x;
  }

  private static Thread killer(ProcessPool pool, AtomicBoolean stop, AtomicInteger kills, Set<Long> seen) {
    Thread t = new Thread(() -> {
      Random random = new Random(42);
      while (!stop.get()) {
        List<Long> pids = pool.workerPids();
        seen.addAll(pids);
        if (!pids.isEmpty()) {
          Processes.signal(pids.get(random.nextInt(pids.size())), "KILL");
          kills.incrementAndGet();
        }
        try {
          Thread.sleep(300); // the chaos schedule, not synchronisation
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "chaos-killer");
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Test
  void withRetriesEveryResultArrivesExactlyOnceAndCorrect() throws Exception {
    withRetries(TASKS);
  }

  @Test
  void withoutRetriesEveryTaskEndsWithAResultOrACrash() throws Exception {
    withoutRetries(TASKS);
  }

  /** {@code tasks} items through imapUnordered with retries while workers are killed: each exactly once. */
  static void withRetries(int tasks) throws Exception {
    List<Integer> items = IntStream.range(0, tasks).boxed().collect(Collectors.toList());
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger kills = new AtomicInteger();
    Set<Long> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    ProcessPool pool = ProcessPool.builder().processes(2).retries(50).build();
    Thread killer = killer(pool, stop, kills, seen);
    Set<Integer> delivered = new HashSet<>();
    int count = 0;
    try (ResultIterator<Object> it = pool.imapUnordered(x -> new long[] {(Integer) x, slowSquare((Integer) x)}, items, 20)) {
      while (it.hasNext()) {
        long[] r = (long[]) it.next();
        assertThat(r[1]).isEqualTo(r[0] * r[0]);
        assertThat(delivered.add((int) r[0])).as("delivered twice: %s", r[0]).isTrue();
        count++;
      }
    } finally {
      stop.set(true);
      killer.join();
      seen.addAll(pool.workerPids());
      pool.close();
    }
    assertThat(count).isEqualTo(tasks);
    assertThat(kills.get()).isGreaterThan(0);
    await().atMost(Duration.ofSeconds(5)).until(() -> Processes.alive(seen).isEmpty());
  }

  /** {@code tasks} items through imap without retries while workers are killed: each ends once. */
  static void withoutRetries(int tasks) throws Exception {
    List<Integer> items = IntStream.range(0, tasks).boxed().collect(Collectors.toList());
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger kills = new AtomicInteger();
    Set<Long> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    ProcessPool pool = ProcessPool.create(2);
    Thread killer = killer(pool, stop, kills, seen);
    int ok = 0;
    int crashed = 0;
    try (ResultIterator<Object> it = pool.imap(x -> slowSquare((Integer) x), items, 20)) {
      for (int i = 0; i < tasks; i++) {
        try {
          assertThat(it.next()).isEqualTo((long) i * i);
          ok++;
        } catch (TaskFailedException e) {
          assertThat(e.getCause()).isInstanceOf(WorkerCrashedException.class);
          assertThat(e.index()).isEqualTo(i);
          crashed++;
        }
      }
      assertThat(it.hasNext()).isFalse();
    } finally {
      stop.set(true);
      killer.join();
      seen.addAll(pool.workerPids());
      pool.close();
    }
    assertThat(ok + crashed).isEqualTo(tasks);
    assertThat(ok).isGreaterThan(0);
    await().atMost(Duration.ofSeconds(5)).until(() -> Processes.alive(seen).isEmpty());
  }
}
