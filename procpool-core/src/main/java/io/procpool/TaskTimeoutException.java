package io.procpool;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * The cause of a task's failure when it ran longer than the pool's
 * {@link ProcessPool.Builder#taskTimeout(Duration) task timeout}. The task was interrupted and,
 * if it did not stop within the grace period, its worker was killed and replaced.
 */
public class TaskTimeoutException extends TimeoutException {
  private static final long serialVersionUID = 1L;

  /** The timeout that expired. */
  private final Duration timeout;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param timeout the timeout that expired
   */
  public TaskTimeoutException(String message, Duration timeout) {
    super(message);
    this.timeout = timeout;
  }

  /**
   * Returns the timeout that expired.
   *
   * @return the pool's task timeout
   */
  public Duration timeout() {
    return timeout;
  }
}
