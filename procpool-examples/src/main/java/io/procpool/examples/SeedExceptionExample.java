package io.procpool.examples;

import io.procpool.AsyncResult;
import io.procpool.ProcessPool;
import java.util.concurrent.ExecutionException;

/**
 * Seed example 6, handling exceptions: once inside the task (the worker prints the error, its
 * output reaches the caller's stdout prefixed with the worker's id), once in the caller, where
 * {@code get()} throws {@link ExecutionException} with the worker's exception as its cause.
 */
public final class SeedExceptionExample {
  private SeedExceptionExample() {}

  /**
   * The task of the seed, Python's {@code worker_function}: it catches the error itself and
   * returns {@code null} (Python's {@code None}). Java's {@code 1 / 0} on ints throws {@link
   * ArithmeticException}; on doubles it would be {@code Infinity}.
   *
   * @param x the divisor
   * @return {@code 1 / x}, or {@code null} when {@code x} is 0
   */
  public static Integer workerFunction(int x) {
    try {
      return 1 / x;
    } catch (ArithmeticException e) {
      System.out.println("Error in worker function: " + e.getMessage());
      return null;
    }
  }

  /**
   * The same task without the {@code try}: the exception travels to the caller.
   *
   * @param x the divisor
   * @return {@code 1 / x}
   */
  public static int unsafeWorkerFunction(int x) {
    return 1 / x;
  }

  /**
   * Runs the seed's code: the worker prints {@code Error in worker function: / by zero} and the
   * result is {@code null}.
   *
   * @return the task's result, {@code null}
   * @throws ExecutionException never here: the task catches its exception
   * @throws InterruptedException if interrupted while waiting for the result
   */
  public static Integer runCaughtInWorker() throws ExecutionException, InterruptedException {
    try (ProcessPool pool = ProcessPool.create()) {
      AsyncResult<Integer> asyncResult = pool.applyAsync(SeedExceptionExample::workerFunction, 0);
      Integer result = asyncResult.get();
      return result;
    }
  }

  /**
   * Runs the task that lets its exception escape and catches it around {@code get()}.
   *
   * @return what the caller prints: {@code Error getting result: java.lang.ArithmeticException: /
   *     by zero}
   * @throws InterruptedException if interrupted while waiting for the result
   */
  public static String runCaughtByCaller() throws InterruptedException {
    try (ProcessPool pool = ProcessPool.create()) {
      AsyncResult<Integer> asyncResult = pool.applyAsync(SeedExceptionExample::unsafeWorkerFunction, 0);
      try {
        Integer result = asyncResult.get();
        return "Result: " + result;
      } catch (ExecutionException e) {
        // e.getCause() is the worker's ArithmeticException, rebuilt with the worker's stack trace
        return "Error getting result: " + e.getCause();
      }
    }
  }

  /**
   * Runs both variants.
   *
   * @param args ignored
   * @throws Exception if the example fails
   */
  public static void main(String[] args) throws Exception {
    System.out.println("Result: " + runCaughtInWorker());
    System.out.println(runCaughtByCaller());
  }
}
