package io.procpool.examples;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * Runs every example of the seed tutorial in order and prints, for each, the Python original and
 * what the Java version computed on worker JVMs. The README's quick start runs this class.
 */
public final class Demo {
  private Demo() {}

  /** One example: a title, the Python original, the Java class and how to get its result. */
  private record Step(String title, String python, Class<?> javaClass, Callable<String> result) {}

  private static final List<Step> STEPS =
      List.of(
          new Step(
              "1. Create a pool of 4 processes and map",
              """
              with multiprocessing.Pool(processes=4) as pool:
                  result = pool.map(worker_function, range(10))
                  print(result)
              """,
              SeedMapExample.class,
              () -> String.valueOf(SeedMapExample.run())),
          new Step(
              "2. Submit one task with apply_async and get its result",
              """
              with multiprocessing.Pool(processes=4) as pool:
                  async_result = pool.apply_async(worker_function, (5,))
                  result = async_result.get()
                  print(result)
              """,
              SeedApplyAsyncExample.class,
              () -> String.valueOf(SeedApplyAsyncExample.run())),
          new Step(
              "3. Close and join the pool by hand",
              """
              pool = multiprocessing.Pool(processes=4)
              try:
                  result = pool.map(worker_function, range(10))
                  print(result)
              finally:
                  pool.close()
                  pool.join()
              """,
              SeedCloseJoinExample.class,
              () -> String.valueOf(SeedCloseJoinExample.run())),
          new Step(
              "4. Simple parallel computation: square 1000 numbers with a default-sized pool",
              """
              numbers = range(1000)
              with multiprocessing.Pool() as pool:
                  squared_numbers = pool.map(square, numbers)
                  print(squared_numbers)
              """,
              SeedSquareExample.class,
              () -> abbreviate(SeedSquareExample.run())),
          new Step(
              "5. Large data: sum 1,000,000 numbers in chunks of 10,000",
              """
              large_data = list(range(1000000))
              chunk_size = 10000
              chunks = [large_data[i:i + chunk_size] for i in range(0, len(large_data), chunk_size)]
              with multiprocessing.Pool() as pool:
                  results = pool.map(process_chunk, chunks)
                  total_result = sum(results)
                  print(total_result)
              """,
              SeedLargeDataExample.class,
              () -> String.valueOf(SeedLargeDataExample.run())),
          new Step(
              "6a. Exceptions: caught inside the worker (the worker's line is prefixed with its id)",
              """
              def worker_function(x):
                  try:
                      return 1 / x
                  except ZeroDivisionError as e:
                      print(f"Error in worker function: {e}")

              with multiprocessing.Pool() as pool:
                  async_result = pool.apply_async(worker_function, (0,))
                  result = async_result.get()
              """,
              SeedExceptionExample.class,
              () -> "result = " + SeedExceptionExample.runCaughtInWorker()),
          new Step(
              "6b. Exceptions: raised in the worker, caught around get() in the caller",
              """
              async_result = pool.apply_async(unsafe_worker_function, (0,))  # 1 / x, no try
              try:
                  result = async_result.get()
              except Exception as e:
                  print(f"Error getting result: {e}")
              """,
              SeedExceptionExample.class,
              SeedExceptionExample::runCaughtByCaller));

  /**
   * Returns the titles of the examples the demo runs, in order.
   *
   * @return the titles
   */
  public static List<String> titles() {
    return STEPS.stream().map(Step::title).toList();
  }

  /**
   * Runs the examples and prints them with their results.
   *
   * @param args ignored
   * @throws Exception if an example fails
   */
  public static void main(String[] args) throws Exception {
    System.out.println("procpool demo: the examples of a Python multiprocessing.Pool tutorial,");
    System.out.println("run on worker JVMs (Pool() means one worker per processor: "
        + Runtime.getRuntime().availableProcessors() + " here)");
    long start = System.nanoTime();
    for (Step step : STEPS) {
      System.out.println();
      System.out.println("== " + step.title() + " ==");
      System.out.println("Python:");
      step.python().lines().forEach(line -> System.out.println(line.isEmpty() ? "" : "    " + line));
      long t0 = System.nanoTime();
      String result = step.result().call();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.println("Java (" + step.javaClass().getSimpleName() + ".java, " + ms + " ms):");
      System.out.println("    " + result);
    }
    System.out.println();
    System.out.println("All " + STEPS.size() + " examples ran in "
        + (System.nanoTime() - start) / 1_000_000 + " ms; every pool was closed.");
  }

  /** Shortens a long list to its first and last five values. */
  static String abbreviate(List<?> values) {
    if (values.size() <= 12) {
      return values.toString();
    }
    String head = values.subList(0, 5).toString();
    String tail = values.subList(values.size() - 5, values.size()).toString();
    return head.substring(0, head.length() - 1) + ", ..., " + tail.substring(1)
        + " (" + values.size() + " values)";
  }
}
