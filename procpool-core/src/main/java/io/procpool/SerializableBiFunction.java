package io.procpool;

import java.io.Serializable;

/**
 * A two-argument function that may throw, used by {@code starmap}: {@code (a, b) -> a * b}.
 *
 * @param <A> the first argument type (a pair's key)
 * @param <B> the second argument type (a pair's value)
 * @param <R> the result type
 */
@FunctionalInterface
public interface SerializableBiFunction<A, B, R> extends Serializable {
  /**
   * Applies the function.
   *
   * @param a the first argument
   * @param b the second argument
   * @return the result
   * @throws Exception any failure; the caller sees it as the cause of a {@link TaskFailedException}
   */
  R apply(A a, B b) throws Exception;
}
