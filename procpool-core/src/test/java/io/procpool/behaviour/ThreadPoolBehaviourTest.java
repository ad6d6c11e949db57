package io.procpool.behaviour;

import static io.procpool.behaviour.Fixtures.range;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procpool.AsyncResult;
import io.procpool.Pool;
import io.procpool.PoolTerminatedException;
import io.procpool.SerializableRunnable;
import io.procpool.ThreadPool;
import io.procpool.behaviour.Fixtures.Unserializable;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The behaviour suite on {@link ThreadPool} (CPython's {@code multiprocessing.dummy.Pool}). */
@Timeout(value = 60, unit = SECONDS)
class ThreadPoolBehaviourTest extends PoolBehaviourSuite {

  @Override
  protected Pool newPool(int processes) {
    return ThreadPool.create(processes);
  }

  @Override
  protected Pool newPool(int processes, SerializableRunnable initializer) {
    return ThreadPool.builder().processes(processes).initializer(initializer).build();
  }

  @Override
  protected io.procpool.PoolBuilder<?> newBuilder() {
    return ThreadPool.builder();
  }

  @Override
  protected String backend() {
    return "thread";
  }

  /** Tasks run on at most {@code n} distinct threads, all alive daemons (the contract). */
  @Override
  protected void assertLiveWorkers(Pool p, int n) {
    Set<Thread> threads = new HashSet<>(p.map(x -> Thread.currentThread(), range(60), 1));
    assertThat(threads).hasSizeBetween(1, n).allSatisfy(t -> {
      assertThat(t.isAlive()).isTrue();
      assertThat(t.isDaemon()).isTrue();
    });
    assertThat(threads).doesNotContain(Thread.currentThread());
  }

  /** Nothing to add: threads die with the JVM, and the suite checked the exit status. */
  @Override
  protected void afterUnclosedChildExit(String childOutput) {
    assertThat(childOutput).doesNotContain("PIDS");
  }

  /**
   * #21 test_wrapped_exception, the ThreadPool half of bpo-20980: the cause is the very exception
   * the task threw, not a copy or a wrapper.
   */
  @Test
  void test_wrapped_exception_is_the_same_instance() {
    RuntimeException boom = new RuntimeException("foo");
    assertThatThrownBy(() -> pool.apply(() -> {
          throw boom;
        }))
        .cause()
        .isSameAs(boom);
    assertThatThrownBy(() -> pool.applyAsync(() -> {
          throw boom;
        }).get())
        .cause()
        .isSameAs(boom);
  }

  /**
   * ThreadPool Javadoc: {@code terminate()} interrupts; a task that ignores the interrupt keeps its
   * daemon thread, but its result has already failed with {@link PoolTerminatedException} and
   * {@code terminate()} does not wait for it to end.
   */
  @Test
  void test_terminate_with_a_task_that_ignores_interrupts() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    Pool p = newPool(1);
    try {
      AsyncResult<Integer> r = p.applyAsync(() -> {
        started.countDown();
        while (true) {
          try {
            if (finish.await(20, SECONDS)) {
              return 1;
            }
          } catch (InterruptedException ignored) {
            // keep running: this task ignores interrupts
          }
        }
      });
      assertThat(started.await(30, SECONDS)).isTrue();
      long t0 = System.nanoTime();
      p.terminate();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
      assertThat(r.isDone()).isTrue();
      assertThatThrownBy(r::get).isInstanceOf(ExecutionException.class).cause().isInstanceOf(PoolTerminatedException.class);
    } finally {
      finish.countDown();
      p.terminate();
    }
  }

  /**
   * #7 test_map_unplicklable is skipped for threads in CPython; its ThreadPool counterpart: objects
   * that cannot be serialized pass through unchanged (the very instances).
   */
  @Test
  void test_map_unpicklable_passes_through_threads() {
    Unserializable a = new Unserializable();
    List<Unserializable> items = Collections.nCopies(10, a);
    assertThat(pool.map(Fixtures::identity, items)).hasSize(10).allSatisfy(x -> assertThat(x).isSameAs(a));
  }
}
