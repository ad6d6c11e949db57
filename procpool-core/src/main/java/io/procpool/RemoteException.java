package io.procpool;

import java.util.Objects;

/**
 * Stands for an exception thrown in a worker that cannot be rebuilt in the caller as its own class
 * (the class is missing here, or it cannot be serialized or deserialized). It carries the original
 * class name, message and stack trace, and the remote cause chain as further {@code
 * RemoteException}s.
 */
public class RemoteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The original exception's class name. */
  private final String remoteClassName;
  /** The original exception's message. */
  private final String remoteMessage;

  /**
   * Creates the exception.
   *
   * @param remoteClassName the fully qualified name of the original exception's class
   * @param remoteMessage the original message, may be null
   * @param stackTrace the original stack trace
   * @param cause the rebuilt cause, may be null
   */
  public RemoteException(
      String remoteClassName, String remoteMessage, StackTraceElement[] stackTrace, Throwable cause) {
    super(remoteClassName + (remoteMessage == null ? "" : ": " + remoteMessage), cause);
    this.remoteClassName = Objects.requireNonNull(remoteClassName, "remoteClassName");
    this.remoteMessage = remoteMessage;
    setStackTrace(stackTrace == null ? new StackTraceElement[0] : stackTrace);
  }

  /**
   * Returns the fully qualified class name of the exception the worker threw.
   *
   * @return the original class name
   */
  public String remoteClassName() {
    return remoteClassName;
  }

  /**
   * Returns the message of the exception the worker threw.
   *
   * @return the original message, or null if it had none
   */
  public String remoteMessage() {
    return remoteMessage;
  }
}
