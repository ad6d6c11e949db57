package io.procpool.bench.jmh;

import io.procpool.Pool;
import io.procpool.bench.Work;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One round trip on a warm one-worker pool: {@code pool.apply(Work::square, x)} (send the task,
 * run it, receive the result). The process pool's figure is the per-call overhead of procpool's
 * wire path; the thread pool's is the floor without serialization or a process boundary.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ApplyRoundTripBenchmark {
  @Param({"ProcessPool", "ThreadPool"})
  public String impl;

  private Pool pool;
  private long x;

  @Setup(Level.Trial)
  public void setUp() {
    pool = PoolState.create(impl, 1);
    for (long i = 0; i < 2_000; i++) { // worker side warm: the function is cached, JIT has started
      pool.apply(Work::square, i);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.close();
  }

  @Benchmark
  public Long apply() {
    Long r = pool.apply(Work::square, ++x);
    if (r != x * x) {
      throw new AssertionError(r);
    }
    return r;
  }

  @Benchmark
  public Long applyAsyncGet() throws Exception {
    return pool.applyAsync(Work::square, ++x).get();
  }
}
