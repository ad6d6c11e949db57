package io.procpool;

/**
 * The cause of a task's failure when the worker process running it died: it exited (a task called
 * {@code System.exit} or {@code Runtime.halt}), was killed by a signal (SIGKILL, SIGSEGV in native
 * code, the kernel's OOM killer), or lost its connection to the pool. The message names the worker,
 * its pid, the exit code or signal, and what the worker printed last on stderr; on a cluster, also
 * the agent's address ({@link #agent()}), or that the whole agent was lost.
 */
public class WorkerCrashedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The worker's process id. */
  private final long pid;
  /** The worker's exit status. */
  private final int exitCode;
  /** The address of the cluster agent that ran the worker, or null on one machine. */
  private final String agent;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param pid the worker's process id
   * @param exitCode the worker's exit status as the JDK reports it (128 + n for signal n), or -1
   *     if unknown
   */
  public WorkerCrashedException(String message, long pid, int exitCode) {
    this(message, pid, exitCode, null);
  }

  /**
   * Creates the exception for a worker of a cluster agent (or a whole agent that was lost).
   *
   * @param message what happened, naming the agent
   * @param pid the worker's process id, or -1 if the whole agent was lost
   * @param exitCode the worker's exit status (128 + n for signal n), or -1 if unknown
   * @param agent the agent's address ({@code host:port}), or null on one machine
   */
  public WorkerCrashedException(String message, long pid, int exitCode, String agent) {
    super(message);
    this.pid = pid;
    this.exitCode = exitCode;
    this.agent = agent;
  }

  /**
   * Returns the address ({@code host:port}) of the cluster agent whose worker died, or null when
   * the pool runs on one machine.
   *
   * @return the agent's address or null
   */
  public String agent() {
    return agent;
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
