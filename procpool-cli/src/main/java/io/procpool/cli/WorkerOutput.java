package io.procpool.cli;

import io.procpool.WorkerOutputHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the workers' stdout and stderr lines go: to the command's stderr, prefixed with
 * {@code [worker-K]}, never into the results. Lines printed while the pool starts are held back
 * until {@link #started()}: if the pool cannot start, the start error already quotes them.
 */
final class WorkerOutput implements WorkerOutputHandler {
  private final ProgressBar bar;
  private List<String> held = new ArrayList<>();

  /**
   * Creates the handler.
   *
   * @param bar prints above the progress bar
   */
  WorkerOutput(ProgressBar bar) {
    this.bar = bar;
  }

  @Override
  public void onLine(int workerId, boolean stderr, String line) {
    String text = "[worker-" + workerId + "] " + line;
    synchronized (this) {
      if (held != null) {
        held.add(text);
        return;
      }
    }
    bar.println(text);
  }

  /** The pool is up: print what was held back, and from now on every line as it comes. */
  void started() {
    List<String> lines;
    synchronized (this) {
      lines = held;
      held = null;
    }
    lines.forEach(bar::println);
  }
}
