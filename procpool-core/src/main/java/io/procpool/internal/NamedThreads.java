package io.procpool.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Names for the library's threads: every thread says which pool and role it serves. */
public final class NamedThreads {
  private static final AtomicInteger POOL_IDS = new AtomicInteger();

  private NamedThreads() {}

  /** Returns the next pool number, used in thread names ("procpool-3-..."). */
  public static int nextPoolId() {
    return POOL_IDS.incrementAndGet();
  }

  /** A factory of daemon threads all called {@code name} (for single-thread executors). */
  public static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
