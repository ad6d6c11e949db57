package io.procpool.examples;

import io.procpool.Pool;
import io.procpool.ProcessPool;
import io.procpool.ResultIterator;
import io.procpool.TaskFailedException;
import io.procpool.TaskTimeoutException;
import io.procpool.WorkerCrashedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What procpool does that Python's {@code Pool} does not: a dead worker fails its task instead of
 * hanging the pool, hard task timeouts, lazy {@code imap} over endless input, the worker's own
 * exception class and stack, worker JVM options, no orphan workers.
 */
public final class BeyondPythonExample {
  private BeyondPythonExample() {}

  /**
   * A task that calls {@code System.exit(3)}: Python's {@code Pool} would wait forever for its
   * result; here the task fails with {@link WorkerCrashedException}, the worker is replaced and
   * the pool goes on.
   *
   * @param pool a process pool
   * @return {@code "crashed with exit code 3, then 42"}
   */
  public static String workerCrash(Pool pool) {
    String s;
    try {
      pool.apply(() -> {
        System.exit(3);
        return 0;
      });
      s = "no crash";
    } catch (TaskFailedException e) {
      WorkerCrashedException crash = (WorkerCrashedException) e.getCause();
      s = "crashed with exit code " + crash.exitCode();
    }
    int next = pool.<Integer>apply(() -> 42); // a new worker JVM took the dead one's place
    return s + ", then " + next;
  }

  /**
   * A task stuck in a loop that ignores interrupts is stopped at the deadline: its worker JVM is
   * killed and replaced, and the task fails with {@link TaskTimeoutException}.
   *
   * @return {@code "TaskTimeoutException after PT0.5S, then 42"}
   */
  public static String taskTimeout() {
    try (ProcessPool pool = ProcessPool.builder().processes(1).taskTimeout(Duration.ofMillis(500)).build()) {
      String s;
      try {
        pool.<Integer>apply(() -> {
          while (true) {
            Thread.onSpinWait(); // busy, deaf to interrupts
          }
        });
        s = "no timeout";
      } catch (TaskFailedException e) {
        TaskTimeoutException t = (TaskTimeoutException) e.getCause();
        s = "TaskTimeoutException after " + t.timeout();
      }
      return s + ", then " + pool.<Integer>apply(() -> 42);
    }
  }

  /**
   * {@code imap} over an endless input: the pool reads only a few items ahead of the caller.
   *
   * @param pool the pool
   * @return the first five squares of 1, 2, 3, ...: {@code [1, 4, 9, 16, 25]}
   */
  public static List<Integer> lazyImap(Pool pool) {
    Iterable<Integer> naturals = () -> Stream.iterate(1, i -> i + 1).iterator();
    List<Integer> firstFive = new ArrayList<>();
    try (ResultIterator<Integer> squares = pool.imap(x -> x * x, naturals)) {
      while (firstFive.size() < 5) {
        firstFive.add(squares.next());
      }
    } // close() stops reading the endless input
    return firstFive;
  }

  /**
   * A task's exception arrives as its own class, with its message and the worker's stack frames.
   *
   * @param pool the pool
   * @return the cause and where it was thrown: {@code "java.lang.NumberFormatException: For input
   *     string: \"abc\" at java.lang.NumberFormatException.forInputString"}
   */
  public static String remoteException(Pool pool) {
    try {
      pool.apply(s -> Integer.parseInt(s), "abc");
      return "no failure";
    } catch (TaskFailedException e) {
      Throwable cause = e.getCause(); // a NumberFormatException, rebuilt in this JVM
      StackTraceElement top = cause.getStackTrace()[0];
      return cause + " at " + top.getClassName() + "." + top.getMethodName();
    }
  }

  /**
   * Worker JVMs with options of their own: here a 64 MB heap.
   *
   * @return the worker's maximum heap in MB, at most 64
   */
  public static long jvmOptions() {
    try (ProcessPool pool = ProcessPool.builder().processes(1).jvmOptions("-Xmx64m").build()) {
      long maxHeap = pool.<Long>apply(() -> Runtime.getRuntime().maxMemory());
      return maxHeap / (1024 * 1024);
    }
  }

  /**
   * One task per worker JVM, with a spare worker started ahead so that the next one is ready.
   *
   * @return how many different worker JVMs ran the 4 items: 4
   */
  public static long oneTaskPerWorker() {
    try (ProcessPool pool = ProcessPool.builder().processes(2).maxTasksPerChild(1).spares(1).build()) {
      List<Long> pids = pool.map(x -> ProcessHandle.current().pid(), List.of(1, 2, 3, 4), 1);
      return pids.stream().distinct().count();
    }
  }

  /**
   * After {@code close()} the worker JVMs are gone, whatever happened before.
   *
   * @return whether any worker process is alive after close: {@code false}
   */
  public static boolean anyWorkerAliveAfterClose() {
    List<Long> pids;
    try (ProcessPool pool = ProcessPool.create(2)) {
      pids = pool.workerPids();
    }
    return pids.stream().anyMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
  }

  /**
   * Runs every example and prints the results.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    try (ProcessPool pool = ProcessPool.create(2)) {
      System.out.println("worker crash:     " + workerCrash(pool));
      System.out.println("lazy imap:        " + lazyImap(pool));
      System.out.println("remote exception: " + remoteException(pool));
    }
    System.out.println("task timeout:     " + taskTimeout());
    System.out.println("jvmOptions:       max heap " + jvmOptions() + " MB");
    System.out.println("spares:           4 items on " + oneTaskPerWorker() + " worker JVMs");
    System.out.println("orphans:          " + (anyWorkerAliveAfterClose() ? "some" : "none"));
  }
}
