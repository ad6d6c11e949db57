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
      for (int i = 0; i < 1000; i++) {
        pool.apply(x -> x + 1, i);
      }
      System.out.println("apply us " + (System.nanoTime() - t1) / 1e3 / 1000);
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
