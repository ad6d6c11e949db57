package io.procpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SmokeTest {
  @Test
  void processPoolMaps() {
    long t0 = System.nanoTime();
    try (ProcessPool pool = ProcessPool.create(2)) {
      System.out.println("start ms " + (System.nanoTime() - t0) / 1e6);
      assertThat(pool.map(x -> x * x, List.of(1, 2, 3))).containsExactly(1, 4, 9);
      System.out.println("first map ms " + (System.nanoTime() - t0) / 1e6);
      assertThat(pool.<Integer>apply(() -> 42)).isEqualTo(42);
      long t1 = System.nanoTime();
      for (int r = 0; r < 5; r++) {
        t1 = System.nanoTime();
        for (int i = 0; i < 5000; i++) {
          pool.apply(x -> x + 1, i);
        }
        System.out.println("apply us " + (System.nanoTime() - t1) / 1e3 / 5000);
      }
      t1 = System.nanoTime();
      java.util.List<Long> big = new java.util.ArrayList<>();
      for (long i = 0; i < 1_000_000; i++) big.add(i);
      for (int r = 0; r < 3; r++) {
        t1 = System.nanoTime();
        pool.map(x -> x * 2, big);
        System.out.println("map 1M ms " + (System.nanoTime() - t1) / 1e6);
      }
    }
    System.out.println("total ms " + (System.nanoTime() - t0) / 1e6);
  }

  @Test
  void threadPoolMaps() {
    try (ThreadPool pool = ThreadPool.create(2)) {
      assertThat(pool.map(x -> x * x, List.of(1, 2, 3))).containsExactly(1, 4, 9);
    }
  }
}
