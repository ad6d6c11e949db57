package io.procpool.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.ProcessPool;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every row of the README's Python → procpool table, on worker JVMs. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PoolApiTourTest {
  private static final List<Integer> SQUARES_0_TO_9 = List.of(0, 1, 4, 9, 16, 25, 36, 49, 64, 81);

  private static ProcessPool pool;

  @BeforeAll
  static void startPool() {
    pool = ProcessPool.create(2);
  }

  @AfterAll
  static void closePool() {
    pool.close();
    NoOrphanWorkers.assertNone("PoolApiTourTest");
  }

  @Test
  void mapWithChunksize() {
    assertThat(PoolApiTour.mapWithChunksize(pool)).isEqualTo(SQUARES_0_TO_9);
  }

  @Test
  void imapKeepsInputOrder() {
    assertThat(PoolApiTour.imap(pool)).containsExactly(0, 1, 4, 9, 16);
  }

  @Test
  void imapUnorderedReturnsEveryResult() {
    assertThat(PoolApiTour.imapUnordered(pool)).containsExactly(0, 1, 4, 9, 16);
  }

  @Test
  void starmapAndStarmapAsync() throws Exception {
    assertThat(PoolApiTour.starmap(pool)).containsExactly(6, 20);
    assertThat(PoolApiTour.starmapAsync(pool)).containsExactly(6, 20);
  }

  @Test
  void applyWithAnArgumentAndWithout() {
    assertThat(PoolApiTour.apply(pool)).containsExactly(49, 42);
  }

  @Test
  void applyAsyncCallsTheCallbackOrTheErrorCallback() throws Exception {
    assertThat(PoolApiTour.applyAsyncWithCallbacks(pool))
        .containsExactly("49", "java.lang.ArithmeticException: / by zero");
  }

  @Test
  void mapAsyncCallsTheCallbackWithTheWholeList() throws Exception {
    assertThat(PoolApiTour.mapAsyncWithCallback(pool)).containsExactly(0, 1, 4, 9);
  }

  @Test
  void asyncResultReadySuccessfulGetAndTimeout() throws Exception {
    assertThat(PoolApiTour.asyncResultMethods(pool))
        .isEqualTo("ready=true successful=true get=25 timeout=TimeoutException");
  }

  @Test
  void mapFailureNamesTheFailedItem() {
    assertThat(PoolApiTour.mapFailure(pool)).isEqualTo("index 2: java.lang.ArithmeticException: / by zero");
  }

  @Test
  void initializerRunsInEveryWorker() {
    assertThat(PoolApiTour.initializer()).containsExactly("hello 1", "hello 2");
  }

  @Test
  void maxTasksPerChildReplacesTheWorker() {
    assertThat(PoolApiTour.maxTasksPerChild()).isEqualTo(3);
  }

  @Test
  void terminateFailsPendingResults() throws Exception {
    assertThat(PoolApiTour.terminate()).isEqualTo("PoolTerminatedException");
  }

  @Test
  void threadPoolHasTheSameApi() {
    assertThat(PoolApiTour.threadPool()).isEqualTo(SQUARES_0_TO_9);
  }
}
