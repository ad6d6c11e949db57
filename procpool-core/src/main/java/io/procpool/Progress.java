package io.procpool;

/**
 * A snapshot of one call's progress ({@code map}, {@code imap}, {@code mapAsync}, ...), given to a
 * {@link ProgressListener} each time a chunk of the call ends. Immutable.
 */
public final class Progress {
  private final long callId;
  private final String operation;
  private final long completed;
  private final long failed;
  private final long total;
  private final boolean finished;

  /**
   * Creates a snapshot.
   *
   * @param callId the call's id, unique within the pool
   * @param operation the pool method ("map", "imap", "apply", ...)
   * @param completed items that ended (successfully or not)
   * @param failed items among them that failed
   * @param total items in the call, or -1 while a lazy input has not been read to its end
   * @param finished whether this is the call's last event
   */
  public Progress(long callId, String operation, long completed, long failed, long total, boolean finished) {
    this.callId = callId;
    this.operation = operation;
    this.completed = completed;
    this.failed = failed;
    this.total = total;
    this.finished = finished;
  }

  /** @return the call's id, unique within the pool */
  public long callId() {
    return callId;
  }

  /** @return the pool method of the call ("map", "imap", "apply", ...) */
  public String operation() {
    return operation;
  }

  /** @return how many items have ended, successfully or not */
  public long completed() {
    return completed;
  }

  /** @return how many of the ended items failed */
  public long failed() {
    return failed;
  }

  /** @return the number of items in the call, or -1 while a lazy input is not fully read */
  public long total() {
    return total;
  }

  /** @return whether every item of the call has ended */
  public boolean finished() {
    return finished;
  }

  @Override
  public String toString() {
    return operation + "#" + callId + " " + completed + "/" + (total < 0 ? "?" : Long.toString(total))
        + (failed > 0 ? " (" + failed + " failed)" : "") + (finished ? " finished" : "");
  }
}
