package io.procpool.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * What a call costs the caller's JVM in garbage: bytes allocated by all its threads (the caller's
 * and the pool's, through {@code com.sun.management.ThreadMXBean}) and the young collections with
 * their pause time, between two snapshots. Threads that end between the snapshots are not counted
 * (the pool's threads live as long as the pool). Not thread-safe; one per measured call.
 */
final class CallerGarbage {
  private final long allocated;
  private final long youngCount;
  private final long youngMillis;

  private CallerGarbage(long allocated, long youngCount, long youngMillis) {
    this.allocated = allocated;
    this.youngCount = youngCount;
    this.youngMillis = youngMillis;
  }

  /** The counters now, without what {@code measuring} allocated (the thread that measures, if any). */
  static CallerGarbage snapshot(Thread measuring) {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (isYoung(gc.getName())) {
        count += Math.max(0, gc.getCollectionCount());
        millis += Math.max(0, gc.getCollectionTime());
      }
    }
    return new CallerGarbage(allocatedByAllThreads(measuring), count, millis);
  }

  /** G1's, Parallel's and Serial's young collectors; not the old or concurrent ones. */
  static boolean isYoung(String name) {
    return name.contains("Young") || name.equals("PS Scavenge") || name.equals("Copy") || name.equals("ParNew");
  }

  private static long allocatedByAllThreads(Thread except) {
    java.lang.management.ThreadMXBean tm = ManagementFactory.getThreadMXBean();
    if (!(tm instanceof com.sun.management.ThreadMXBean)) {
      return -1;
    }
    com.sun.management.ThreadMXBean sun = (com.sun.management.ThreadMXBean) tm;
    long[] ids = tm.getAllThreadIds();
    long[] bytes = sun.getThreadAllocatedBytes(ids);
    long sum = 0;
    for (int i = 0; i < ids.length; i++) {
      if (bytes[i] > 0 && (except == null || ids[i] != except.getId())) {
        sum += bytes[i];
      }
    }
    return sum;
  }

  /** MiB allocated since {@code before} (per thread: thread ids, so threads started in between count from 0). */
  double allocatedMibSince(CallerGarbage before) {
    return (allocated - before.allocated) / (double) (1 << 20);
  }

  long youngCollectionsSince(CallerGarbage before) {
    return youngCount - before.youngCount;
  }

  long youngPauseMillisSince(CallerGarbage before) {
    return youngMillis - before.youngMillis;
  }
}
