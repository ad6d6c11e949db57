package io.procpool;

/**
 * The cause of a task's failure when {@link Pool#terminate()} was called before the task ended.
 */
public class PoolTerminatedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   */
  public PoolTerminatedException(String message) {
    super(message);
  }
}
