package io.procpool.behaviour;

import io.procpool.Pool;
import io.procpool.ProcessPool;
import io.procpool.ThreadPool;
import java.util.List;

/**
 * A program run in a child JVM by the suite (CPython #31 and #33).
 *
 * <p>{@code PoolChildMain <process|thread> unclosed}: stores a one-worker pool in a static field,
 * maps over {@code range(10)}, prints the results (and the worker pids), and returns from
 * {@code main} without closing the pool. The JVM must still exit with status 0.
 *
 * <p>{@code PoolChildMain <process|thread> stdin-closed}: closes its own stdin first, then
 * creates a four-worker pool, maps over seven items, closes the pool and prints the results.
 */
public final class PoolChildMain {
  /** CPython #31 keeps the pool on a global object. */
  static Pool holder;

  private PoolChildMain() {}

  public static void main(String[] args) throws Exception {
    String backend = args[0];
    String mode = args[1];
    if (mode.equals("unclosed")) {
      holder = create(backend, 1);
      List<Double> r = holder.map(Integer::doubleValue, Fixtures.range(10));
      System.out.println("RESULT " + r);
      if (holder instanceof ProcessPool) {
        System.out.println("PIDS " + ((ProcessPool) holder).workerPids());
      }
    } else if (mode.equals("stdin-closed")) {
      System.in.close();
      try (Pool pool = create(backend, 4)) {
        System.out.println("RESULT " + pool.map(Fixtures::sqr, List.of(1, 2, 3, 4, 5, 6, 7)));
      }
    } else {
      throw new IllegalArgumentException("unknown mode " + mode);
    }
  }

  /**
   * {@code process}, {@code thread}, or {@code factory:<class>:<argument>} for a backend of another
   * module: its class's {@code static Pool create(int processes, String argument)} makes the pool.
   */
  private static Pool create(String backend, int processes) throws Exception {
    if (backend.startsWith("factory:")) {
      String[] parts = backend.split(":", 3);
      return (Pool) Class.forName(parts[1]).getMethod("create", int.class, String.class).invoke(null, processes, parts[2]);
    }
    return backend.equals("process") ? ProcessPool.create(processes) : ThreadPool.create(processes);
  }
}
