package io.procpool.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar on stderr, redrawn five times a second by a daemon thread:
 * {@code [#########...........]  450/1000  45%  212.3/s  ETA 0:03  (2 failed)}. Without a known
 * total it shows the count and the rate. Messages printed through {@link #println(String)} clear
 * the bar first, so they never mix with it.
 */
final class ProgressBar implements AutoCloseable {
  private static final int WIDTH = 24;

  private final PrintWriter err;
  private final LongSupplier done;
  private final LongSupplier failed;
  private final long total;
  private final long startNanos = System.nanoTime();
  private final ScheduledExecutorService ticker;
  private boolean drawn;

  private ProgressBar(PrintWriter err, LongSupplier done, LongSupplier failed, long total, boolean live) {
    this.err = err;
    this.done = done;
    this.failed = failed;
    this.total = total;
    if (live) {
      ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "procpool-cli-progress");
        t.setDaemon(true);
        return t;
      });
      ticker.scheduleAtFixedRate(this::draw, 0, 200, TimeUnit.MILLISECONDS);
    } else {
      ticker = null;
    }
  }

  /**
   * Starts a bar.
   *
   * @param err where to draw
   * @param done items ended so far
   * @param failed items among them that did not succeed
   * @param total items expected, or -1 if unknown
   * @return the running bar
   */
  static ProgressBar start(PrintWriter err, LongSupplier done, LongSupplier failed, long total) {
    return new ProgressBar(err, done, failed, total, true);
  }

  /**
   * A bar that never draws: messages go straight to {@code err}.
   *
   * @param err where messages go
   * @return the silent bar
   */
  static ProgressBar none(PrintWriter err) {
    return new ProgressBar(err, () -> 0, () -> 0, -1, false);
  }

  /**
   * Prints a line on stderr, above the bar.
   *
   * @param line the message
   */
  synchronized void println(String line) {
    clear();
    err.println(line);
    err.flush();
  }

  private synchronized void draw() {
    err.print("\r" + render(done.getAsLong(), failed.getAsLong(), total, System.nanoTime() - startNanos) + "\033[K");
    err.flush();
    drawn = true;
  }

  private void clear() {
    if (drawn) {
      err.print("\r\033[K");
      drawn = false;
    }
  }

  /** Stops redrawing and removes the bar. */
  @Override
  public synchronized void close() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
    clear();
    err.flush();
  }

  /**
   * Renders the bar's text.
   *
   * @param done items ended
   * @param failed items that did not succeed
   * @param total items expected, or -1
   * @param elapsedNanos time since the start
   * @return the line, without control characters
   */
  static String render(long done, long failed, long total, long elapsedNanos) {
    double secs = elapsedNanos / 1e9;
    double rate = secs > 0 ? done / secs : 0;
    StringBuilder b = new StringBuilder();
    if (total > 0) {
      int filled = (int) Math.min(WIDTH, WIDTH * done / total);
      b.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
      b.append(done).append('/').append(total);
      b.append(String.format(Locale.ROOT, "  %3d%%", Math.min(100, 100 * done / total)));
    } else {
      b.append(done).append(" done");
    }
    b.append(String.format(Locale.ROOT, "  %.1f/s", rate));
    if (total > 0) {
      b.append("  ETA ").append(rate > 0 ? clock((long) ((total - done) / rate)) : "-:--");
    } else {
      b.append("  ").append(clock((long) secs));
    }
    if (failed > 0) {
      b.append("  (").append(failed).append(" not ok)");
    }
    return b.toString();
  }

  private static String clock(long seconds) {
    long s = Math.max(0, seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
