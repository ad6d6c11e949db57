package io.procpool.behaviour;

import io.procpool.Pool;
import io.procpool.hazelcast.ClusterPool;
import java.nio.file.Path;

/** Makes a {@link ClusterPool} in {@link PoolChildMain}'s JVM: {@code argument} is {@code cluster|secretFile|host:port,...}. */
public final class ClusterChildPools {
  private ClusterChildPools() {}

  public static Pool create(int processes, String argument) {
    String[] p = argument.split("\\|");
    return ClusterPool.builder().clusterName(p[0]).secretFile(Path.of(p[1])).members(p[2].split(",")).processes(processes)
        .build();
  }
}
