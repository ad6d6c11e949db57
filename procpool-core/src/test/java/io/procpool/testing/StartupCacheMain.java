package io.procpool.testing;

import io.procpool.ProcessPool;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts a pool with {@code startupCache(args[0])} ({@code default}: the builder's default; {@code
 * none}: {@code startupCache(null)}), runs a map, prints whether the workers were started from an
 * archive, and closes the pool (which is when an archive is recorded).
 */
public final class StartupCacheMain {
  private StartupCacheMain() {}

  public static void main(String[] args) throws Exception {
    ProcessPool.Builder b = ProcessPool.builder().processes(2);
    if (args[0].equals("none")) {
      b.startupCache(null);
    } else if (!args[0].equals("default")) {
      b.startupCache(Path.of(args[0]));
    }
    try (ProcessPool pool = b.build()) {
      System.out.println("result " + pool.map(Tasks::square, List.of(1, 2, 3)));
      String jvmArgs = pool.apply(() -> String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
      System.out.println("from archive " + jvmArgs.contains("-XX:SharedArchiveFile="));
    }
  }
}
