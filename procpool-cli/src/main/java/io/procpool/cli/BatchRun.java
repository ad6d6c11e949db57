package io.procpool.cli;

import io.procpool.Pool;
import io.procpool.RemoteException;
import io.procpool.ResultIterator;
import io.procpool.TaskFailedException;
import java.io.UncheckedIOException;

/**
 * The consumer loop of {@code procpool run}: takes each item's result or failure from the pool's
 * {@code imap} (or {@code imapUnordered}) as it ends and records it, in this order:
 *
 * <ol>
 *   <li>the result line to the output (written through to the operating system),
 *   <li>then the job log line, which records the output's length after that result line.
 * </ol>
 *
 * If the process dies between the two, the output holds a line the job log does not confirm;
 * {@link ResumePlan} cuts it off on {@code --resume} and the item runs again. Failed items have no
 * output line: a message on stderr and a job log line.
 */
final class BatchRun {
  private final Pool pool;
  private final LineSource source;
  private final OutputSink output;
  private final JobLog log;
  private final RunCounters counters;
  private final ProgressBar bar;
  private volatile boolean terminated;
  private String inputError;

  /**
   * Prepares the loop.
   *
   * @param pool the pool to run on
   * @param source the input
   * @param output where results go
   * @param log the job log, or null
   * @param counters the counts to update
   * @param bar where messages go (and the progress bar, if any)
   */
  BatchRun(Pool pool, LineSource source, OutputSink output, JobLog log, RunCounters counters, ProgressBar bar) {
    this.pool = pool;
    this.source = source;
    this.output = output;
    this.log = log;
    this.counters = counters;
    this.bar = bar;
  }

  /**
   * Runs {@code task} over the input until it ends, is stopped, or the pool is terminated.
   *
   * @param task the function shipped to the workers
   * @param chunksize items per batch
   * @param unordered results in completion order
   */
  void run(LineTask task, int chunksize, boolean unordered) {
    try (ResultIterator<LineResult> it =
        unordered ? pool.imapUnordered(task, source, chunksize) : pool.imap(task, source, chunksize)) {
      while (true) {
        LineResult result = null;
        TaskFailedException failure = null;
        try {
          if (!it.hasNext()) {
            return;
          }
          result = it.next();
        } catch (TaskFailedException e) {
          failure = e;
        } catch (UncheckedIOException e) {
          inputError = e.getMessage();
          bar.println("procpool: " + inputError);
          return;
        } catch (IllegalStateException e) {
          if (terminated) {
            return;
          }
          throw e;
        }
        if (failure != null) {
          failed(failure);
        } else {
          ok(result);
        }
      }
    }
  }

  private void ok(LineResult r) {
    source.indexAt(r.position());
    long end = output.writeLine(r.text());
    if (log != null) {
      log.record(new JobLogEntry(r.index(), Status.OK, r.nanos() / 1_000_000, end, ""));
    }
    counters.add(Status.OK);
  }

  private void failed(TaskFailedException e) {
    long index = source.indexAt(e.index());
    Status status = Status.ofFailure(e.getCause());
    if (status == null) {
      return; // the pool was terminated before the item ended: it is not recorded, so it runs on --resume
    }
    String error = describe(e.getCause());
    bar.println("procpool: line " + index + ": " + status.word() + ": " + error);
    if (log != null) {
      log.record(new JobLogEntry(index, status, -1, output.position(), error));
    }
    counters.add(status);
  }

  /**
   * Says in one line what went wrong: the exception's class and message (the original class for a
   * {@link RemoteException}), or the crash or timeout report's first line.
   *
   * @param cause the item's failure
   * @return a short message
   */
  static String describe(Throwable cause) {
    String text = cause instanceof RemoteException r ? r.getMessage() : cause.toString();
    if (cause instanceof io.procpool.WorkerCrashedException || cause instanceof io.procpool.TaskTimeoutException) {
      text = cause.getMessage();
    }
    int nl = text == null ? -1 : text.indexOf('\n');
    return JobLogEntry.oneLine(nl < 0 ? text : text.substring(0, nl));
  }

  /** Marks the pool as terminated on purpose (second Ctrl-C), so that the loop ends quietly. */
  void terminated() {
    terminated = true;
  }

  /** @return the input's read error, or null if the input was read to its end (or stopped) */
  String inputError() {
    return inputError;
  }
}
