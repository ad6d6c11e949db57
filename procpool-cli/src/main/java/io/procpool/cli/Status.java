package io.procpool.cli;

import io.procpool.PoolTerminatedException;
import io.procpool.TaskTimeoutException;
import io.procpool.WorkerCrashedException;
import java.util.Locale;

/** How an item ended, as the job log spells it. */
public enum Status {
  /** The function returned; its result is in the output. */
  OK,
  /** The function threw an exception. */
  FAILED,
  /** The worker JVM died while running the item ({@code System.exit}, a signal, a JVM crash). */
  CRASHED,
  /** The item ran past {@code --timeout}. */
  TIMEOUT;

  /**
   * Returns the job log's word for this status: {@code ok}, {@code failed}, {@code crashed}, {@code timeout}.
   *
   * @return the lower-case name
   */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a job log word.
   *
   * @param word {@code ok}, {@code failed}, {@code crashed} or {@code timeout}
   * @return the status
   * @throws IllegalArgumentException for any other word
   */
  public static Status of(String word) {
    return valueOf(word.toUpperCase(Locale.ROOT));
  }

  /**
   * Classifies an item's failure (the cause of a {@code TaskFailedException}).
   *
   * @param cause the failure
   * @return {@link #CRASHED}, {@link #TIMEOUT} or {@link #FAILED}; null when the pool was
   *     terminated (the item did not end and is not recorded)
   */
  public static Status ofFailure(Throwable cause) {
    if (cause instanceof PoolTerminatedException) {
      return null;
    }
    if (cause instanceof WorkerCrashedException) {
      return CRASHED;
    }
    if (cause instanceof TaskTimeoutException) {
      return TIMEOUT;
    }
    return FAILED;
  }
}
