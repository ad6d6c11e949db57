package io.procpool.cli;

import io.procpool.SerializableRunnable;

/**
 * The workers' initializer: ignore SIGINT. Ctrl-C in a terminal signals the whole foreground
 * process group, workers included; the command decides what happens to running items (it lets them
 * finish, or terminates the pool on a second Ctrl-C), so a worker must not die of the signal and
 * report its item as crashed.
 */
public final class IgnoreInterrupt implements SerializableRunnable {
  private static final long serialVersionUID = 1L;

  /** Creates the initializer. */
  public IgnoreInterrupt() {}

  @Override
  public void run() {
    Signals.ignore("INT");
  }
}
