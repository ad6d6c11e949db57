package io.procpool.internal;

/**
 * Marks an item whose task failed, in a batch's result array. Never crosses a process boundary as
 * such: the wire codec has its own encoding for failures.
 */
public final class Failure {
  private final Throwable cause;

  public Failure(Throwable cause) {
    this.cause = cause;
  }

  public Throwable cause() {
    return cause;
  }

  @Override
  public String toString() {
    return "Failure[" + cause + "]";
  }
}
