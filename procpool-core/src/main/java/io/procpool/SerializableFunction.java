package io.procpool;

import java.io.Serializable;

/**
 * A one-argument function that may throw: {@code x -> x * x}, {@code App::workerFunction}.
 *
 * <p>It is {@link Serializable} so that a lambda or method reference can be shipped to a worker
 * JVM. Everything it captures must be serializable too.
 *
 * @param <T> the argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface SerializableFunction<T, R> extends Serializable {
  /**
   * Applies the function.
   *
   * @param t the argument
   * @return the result
   * @throws Exception any failure; the caller sees it as the cause of a {@link TaskFailedException}
   */
  R apply(T t) throws Exception;
}
