package io.procpool.bench.jmh;

import io.procpool.Pool;
import io.procpool.ProcessPool;
import io.procpool.ThreadPool;

/** Creates the pools of the JMH benchmarks. */
final class PoolState {
  private PoolState() {}

  static Pool create(String impl, int processes) {
    switch (impl) {
      case "ProcessPool":
        return ProcessPool.builder().processes(processes).build();
      case "ThreadPool":
        return ThreadPool.create(processes);
      default:
        throw new IllegalArgumentException("impl: " + impl);
    }
  }
}
