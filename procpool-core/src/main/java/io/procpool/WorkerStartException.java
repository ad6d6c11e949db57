package io.procpool;

/**
 * Thrown when a worker JVM cannot be started or does not connect back: {@code java} is missing, a
 * JVM option is invalid, the class path does not hold procpool. The message carries what the JVM
 * printed. When it happens while a pool is being built, the build fails with it; later (while
 * replacing a worker) it fails the pool's pending tasks instead of retrying forever.
 */
public class WorkerStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong, with the JVM's own output
   * @param cause the underlying failure, may be null
   */
  public WorkerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
