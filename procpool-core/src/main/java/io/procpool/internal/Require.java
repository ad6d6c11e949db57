package io.procpool.internal;

import java.time.Duration;
import java.util.Objects;

/** Argument and state checks with messages that name the argument, the value and what is expected. */
public final class Require {
  private Require() {}

  /** Throws {@link NullPointerException} naming {@code name} if {@code value} is null. */
  public static <T> T notNull(T value, String name) {
    return Objects.requireNonNull(value, () -> name + " must not be null");
  }

  /** Throws {@link IllegalArgumentException} unless {@code value >= 1}. */
  public static int positive(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
    }
    return value;
  }

  /** Throws {@link IllegalArgumentException} unless {@code value >= 0}. */
  public static int nonNegative(int value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
    }
    return value;
  }

  /** Throws {@link IllegalArgumentException} with {@code message} unless {@code condition}. */
  public static void argument(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Throws unless {@code value} is non-null and strictly positive. */
  public static Duration positive(Duration value, String name) {
    notNull(value, name);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
    return value;
  }

  /** Throws {@link IllegalStateException} with the formatted message unless {@code condition}. */
  public static void state(boolean condition, String message, Object... args) {
    if (!condition) {
      throw new IllegalStateException(String.format(message, args));
    }
  }
}
