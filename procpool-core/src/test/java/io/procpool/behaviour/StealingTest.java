package io.procpool.behaviour;

import static io.procpool.behaviour.Fixtures.range;
import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.AsyncResult;
import io.procpool.ProcessPool;
import io.procpool.ResultIterator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract "no task waits behind a running one", many times over: after a burst of one-item
 * batches (which leaves workers' windows wide and makes them give batches back to each other),
 * one task blocks and the other seven must still arrive. Before the fix of 2026-12-07 a worker
 * whose last batch was given back stayed marked busy, and a busy worker could take batches ahead
 * while the other was idle with nothing to trigger a steal: 1-2 rounds in 40 stalled under load
 * (seen through a cluster agent's local pool; the applyAsync form stalled in round 1 here). About
 * 5 s; {@code -Dprocpool.steal.rounds=n} runs it longer.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StealingTest {
  private static final int ROUNDS = Integer.getInteger("procpool.steal.rounds", 60);

  @Test
  void aBlockedTaskNeverHoldsBackQueuedOnes() throws Exception {
    try (ProcessPool pool = ProcessPool.builder().processes(2).build()) {
      for (int round = 0; round < ROUNDS; round++) {
        assertThat(pool.map(Fixtures::sqr, range(2000), 1)).hasSize(2000);
        String dir = Files.createTempDirectory("procpool-steal").toString();
        Set<Integer> fast = new HashSet<>();
        try {
          if (round % 2 == 0) {
            ResultIterator<Integer> it = pool.imapUnordered(x -> x == 0 ? Fixtures.blockUntilReleased(dir, 0) : x, range(8));
            try {
              for (int i = 0; i < 7; i++) {
                fast.add(it.next(Duration.ofSeconds(10)));
              }
            } finally {
              Fixtures.touch(dir, "release");
              it.close();
            }
          } else { // one task per call, as an agent's local pool receives them
            List<AsyncResult<Integer>> rs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
              int x = i;
              rs.add(pool.applyAsync(() -> x == 0 ? Fixtures.blockUntilReleased(dir, 0) : x));
            }
            for (int i = 1; i < 8; i++) {
              fast.add(rs.get(i).get(10, TimeUnit.SECONDS));
            }
            Fixtures.touch(dir, "release");
            assertThat(rs.get(0).get(30, TimeUnit.SECONDS)).isZero();
          }
        } catch (TimeoutException e) {
          throw new AssertionError("round " + round + ": only " + fast + " arrived while item 0 ran; " + pool.stats(), e);
        } finally {
          Fixtures.touch(dir, "release");
        }
        assertThat(fast).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7);
      }
    }
  }
}
