package io.procpool.hazelcast.internal;

import java.util.function.Predicate;

/**
 * Lets a program that never closes its {@code ClusterPool} exit, as it would with a {@code
 * ProcessPool}: Hazelcast's client threads are not daemons, so once every other non-daemon thread
 * of the JVM has ended (the program's {@code main} returned), this closes the client, the JVM
 * exits, and the agents end the pool's session when they see it disconnect. Runs as the daemon
 * thread {@code <pool>-cluster-exit-watch}, once a second; no lock.
 */
final class ExitWatch {
  private ExitWatch() {}

  /**
   * Starts watching; {@code ours} says whether a thread belongs to the client, {@code onExit} runs
   * once when nothing else keeps the JVM alive, {@code done} says when to stop watching.
   */
  static void start(String name, Predicate<Thread> ours, Runnable onExit, java.util.function.BooleanSupplier done) {
    Thread t = new Thread(() -> {
      while (!done.getAsBoolean()) {
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
        if (!othersAlive(ours)) {
          onExit.run();
          return;
        }
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }

  private static boolean othersAlive(Predicate<Thread> ours) {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] all = new Thread[root.activeCount() + 16];
    int n = root.enumerate(all, true);
    for (int i = 0; i < n; i++) {
      Thread t = all[i];
      if (t.isAlive() && !t.isDaemon() && !ours.test(t) && !t.getName().equals("DestroyJavaVM")) {
        return true;
      }
    }
    return false;
  }
}
