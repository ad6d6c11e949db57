package io.procpool;

/**
 * Receives the progress of every call on a pool, for progress bars and dashboards. Set it with
 * {@code ProcessPool.builder().progressListener(...)} or {@code ThreadPool.builder()...}.
 *
 * <p>Events of one call arrive in order, on the pool's callback thread (never on a thread that
 * reads worker results); a listener should return quickly. One that throws is logged and kept.
 */
@FunctionalInterface
public interface ProgressListener {
  /**
   * Called after each chunk of a call ends, and once more when the call has finished.
   *
   * @param progress the call's progress so far
   */
  void onProgress(Progress progress);
}
