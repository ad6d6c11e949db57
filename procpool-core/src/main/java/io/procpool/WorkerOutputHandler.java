package io.procpool;

/**
 * Receives the lines a worker JVM prints on its stdout and stderr, instead of the default, which
 * copies them to the caller's {@code System.out}/{@code System.err} prefixed with the worker's id.
 * Called on the worker's output threads (one per stream); it must be thread-safe and quick.
 */
@FunctionalInterface
public interface WorkerOutputHandler {
  /**
   * Handles one line.
   *
   * @param workerId the worker's id within the pool (1, 2, ...; replacements get new ids)
   * @param stderr true for a stderr line, false for stdout
   * @param line the line, without its line terminator
   */
  void onLine(int workerId, boolean stderr, String line);
}
