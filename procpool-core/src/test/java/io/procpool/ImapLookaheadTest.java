package io.procpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The look-ahead window of {@code imap} on worker processes: it starts at 4 chunks per worker,
 * grows while it holds less than 4 ms of work at the rate results are taken, never beyond its
 * byte budget, and never beyond the builder's {@code imapLookahead} cap. The input is read on the
 * consumer's thread only, so what was read when {@code next()} returns is all that is read until
 * the next call.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ImapLookaheadTest {
  private static final int BASE_PER_WORKER = 256; // max(8 chunks, 256 items) with chunksize 1

  /** An endless input of {@code size}-byte arrays that counts what was read. */
  private static Iterable<byte[]> endless(AtomicInteger pulled, int size) {
    return endless(pulled, size, Integer.MAX_VALUE, size);
  }

  /** As above, with items of {@code laterSize} bytes from index {@code from} on. */
  private static Iterable<byte[]> endless(AtomicInteger pulled, int size, int from, int laterSize) {
    return () -> new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public byte[] next() {
        int i = pulled.getAndIncrement();
        byte[] b = new byte[i < from ? size : laterSize];
        b[0] = (byte) i;
        return b;
      }
    };
  }

  static Integer length(byte[] b) {
    return b.length;
  }

  static Integer slowLength(byte[] b) throws InterruptedException {
    Thread.sleep(2); // the work: a task of 2 ms
    return b.length;
  }

  /**
   * Takes {@code n} results of {@code imap(fn, input)} on one worker, checking each against
   * {@code expected} (by index), and returns how many items had been read ahead of the consumer
   * after each take.
   */
  private static int[] aheadAfterEachTake(
      SerializableFunction<byte[], Integer> fn, AtomicInteger pulled, Iterable<byte[]> input, int n, IntUnaryOperator expected) {
    int[] ahead = new int[n];
    try (ProcessPool pool = ProcessPool.create(1); ResultIterator<Integer> it = pool.imap(fn, input)) {
      for (int i = 0; i < n; i++) {
        assertThat(it.next()).isEqualTo(expected.applyAsInt(i));
        ahead[i] = pulled.get() - (i + 1);
      }
    }
    return ahead;
  }

  private static int max(int[] a, int from, int to) {
    return Arrays.stream(a, from, to).max().orElseThrow();
  }

  @Test
  void quickResultsGrowTheWindowUpToItsBound() {
    AtomicInteger pulled = new AtomicInteger();
    int[] ahead = aheadAfterEachTake(ImapLookaheadTest::length, pulled, endless(pulled, 8), 20_000, i -> 8);
    assertThat(max(ahead, 0, ahead.length))
        .as("items read ahead of the consumer")
        .isGreaterThan(BASE_PER_WORKER)
        .isLessThanOrEqualTo(16 * BASE_PER_WORKER);
  }

  @Test
  void slowTasksDoNotGrowTheWindow() {
    // 2 ms per task on one worker: the window's 256 items hold ~500 ms of work, far above 4 ms
    AtomicInteger pulled = new AtomicInteger();
    int[] ahead = aheadAfterEachTake(ImapLookaheadTest::slowLength, pulled, endless(pulled, 8), 300, i -> 8);
    assertThat(max(ahead, 0, ahead.length)).as("items read ahead of the consumer").isLessThanOrEqualTo(BASE_PER_WORKER);
  }

  @Test
  void largeItemsKeepTheWindowWithinItsByteBudget() {
    // 64 KiB per item: 8 MiB per worker is 128 items, under the start of the window, so it never grows
    AtomicInteger pulled = new AtomicInteger();
    int[] ahead = aheadAfterEachTake(ImapLookaheadTest::length, pulled, endless(pulled, 64 * 1024), 2_000, i -> 64 * 1024);
    assertThat(max(ahead, 0, ahead.length)).as("items read ahead of the consumer").isLessThanOrEqualTo(BASE_PER_WORKER);
  }

  /**
   * Items are read before their size is known: up to the grown window (16 x 256 here) of large
   * items is read at once, then the window falls back within the byte budget (8 MiB is 256 items
   * of 32 KiB: the window's start).
   */
  @Test
  void aWindowGrownOnSmallItemsShrinksWhenItemsGetLarge() {
    AtomicInteger pulled = new AtomicInteger();
    int switchAt = 20_000;
    int[] ahead = aheadAfterEachTake(ImapLookaheadTest::length, pulled, endless(pulled, 8, switchAt, 32 * 1024),
        switchAt + 6_000, i -> i < switchAt ? 8 : 32 * 1024);
    assertThat(max(ahead, 0, switchAt - 1)).as("read ahead while items were small").isGreaterThan(BASE_PER_WORKER);
    // from 5,000 items on, what was read before the large items came is used up
    assertThat(max(ahead, switchAt + 5_000, ahead.length)).as("read ahead once items are large")
        .isLessThanOrEqualTo(BASE_PER_WORKER);
  }

  /** The case: {@code imap(fn, endless, 1)} on 2 workers, the consumer takes 10 and pauses (it read 512 before). */
  @Test
  void aConsumerThatPausesEarlyHoldsAFewChunksPerWorker() throws Exception {
    AtomicInteger pulled = new AtomicInteger();
    try (ProcessPool pool = ProcessPool.create(2); ResultIterator<Integer> it = pool.imap(ImapLookaheadTest::length, endless(pulled, 8), 1)) {
      for (int i = 0; i < 10; i++) {
        assertThat(it.next()).isEqualTo(8);
      }
      // the start is 8 items (4 chunks x 2 workers); a wait for the first results may double it a few times
      assertThat(pulled.get() - 10).as("items read ahead of a consumer that took 10").isLessThanOrEqualTo(64);
    }
  }

  @Test
  void theCapBoundsTheWindowAtEveryTake() throws Exception {
    AtomicInteger pulled = new AtomicInteger();
    int[] ahead = new int[20_000];
    try (ProcessPool pool = ProcessPool.builder().processes(2).imapLookahead(16).build();
        ResultIterator<Integer> it = pool.imapUnordered(ImapLookaheadTest::length, endless(pulled, 8), 1)) {
      for (int i = 0; i < ahead.length; i++) {
        assertThat(it.next()).isEqualTo(8);
        ahead[i] = pulled.get() - (i + 1);
      }
    }
    assertThat(max(ahead, 0, ahead.length)).as("items read ahead of the consumer, capped at 16").isLessThanOrEqualTo(16);
  }

  @Test
  void aCapBelowTheChunksizeStillSendsWholeChunks() throws Exception {
    AtomicInteger pulled = new AtomicInteger();
    try (ThreadPool pool = ThreadPool.builder().processes(2).imapLookahead(3).build();
        ResultIterator<Integer> it = pool.imap(ImapLookaheadTest::length, endless(pulled, 8), 10)) {
      for (int i = 0; i < 2_000; i++) {
        assertThat(it.next()).isEqualTo(8);
        assertThat(pulled.get() - (i + 1)).as("read ahead at take " + i).isLessThanOrEqualTo(10);
      }
    }
  }

  /** Threads encode nothing: their window grows on the rate alone (it stayed at its start before). */
  @Test
  void threadPoolWindowGrowsForQuickTasks() throws Exception {
    AtomicInteger pulled = new AtomicInteger();
    int maxAhead = 0;
    try (ThreadPool pool = ThreadPool.create(2); ResultIterator<Integer> it = pool.imap(ImapLookaheadTest::length, endless(pulled, 8), 1)) {
      for (int i = 0; i < 50_000; i++) {
        assertThat(it.next()).isEqualTo(8);
        maxAhead = Math.max(maxAhead, pulled.get() - (i + 1));
      }
    }
    assertThat(maxAhead).isGreaterThan(8).isLessThanOrEqualTo(2 * 4096);
  }
}
