package io.procpool.internal.process;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Kills the workers of every live pool when this JVM exits (one JVM-wide shutdown hook, thread
 * {@code procpool-exit-hook}); a worker also leaves by itself when its parent is gone ({@code
 * Lifeline}). Thread-safe: the set of live pools is guarded by its own monitor.
 */
final class ExitHook {
  private static final Set<PoolWorkers> LIVE = Collections.newSetFromMap(new IdentityHashMap<>());
  private static boolean installed;

  private ExitHook() {}

  /** Registers a starting pool's workers. */
  static void register(PoolWorkers workers) {
    synchronized (LIVE) {
      LIVE.add(workers);
      if (!installed) {
        installed = true;
        Runtime.getRuntime().addShutdownHook(new Thread(ExitHook::killAll, "procpool-exit-hook"));
      }
    }
  }

  /** Forgets a stopped pool. */
  static void unregister(PoolWorkers workers) {
    synchronized (LIVE) {
      LIVE.remove(workers);
    }
  }

  private static void killAll() {
    List<PoolWorkers> all;
    synchronized (LIVE) {
      all = new ArrayList<>(LIVE);
    }
    for (PoolWorkers pool : all) {
      for (WorkerHandle w : pool.all()) {
        w.destroy(true);
      }
    }
  }
}
