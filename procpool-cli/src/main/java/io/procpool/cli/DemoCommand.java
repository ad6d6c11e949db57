package io.procpool.cli;

import io.procpool.Pool;
import io.procpool.ProcessPool;
import io.procpool.ResultIterator;
import io.procpool.ThreadPool;
import io.procpool.examples.SeedApplyAsyncExample;
import io.procpool.examples.SeedCloseJoinExample;
import io.procpool.examples.SeedExceptionExample;
import io.procpool.examples.SeedLargeDataExample;
import io.procpool.examples.SeedMapExample;
import io.procpool.examples.SeedSquareExample;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code procpool demo}: runs the Python tutorial's examples (from {@code procpool-examples}) on
 * real worker JVMs and prints their results, then times a CPU-bound job serially, on a {@link
 * ThreadPool} and on a {@link ProcessPool}, and prints the speed-ups.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "Runs the examples of a Python multiprocessing.Pool tutorial on worker JVMs, then a CPU-bound job"
          + " serially, on a ThreadPool and on a ProcessPool, and prints the speed-ups."
    },
    footerHeading = "%nExamples:%n",
    footer = {"  procpool demo", "  procpool demo --items 400 --work-ms 5 -p 2", "  procpool demo --no-examples"})
public final class DemoCommand implements Callable<Integer> {

  @ParentCommand private ProcpoolCommand parent;

  @Option(names = "--items", paramLabel = "N", defaultValue = "200", description = "Tasks in the CPU-bound job (default: ${DEFAULT-VALUE}).")
  int items;

  @Option(names = "--work-ms", paramLabel = "MS", defaultValue = "10", description = "CPU time of one task in milliseconds (default: ${DEFAULT-VALUE}).")
  double workMillis;

  @Option(names = {"-p", "--processes"}, paramLabel = "N", description = "Workers of the two pools (default: ${DEFAULT-VALUE}, the number of processors).")
  int processes = Runtime.getRuntime().availableProcessors();

  @Option(names = "--no-examples", description = "Skip the tutorial's examples; only the speed-up test.")
  boolean noExamples;

  /** Creates the command; picocli calls this. */
  public DemoCommand() {}

  @Override
  public Integer call() throws Exception {
    if (items < 1 || processes < 1 || !(workMillis > 0)) {
      throw new UsageException("--items, --processes and --work-ms must be positive");
    }
    PrintWriter out = parent.out();
    if (!noExamples) {
      examples(out);
    }
    speedups(out);
    return ExitCodes.OK;
  }

  private void examples(PrintWriter out) throws Exception {
    out.println("procpool demo: the examples of the Python multiprocessing.Pool tutorial, on worker JVMs");
    step(out, "pool.map(worker_function, range(10)) with Pool(processes=4)", () -> SeedMapExample.run());
    step(out, "pool.apply_async(worker_function, (5,)).get()", () -> SeedApplyAsyncExample.run());
    step(out, "pool.map(...) with close() and join() in finally", () -> SeedCloseJoinExample.run());
    step(out, "pool.map(square, range(1000)) with Pool()", () -> abbreviate(SeedSquareExample.run()));
    step(out, "sum of pool.map(process_chunk, chunks): 1,000,000 numbers in 100 chunks of 10,000",
        () -> SeedLargeDataExample.run());
    step(out, "apply_async(worker_function, (0,)) where worker_function catches 1/0",
        () -> "result = " + SeedExceptionExample.runCaughtInWorker());
    step(out, "apply_async(1/x, (0,)).get() raises in the caller", () -> SeedExceptionExample.runCaughtByCaller());
    out.println();
  }

  /** Something that computes a result and may throw. */
  private interface Result {
    Object get() throws Exception;
  }

  private static void step(PrintWriter out, String title, Result result) throws Exception {
    out.println();
    out.println("== " + title);
    out.flush();
    long t0 = System.nanoTime();
    Object value = result.get();
    out.printf(Locale.ROOT, "   %s   (%d ms)%n", value, (System.nanoTime() - t0) / 1_000_000);
    out.flush();
  }

  private static String abbreviate(List<?> values) {
    if (values.size() <= 10) {
      return values.toString();
    }
    return values.subList(0, 5).toString().replace("]", "") + ", ..., "
        + values.subList(values.size() - 3, values.size()).toString().replace("[", "") + " (" + values.size() + " values)";
  }

  private void speedups(PrintWriter out) {
    long iterations = CpuWork.calibrate(workMillis);
    List<Long> work = Collections.nCopies(items, iterations);
    out.printf(Locale.ROOT, "CPU-bound job: %d tasks of about %.0f ms each, %d workers, %d processors%n",
        items, workMillis, processes, Runtime.getRuntime().availableProcessors());
    out.flush();

    long t0 = System.nanoTime();
    AtomicLong done = new AtomicLong();
    double serialSum = 0;
    ProgressBar bar = bar(done);
    try {
      for (long n : work) {
        serialSum += CpuWork.spin(n);
        done.incrementAndGet();
      }
    } finally {
      bar.close();
    }
    double serial = seconds(t0);
    out.printf(Locale.ROOT, "  serial            %6.2f s%n", serial);
    out.flush();

    long tt = System.nanoTime();
    double threads;
    try (ThreadPool pool = ThreadPool.create(processes)) {
      threads = timed(pool, work, serialSum);
    }
    out.printf(Locale.ROOT, "  ThreadPool(%d)     %6.2f s   speed-up %.2fx%n", processes, threads, serial / threads);
    out.flush();

    long tp = System.nanoTime();
    double processesTime;
    double startup;
    try (ProcessPool pool = ProcessPool.create(processes)) {
      startup = seconds(tp);
      processesTime = timed(pool, work, serialSum);
    }
    out.printf(Locale.ROOT, "  ProcessPool(%d)    %6.2f s   speed-up %.2fx   (+%.2f s to start %d worker JVMs)%n",
        processes, processesTime, serial / processesTime, startup, processes);
    out.printf(Locale.ROOT, "All three computed the same sum (%.1f); %.1f s in all.%n", serialSum, seconds(tt) + serial);
    out.flush();
  }

  private double timed(Pool pool, List<Long> work, double expected) {
    long t0 = System.nanoTime();
    AtomicLong done = new AtomicLong();
    double sum = 0;
    ProgressBar bar = bar(done);
    try (ResultIterator<Double> it = pool.imap(CpuWork::spin, work, 1)) {
      while (it.hasNext()) {
        sum += it.next();
        done.incrementAndGet();
      }
    } finally {
      bar.close();
    }
    if (Math.abs(sum - expected) > Math.abs(expected) * 1e-9) {
      throw new IllegalStateException("the pool computed " + sum + ", not " + expected);
    }
    return seconds(t0);
  }

  private ProgressBar bar(AtomicLong done) {
    Supplier<ProgressBar> none = () -> ProgressBar.none(parent.err());
    return parent.progressAllowed() ? ProgressBar.start(parent.err(), done::get, () -> 0, items) : none.get();
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
