package io.procpool.cli;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What a run has done so far: items per {@link Status}, read by the progress bar while the run
 * updates them, and the one-line summary printed at the end.
 */
final class RunCounters {
  private final AtomicLongArray byStatus = new AtomicLongArray(Status.values().length);
  private final long startNanos = System.nanoTime();

  /**
   * Counts one ended item.
   *
   * @param status how it ended
   */
  void add(Status status) {
    byStatus.incrementAndGet(status.ordinal());
  }

  /**
   * @param status a status
   * @return the items that ended so
   */
  long count(Status status) {
    return byStatus.get(status.ordinal());
  }

  /** @return every ended item */
  long ended() {
    long n = 0;
    for (Status s : Status.values()) {
      n += count(s);
    }
    return n;
  }

  /** @return the ended items that did not succeed */
  long notOk() {
    return ended() - count(Status.OK);
  }

  /** @return nanoseconds since the run started */
  long elapsedNanos() {
    return System.nanoTime() - startNanos;
  }

  /** @return the counts as a map, for tests and reports */
  Map<Status, Long> snapshot() {
    Map<Status, Long> m = new EnumMap<>(Status.class);
    for (Status s : Status.values()) {
      m.put(s, count(s));
    }
    return m;
  }

  /**
   * Formats the final summary, e.g. {@code procpool: 2000 items in 4.21 s (475.1 items/s): 1983 ok,
   * 12 failed, 2 crashed, 3 timed out, 1 retried; 1000 skipped (done before)}.
   *
   * @param retried the pool's retry count
   * @param skipped items skipped as done by an earlier run
   * @param skippedNotOk how many of those did not end ok
   * @param interrupted whether Ctrl-C stopped the run
   * @return the line, without "procpool: " handling of newlines
   */
  String summary(long retried, long skipped, long skippedNotOk, boolean interrupted) {
    long n = ended();
    double secs = elapsedNanos() / 1e9;
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "procpool: %d items in %.2f s (%.1f items/s): ", n, secs, secs > 0 ? n / secs : 0.0));
    b.append(count(Status.OK)).append(" ok, ");
    b.append(count(Status.FAILED)).append(" failed, ");
    b.append(count(Status.CRASHED)).append(" crashed, ");
    b.append(count(Status.TIMEOUT)).append(" timed out, ");
    b.append(retried).append(" retried");
    if (skipped > 0) {
      b.append("; ").append(skipped).append(" skipped (done by an earlier run");
      if (skippedNotOk > 0) {
        b.append(", ").append(skippedNotOk).append(" of them not ok");
      }
      b.append(')');
    }
    if (interrupted) {
      b.append("; interrupted: the rest did not run (add --resume to go on)");
    }
    return b.toString();
  }
}
