package io.procpool.examples;

import io.procpool.AsyncResult;
import io.procpool.ProcessPool;
import java.util.concurrent.ExecutionException;

/**
 * Seed example 2: {@code pool.apply_async(worker_function, (5,))} then {@code get()}: one task in
 * the background, its result fetched when needed.
 */
public final class SeedApplyAsyncExample {
  private SeedApplyAsyncExample() {}

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
   * @return what {@link #main} prints: {@code 25}
   * @throws ExecutionException if the task failed (it does not)
   * @throws InterruptedException if interrupted while waiting for the result
   */
  public static int run() throws ExecutionException, InterruptedException {
    try (ProcessPool pool = ProcessPool.create(4)) {
      AsyncResult<Integer> asyncResult = pool.applyAsync(SeedApplyAsyncExample::workerFunction, 5);
      int result = asyncResult.get();
      return result;
    }
  }

  /**
   * Prints 25.
   *
   * @param args ignored
   * @throws Exception if the example fails
   */
  public static void main(String[] args) throws Exception {
    System.out.println(run());
  }
}
