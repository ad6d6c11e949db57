package io.procpool.examples;

import io.procpool.ProcessPool;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Seed example 1: {@code with Pool(processes=4) as pool: pool.map(worker_function, range(10))}, on
 * four worker JVMs.
 */
public final class SeedMapExample {
  private SeedMapExample() {}

  /**
   * The task, Python's {@code worker_function}; it runs in a worker JVM.
   *
   * @param x the input
   * @return {@code x * x}
   */
  public static int workerFunction(int x) {
    return x * x;
  }

  /**
   * Runs the example.
   *
   * @return what {@link #main} prints: {@code [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]}
   */
  public static List<Integer> run() {
    try (ProcessPool pool = ProcessPool.create(4)) {
      List<Integer> result = pool.map(SeedMapExample::workerFunction, IntStream.range(0, 10).boxed().toList());
      return result;
    }
  }

  /**
   * Prints the squares of 0 to 9.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    System.out.println(run());
  }
}
