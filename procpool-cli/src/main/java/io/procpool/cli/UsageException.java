package io.procpool.cli;

/**
 * A mistake in what the user asked for (a missing class, an unreadable file, a joblog that does not
 * match the output): the command prints its message as one line on stderr and exits with 2.
 */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message one line for the user, without a trailing period
   */
  public UsageException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message one line for the user
   * @param cause what went wrong underneath
   */
  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
