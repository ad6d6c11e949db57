package io.procpool.cli;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ctrl-C (SIGINT) for {@code procpool run}: the first one runs {@code first} (stop reading the
 * input and let running items finish), every later one runs {@code second} (terminate the pool).
 * The JVM's own handler, which would exit at once, is put back by {@link #close()}.
 */
final class Interrupts implements AutoCloseable {
  private final AtomicInteger count = new AtomicInteger();
  private final Object previous;

  private Interrupts(Runnable first, Runnable second) {
    previous = Signals.handle("INT", () -> {
      if (count.incrementAndGet() == 1) {
        first.run();
      } else {
        second.run();
      }
    });
  }

  /**
   * Installs the handler (nothing happens where SIGINT is ignored, as in a background job).
   *
   * @param first what the first Ctrl-C does
   * @param second what every later Ctrl-C does
   * @return the handle that puts the previous handler back
   */
  static Interrupts install(Runnable first, Runnable second) {
    return new Interrupts(first, second);
  }

  @Override
  public void close() {
    Signals.restore("INT", previous);
  }
}
