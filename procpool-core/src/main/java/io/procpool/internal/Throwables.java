package io.procpool.internal;

/** Small helpers for rethrowing. */
public final class Throwables {
  private Throwables() {}

  /** Throws {@code t} as is, checked or not; declared to return so callers can write {@code throw}. */
  @SuppressWarnings("unchecked")
  public static <T extends Throwable> T sneaky(Throwable t) throws T {
    throw (T) t;
  }
}
