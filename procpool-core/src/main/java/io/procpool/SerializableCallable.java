package io.procpool;

import java.io.Serializable;

/**
 * A task without arguments that returns a value and may throw: {@code () -> 42}.
 *
 * <p>It is {@link Serializable} so that a lambda or method reference written where a
 * {@code SerializableCallable} is expected can be shipped to a worker JVM. Everything it captures
 * must be serializable too.
 *
 * @param <R> the result type
 */
@FunctionalInterface
public interface SerializableCallable<R> extends Serializable {
  /**
   * Computes the result.
   *
   * @return the result, which the pool sends back to the caller (it must be serializable for a
   *     process pool)
   * @throws Exception any failure; the caller sees it as the cause of a {@link TaskFailedException}
   */
  R call() throws Exception;
}
