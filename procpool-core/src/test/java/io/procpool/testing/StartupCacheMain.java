package io.procpool.testing;

import io.procpool.ProcessPool;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts a pool with {@code startupCache(args[0])}, runs a map, prints whether the workers were
 * started from an archive, and closes the pool (which is when an archive is recorded).
 */
public final class StartupCacheMain {
  private StartupCacheMain() {}

  public static void main(String[] args) throws Exception {
    try (ProcessPool pool = ProcessPool.builder().processes(2).startupCache(Path.of(args[0])).build()) {
      System.out.println("result " + pool.map(Tasks::square, List.of(1, 2, 3)));
      String jvmArgs = pool.apply(() -> String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
      System.out.println("from archive " + jvmArgs.contains("-XX:SharedArchiveFile="));
    }
  }
}
