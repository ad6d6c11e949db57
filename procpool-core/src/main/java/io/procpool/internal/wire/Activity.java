package io.procpool.internal.wire;

import java.nio.channels.Selector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether a worker has work (batches queued or running, or its initializer running), for the
 * threads that poll in a {@link Selector}: while it has, they wait at most {@link #BUSY_POLL_MILLIS}
 * in a native call, so that a task's {@code Runtime.halt} is not held up (see {@link FrameChannel});
 * while it is idle, {@link #IDLE_POLL_MILLIS}, so that an idle worker costs next to no CPU (20 ms
 * polls cost an idle worker 1.6 % of a CPU here, 500 ms 0.4 %). A poller in a long wait is woken
 * when work arrives; one in a short wait is not (a wake-up per task cost S4 ~15 µs). Thread-safe.
 */
public final class Activity {
  public static final long BUSY_POLL_MILLIS = 20;
  public static final long IDLE_POLL_MILLIS = 500;

  private final AtomicInteger pending = new AtomicInteger();
  private final List<Waiter> waiters = new CopyOnWriteArrayList<>();

  /** One polling thread's state: whether it is (about to be) in a long wait on its selector. */
  public final class Waiter {
    private final Selector selector;
    private volatile boolean longWait;

    private Waiter(Selector selector) {
      this.selector = selector;
    }

    /**
     * How long to wait now; call {@link #endWait} after the wait. Says "long" first and only then
     * looks at the work, while {@link #added} counts the work first and only then looks at the
     * waiters: so either this sees the work, or the worker sees this waiter and wakes it.
     */
    public long beginWait() {
      longWait = true;
      if (pending.get() > 0) {
        longWait = false;
        return BUSY_POLL_MILLIS;
      }
      return IDLE_POLL_MILLIS;
    }

    public void endWait() {
      longWait = false;
    }
  }

  /** Registers a thread that waits in {@code selector}. */
  public Waiter waiter(Selector selector) {
    Waiter w = new Waiter(selector);
    waiters.add(w);
    return w;
  }

  /** One more piece of work; wakes the pollers in a long wait if it is the first. */
  public void added() {
    if (pending.getAndIncrement() == 0) {
      for (Waiter w : waiters) {
        if (w.longWait) {
          w.selector.wakeup();
        }
      }
    }
  }

  /** One piece of work done (or taken back). */
  public void finished() {
    pending.decrementAndGet();
  }
}
