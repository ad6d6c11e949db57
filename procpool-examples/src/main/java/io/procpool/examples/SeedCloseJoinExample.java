package io.procpool.examples;

import io.procpool.ProcessPool;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Seed example 3: the pool's life managed by hand, {@code pool.close(); pool.join()} in a {@code
 * finally} block instead of a {@code with} block.
 */
public final class SeedCloseJoinExample {
  private SeedCloseJoinExample() {}

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
    ProcessPool pool = ProcessPool.create(4);
    try {
      List<Integer> result = pool.map(SeedCloseJoinExample::workerFunction, IntStream.range(0, 10).boxed().toList());
      return result;
    } finally {
      pool.close(); // no new tasks; lets submitted ones finish and waits for the workers to exit
      pool.join(); // returns at once here: close() has already waited
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
