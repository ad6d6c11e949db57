package io.procpool.examples;

import io.procpool.ProcessPool;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Seed example 5, large data: 1,000,000 numbers cut into chunks of 10,000, each chunk summed in a
 * worker JVM, the partial sums added up in the caller.
 */
public final class SeedLargeDataExample {
  private SeedLargeDataExample() {}

  /**
   * The task, Python's {@code process_chunk}: here it sums the chunk (it could count words, etc.).
   *
   * @param chunk a slice of the data
   * @return the sum of the chunk
   */
  public static long processChunk(List<Integer> chunk) {
    long result = chunk.stream().mapToLong(Integer::longValue).sum();
    return result;
  }

  /**
   * Runs the example.
   *
   * @return what {@link #main} prints: {@code 499999500000}
   */
  public static long run() {
    List<Integer> largeData = IntStream.range(0, 1_000_000).boxed().toList();
    int chunkSize = 10_000;
    List<List<Integer>> chunks = new ArrayList<>();
    for (int i = 0; i < largeData.size(); i += chunkSize) {
      // List.copyOf: a subList is a view and cannot be serialized; a Python slice is a copy
      chunks.add(List.copyOf(largeData.subList(i, Math.min(i + chunkSize, largeData.size()))));
    }

    try (ProcessPool pool = ProcessPool.create()) {
      List<Long> results = pool.map(SeedLargeDataExample::processChunk, chunks);
      long totalResult = results.stream().mapToLong(Long::longValue).sum();
      return totalResult;
    }
  }

  /**
   * Prints the sum of 0 to 999,999.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    System.out.println(run());
  }
}
