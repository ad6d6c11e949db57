package io.procpool;

/**
 * Thrown by the blocking calls of a {@link Pool} ({@code map}, {@code apply}, {@code starmap},
 * {@link ResultIterator#next()}) when a task failed. {@link #getCause()} is the task's failure:
 *
 * <ul>
 *   <li>the exception the task threw, rebuilt as the same class with the worker's stack frames, or a
 *       {@link RemoteException} when that class cannot be rebuilt in the caller;
 *   <li>a {@link WorkerCrashedException} when the worker process died while running it;
 *   <li>a {@link TaskTimeoutException} when the pool's task timeout expired;
 *   <li>a {@link PoolTerminatedException} when the pool was terminated before the task ended.
 * </ul>
 */
public class TaskFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The failed item's index, or -1. */
  private final int index;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param index the failed item's position in the input, or {@code -1} for a single task
   * @param cause the task's failure
   */
  public TaskFailedException(String message, int index, Throwable cause) {
    super(message, cause);
    this.index = index;
  }

  /**
   * Returns the failed item's position in the input of {@code map}, {@code starmap} or
   * {@code imap} (0-based), or {@code -1} for {@code apply}.
   *
   * @return the item index or -1
   */
  public int index() {
    return index;
  }
}
