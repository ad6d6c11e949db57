package io.procpool;

/**
 * The cause of a task's failure when the worker process running it died: it exited (a task called
 * {@code System.exit} or {@code Runtime.halt}), was killed by a signal (SIGKILL, SIGSEGV in native
 * code, the kernel's OOM killer), or lost its connection to the pool. The message names the worker,
 * its pid, the exit code or signal, and what the worker printed last on stderr.
 */
public class WorkerCrashedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The worker's process id. */
  private final long pid;
  /** The worker's exit status. */
  private final int exitCode;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param pid the worker's process id
   * @param exitCode the worker's exit status as the JDK reports it (128 + n for signal n), or -1
   *     if unknown
   */
  public WorkerCrashedException(String message, long pid, int exitCode) {
    super(message);
    this.pid = pid;
    this.exitCode = exitCode;
  }

  /**
   * Returns the crashed worker's process id.
   *
   * @return the pid
   */
  public long pid() {
    return pid;
  }

  /**
   * Returns the worker's exit status: the code passed to {@code System.exit}, or 128 + n when
   * signal n killed it; -1 when it is not known.
   *
   * @return the exit status or -1
   */
  public int exitCode() {
    return exitCode;
  }

  /**
   * Returns the number of the signal that killed the worker, or 0 when it exited by itself.
   *
   * @return the signal number or 0
   */
  public int signal() {
    return exitCode > 128 && exitCode < 128 + 65 ? exitCode - 128 : 0;
  }
}
