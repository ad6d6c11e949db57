package io.procpool.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Creates named daemon threads: every thread of the library says which pool and role it serves. */
public final class NamedThreads implements ThreadFactory {
  private static final AtomicInteger POOL_IDS = new AtomicInteger();

  private final String prefix;
  private final AtomicInteger count = new AtomicInteger();

  public NamedThreads(String prefix) {
    this.prefix = prefix;
  }

  /** Returns the next pool number, used in thread names ("procpool-3-..."). */
  public static int nextPoolId() {
    return POOL_IDS.incrementAndGet();
  }

  /** Starts a named daemon thread running {@code body}. */
  public static Thread start(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Override
  public Thread newThread(Runnable r) {
    Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
    t.setDaemon(true);
    return t;
  }
}
