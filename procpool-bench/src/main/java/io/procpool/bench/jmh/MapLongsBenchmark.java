package io.procpool.bench.jmh;

import io.procpool.Pool;
import io.procpool.bench.Work;
import java.util.ArrayList;
import java.util.List;
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
 * {@code pool.map(Work::square, 10 000 Longs)} on a warm pool, with the default chunk size
 * (ceil(n / (4 * processes))) and with chunk size 1 (one message per item).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MapLongsBenchmark {
  @Param({"ProcessPool", "ThreadPool"})
  public String impl;

  @Param({"2"})
  public int processes;

  @Param({"10000"})
  public int n;

  private Pool pool;
  private List<Long> items;

  @Setup(Level.Trial)
  public void setUp() {
    pool = PoolState.create(impl, processes);
    items = new ArrayList<>(n);
    for (long i = 0; i < n; i++) {
      items.add(i);
    }
    pool.map(Work::square, items);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.close();
  }

  @Benchmark
  public List<Long> mapDefaultChunksize() {
    return check(pool.map(Work::square, items));
  }

  @Benchmark
  public List<Long> mapChunksize1() {
    return check(pool.map(Work::square, items, 1));
  }

  private List<Long> check(List<Long> out) {
    long last = n - 1;
    if (out.size() != n || out.get(n - 1) != last * last) {
      throw new AssertionError("wrong result");
    }
    return out;
  }
}
