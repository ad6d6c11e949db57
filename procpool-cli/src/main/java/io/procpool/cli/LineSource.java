package io.procpool.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.BitSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The input lines as the pool's {@code imap} takes them. A daemon thread reads the lines (so that a
 * silent stdin never blocks the command: {@link #stop()} ends the input at once), numbers them from
 * 0, drops those already done, and hands the rest over through a small queue.
 *
 * <p>The pool names a failed item by its position among the items it was given; {@link
 * #indexAt(int)} turns that position back into the input line's index.
 */
final class LineSource implements Iterable<InputLine> {
  private static final Object END = new Object();
  private static final int QUEUE = 1024;

  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final ConcurrentHashMap<Integer, Long> positions = new ConcurrentHashMap<>();
  private final Thread reader;
  private volatile long linesRead;
  private Object next;
  private int position;
  private boolean ended;

  /**
   * Starts reading.
   *
   * @param in the input, closed when read to its end
   * @param done the indexes to skip
   */
  LineSource(BufferedReader in, BitSet done) {
    reader = new Thread(() -> readAll(in, done), "procpool-cli-input");
    reader.setDaemon(true);
    reader.start();
  }

  private void readAll(BufferedReader in, BitSet done) {
    long index = 0;
    try (in) {
      for (String line; (line = in.readLine()) != null; index++) {
        linesRead = index + 1;
        if (index <= Integer.MAX_VALUE && done.get((int) index)) {
          continue;
        }
        if (!put(new InputLine(-1, index, line))) {
          return;
        }
      }
      put(END);
    } catch (IOException e) {
      put(new UncheckedIOException("cannot read line " + index + " of the input: " + e.getMessage(), e));
    } catch (RuntimeException e) {
      put(e);
    }
  }

  /** Waits for room in the queue; false once stopped. */
  private boolean put(Object o) {
    try {
      while (!stopped.get()) {
        if (queue.offer(o, 50, TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  /** Ends the input: the pool sees no further line (lines already handed over still run). */
  void stop() {
    stopped.set(true);
  }

  /** @return whether {@link #stop()} was called */
  boolean isStopped() {
    return stopped.get();
  }

  /** @return how many lines were read from the input so far, skipped ones included */
  long linesRead() {
    return linesRead;
  }

  /**
   * Returns the input index of the item at {@code position} among those handed to the pool, and
   * forgets it (each item ends once).
   *
   * @param position the pool's index of the item
   * @return the line's index, or -1 if unknown
   */
  long indexAt(int position) {
    Long index = positions.remove(position);
    return index == null ? -1 : index;
  }


  @Override
  public Iterator<InputLine> iterator() {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return fetch() instanceof InputLine || next instanceof RuntimeException;
      }

      @Override
      public InputLine next() {
        Object o = fetch();
        if (o instanceof RuntimeException e) {
          ended = true;
          next = null;
          throw e;
        }
        if (!(o instanceof InputLine line)) {
          throw new NoSuchElementException();
        }
        next = null;
        int p = position++;
        positions.put(p, line.index());
        return new InputLine(p, line.index(), line.text());
      }
    };
  }

  /** The next queued object, waiting for it; END once stopped or read to the end. */
  private Object fetch() {
    if (next != null) {
      return next;
    }
    if (ended) {
      return END;
    }
    try {
      while (next == null) {
        if (stopped.get()) {
          ended = true;
          return END;
        }
        next = queue.poll(50, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ended = true;
      return END;
    }
    if (next == END) {
      ended = true;
    }
    return next;
  }
}
