package io.procpool.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs seed examples 1 to 5 on worker JVMs and checks what each prints. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(NoOrphanWorkers.class)
class SeedExamplesTest {
  private static final List<Integer> SQUARES_0_TO_9 = List.of(0, 1, 4, 9, 16, 25, 36, 49, 64, 81);

  @Test
  void mapOverFourProcessesGivesTheSquaresOfZeroToNine() {
    assertThat(SeedMapExample.run()).isEqualTo(SQUARES_0_TO_9);
  }

  @Test
  void applyAsyncThenGetGivesTwentyFive() throws Exception {
    assertThat(SeedApplyAsyncExample.run()).isEqualTo(25);
  }

  @Test
  void closeAndJoinInFinallyGivesTheSquaresOfZeroToNine() {
    assertThat(SeedCloseJoinExample.run()).isEqualTo(SQUARES_0_TO_9);
  }

  @Test
  void squareOverAThousandNumbersWithTheDefaultPoolSize() {
    List<Integer> squares = SeedSquareExample.run();
    assertThat(squares).hasSize(1000);
    assertThat(squares).isEqualTo(IntStream.range(0, 1000).map(x -> x * x).boxed().toList());
    assertThat(squares.get(999)).isEqualTo(998_001);
  }

  @Test
  void largeDataSumsAMillionNumbersInChunks() {
    assertThat(SeedLargeDataExample.run()).isEqualTo(499_999_500_000L);
  }

  @Test
  void processChunkSumsItsChunkWithoutOverflow() {
    assertThat(SeedLargeDataExample.processChunk(List.of(Integer.MAX_VALUE, Integer.MAX_VALUE)))
        .isEqualTo(2L * Integer.MAX_VALUE);
  }
}
