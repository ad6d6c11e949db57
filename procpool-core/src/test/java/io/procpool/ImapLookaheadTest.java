package io.procpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The look-ahead window of {@code imap} on worker processes: it grows while quick results show
 * that it is what limits, and never beyond its byte budget.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ImapLookaheadTest {
  private static final int BASE_PER_WORKER = 256; // max(8 chunks, 256 items) with chunksize 1

  /** An endless input of {@code size}-byte arrays that counts what was read. */
  private static Iterable<byte[]> endless(AtomicInteger pulled, int size) {
    return () -> new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public byte[] next() {
        byte[] b = new byte[size];
        b[0] = (byte) pulled.getAndIncrement();
        return b;
      }
    };
  }

  static Integer length(byte[] b) {
    return b.length;
  }

  @Test
  void quickResultsGrowTheWindowUpToItsBound() {
    AtomicInteger pulled = new AtomicInteger();
    int maxAhead = 0;
    try (ProcessPool pool = ProcessPool.create(1);
        ResultIterator<Integer> it = pool.imap(ImapLookaheadTest::length, endless(pulled, 8))) {
      for (int taken = 1; taken <= 20_000; taken++) {
        assertThat(it.next()).isEqualTo(8);
        maxAhead = Math.max(maxAhead, pulled.get() - taken);
      }
    }
    assertThat(maxAhead)
        .as("items read ahead of the consumer")
        .isGreaterThan(BASE_PER_WORKER)
        .isLessThanOrEqualTo(16 * BASE_PER_WORKER);
  }

  @Test
  void largeItemsKeepTheWindowWithinItsByteBudget() {
    // 64 KiB per item: 8 MiB per worker is 128 items, under the start of the window, so it never grows
    AtomicInteger pulled = new AtomicInteger();
    int maxAhead = 0;
    try (ProcessPool pool = ProcessPool.create(1);
        ResultIterator<Integer> it = pool.imap(ImapLookaheadTest::length, endless(pulled, 64 * 1024))) {
      for (int taken = 1; taken <= 2_000; taken++) {
        assertThat(it.next()).isEqualTo(64 * 1024);
        maxAhead = Math.max(maxAhead, pulled.get() - taken);
      }
    }
    assertThat(maxAhead).as("items read ahead of the consumer").isLessThanOrEqualTo(BASE_PER_WORKER);
  }
}
