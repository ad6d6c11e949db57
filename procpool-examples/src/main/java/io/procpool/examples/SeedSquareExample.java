package io.procpool.examples;

import io.procpool.ProcessPool;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Seed example 4, simple parallel computation: {@code square} over {@code range(1000)} with a
 * default-sized pool (one worker JVM per available processor, like {@code Pool()}).
 */
public final class SeedSquareExample {
  private SeedSquareExample() {}

  /**
   * The task; it runs in a worker JVM.
   *
   * @param x the input
   * @return {@code x * x}
   */
  public static int square(int x) {
    return x * x;
  }

  /**
   * Runs the example.
   *
   * @return what {@link #main} prints: {@code [0, 1, 4, ..., 998001]}, 1000 squares
   */
  public static List<Integer> run() {
    List<Integer> numbers = IntStream.range(0, 1000).boxed().toList();
    try (ProcessPool pool = ProcessPool.create()) {
      List<Integer> squaredNumbers = pool.map(SeedSquareExample::square, numbers);
      return squaredNumbers;
    }
  }

  /**
   * Prints the squares of 0 to 999.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    System.out.println(run());
  }
}
