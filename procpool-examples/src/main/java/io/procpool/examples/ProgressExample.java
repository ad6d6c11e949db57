package io.procpool.examples;

import io.procpool.PoolStats;
import io.procpool.ProcessPool;
import io.procpool.Progress;
import io.procpool.ResultIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Watching a pool work: a {@code progressListener} draws a text progress bar as chunks finish, and
 * {@code stats()} reports, afterwards, what each worker did and which tasks were the slowest (like
 * wrapping Python's {@code imap} in tqdm, and mpire's insights).
 */
public final class ProgressExample {
  private ProgressExample() {}

  /** A task whose running time grows with its argument: 1-40 ms. */
  static int slowSquare(int x) throws InterruptedException {
    Thread.sleep(1 + x % 40);
    return x * x;
  }

  /** Renders one progress line, e.g. {@code [##########----------] 50/100 (2 failed)}. */
  static String bar(Progress p) {
    long total = p.total() < 0 ? Math.max(p.completed(), 1) : Math.max(p.total(), 1);
    int filled = (int) (20 * p.completed() / total);
    return String.format(Locale.ROOT, "[%s%s] %d/%s%s", "#".repeat(filled), "-".repeat(20 - filled),
        p.completed(), p.total() < 0 ? "?" : Long.toString(p.total()),
        p.failed() > 0 ? " (" + p.failed() + " failed)" : "");
  }

  /**
   * Runs 100 tasks through {@code imap} with a progress bar, and returns the bars drawn (the last
   * one full), the results' sum and the pool's figures.
   *
   * @return the lines this example prints
   */
  public static List<String> run() {
    List<String> lines = new CopyOnWriteArrayList<>();
    List<Integer> results = new ArrayList<>();
    CountDownLatch finished = new CountDownLatch(1);
    try (ProcessPool pool = ProcessPool.builder().processes(2)
        .progressListener(p -> {
          lines.add(bar(p));
          if (p.finished()) {
            finished.countDown();
          }
        })
        .build()) {
      try (ResultIterator<Integer> it =
          pool.imap(ProgressExample::slowSquare, IntStream.range(0, 100).boxed().toList(), 5)) {
        it.forEachRemaining(results::add);
      }
      try {
        finished.await(10, TimeUnit.SECONDS); // progress events arrive on the pool's callback thread
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      PoolStats stats = pool.stats();
      List<String> out = new ArrayList<>(lines);
      out.add("sum of squares: " + results.stream().mapToLong(Integer::longValue).sum());
      for (PoolStats.WorkerStats w : stats.workers()) {
        out.add(String.format(Locale.ROOT, "worker-%d ran %d tasks, busy %d ms, started in %d ms",
            w.id(), w.tasksDone(), w.busyTime().toMillis(), w.startup().toMillis()));
      }
      PoolStats.SlowTask slowest = stats.slowestTasks().get(0);
      out.add("slowest task: item " + slowest.index() + ", " + slowest.duration().toMillis() + " ms");
      return out;
    }
  }

  /**
   * Prints what {@link #run()} returns.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    run().forEach(System.out::println);
  }
}
