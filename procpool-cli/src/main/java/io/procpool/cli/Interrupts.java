package io.procpool.cli;

import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) for {@code procpool run}: the first one runs {@code first} (stop reading the
 * input and let running items finish), the second runs {@code second} (terminate the pool). The
 * JVM's own handler, which would exit at once, is put back by {@link #close()}.
 */
final class Interrupts implements AutoCloseable {
  private final SignalHandler previous;
  private final AtomicInteger count = new AtomicInteger();

  private Interrupts(Runnable first, Runnable second) {
    SignalHandler old;
    try {
      old = Signal.handle(new Signal("INT"), sig -> {
        if (count.incrementAndGet() == 1) {
          first.run();
        } else {
          second.run();
        }
      });
    } catch (IllegalArgumentException e) {
      old = null; // SIGINT is ignored (a background job): nothing will arrive
    }
    previous = old;
  }

  /**
   * Installs the handler.
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
    if (previous != null) {
      Signal.handle(new Signal("INT"), previous);
    }
  }
}
