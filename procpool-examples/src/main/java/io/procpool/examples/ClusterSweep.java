package io.procpool.examples;

import io.procpool.PoolStats;
import io.procpool.ResultIterator;
import io.procpool.hazelcast.ClusterPool;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A parameter sweep on a cluster, for docs/cluster.md: 2,000 parameters, each a 20 ms task, in
 * results as they come ({@code imapUnordered}), with {@code retries(2)} so that the work of an agent
 * killed meanwhile runs again on the others. Prints progress, then where the tasks ran.
 */
public final class ClusterSweep {
  private ClusterSweep() {}

  /**
   * One point of the sweep: a stand-in for a simulation (sleeps 20 ms), returning the parameter's
   * score and the worker's pid.
   *
   * @param p the parameter
   * @return {@code "p score pid"}
   * @throws InterruptedException if interrupted
   */
  public static String simulate(int p) throws InterruptedException {
    Thread.sleep(20);
    return p + " " + (p * 31 % 97) + " " + ProcessHandle.current().pid();
  }

  /**
   * Runs the sweep.
   *
   * @param args {@code host:port[,host:port...] secretFile}
   * @throws Exception if the sweep fails
   */
  public static void main(String[] args) throws Exception {
    List<Integer> params = IntStream.range(0, 2000).boxed().toList();
    long t0 = System.nanoTime();
    try (ClusterPool pool = ClusterPool.builder().members(args[0].split(",")).secretFile(Path.of(args[1]))
        .retries(2).build()) {
      System.out.println("agents: " + pool.agents() + ", " + pool.processes() + " workers");
      int done = 0;
      int best = -1;
      try (ResultIterator<String> it = pool.imapUnordered(ClusterSweep::simulate, params, 4)) {
        while (it.hasNext()) {
          String[] r = it.next().split(" ");
          best = Math.max(best, Integer.parseInt(r[1]));
          if (++done % 400 == 0) {
            System.out.printf("%5d/%d done after %.1f s%n", done, params.size(), (System.nanoTime() - t0) / 1e9);
          }
        }
      }
      PoolStats s = pool.stats();
      System.out.printf("all %d done in %.1f s, best score %d; batches retried: %d%n", done,
          (System.nanoTime() - t0) / 1e9, best, s.tasksRetried());
      for (PoolStats.WorkerStats w : s.workers()) {
        System.out.println("  " + w);
      }
    }
  }
}
