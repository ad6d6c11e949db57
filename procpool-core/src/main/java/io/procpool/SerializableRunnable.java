package io.procpool;

import java.io.Serializable;

/**
 * An action without result that may throw; used as a pool's initializer.
 */
@FunctionalInterface
public interface SerializableRunnable extends Serializable {
  /**
   * Runs the action.
   *
   * @throws Exception any failure
   */
  void run() throws Exception;
}
