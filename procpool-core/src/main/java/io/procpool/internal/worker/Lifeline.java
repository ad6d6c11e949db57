package io.procpool.internal.worker;

import io.procpool.internal.NamedThreads;
import io.procpool.internal.wire.Activity;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A worker's lifeline to its pool: the worker JVM halts at once when stdin reaches EOF (the parent
 * died, or closed it) or when the process that started it is no longer its parent (checked every
 * 200 ms, safe against pid reuse).
 *
 * <p>One thread, {@code procpool-lifeline}, waits for stdin in a {@link Selector} for at most
 * 20 ms at a time while the worker has work ({@link Activity}), so that it is never blocked in a native read when a
 * task calls {@code Runtime.halt} (HotSpot would wait 300 ms for it before the process ends). A pipe
 * becomes selectable through the JDK's own pipe channel class, which the worker's command line
 * opens to us ({@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}); where that is refused, two
 * threads do the same with a blocking read and a sleep, and a halt is then seen ~300 ms later.
 */
final class Lifeline {
  private static final long PARENT_CHECK_NANOS = 200_000_000L;
  private static volatile boolean closing;
  /** What the lifeline reads; closed by {@link #closeStdin}. */
  private static volatile Channel stdin;
  /** The lifeline's selector, woken by {@link #closeStdin} (closing a channel does not wake a select). */
  private static volatile Selector watching;

  private Lifeline() {}

  /** Starts watching stdin and the parent {@code parentPid}. */
  static void start(long parentPid, Activity activity) {
    Pipe.SourceChannel pipe = selectableStdin();
    Selector selector = pipe == null ? null : selectorFor(pipe);
    if (selector != null) {
      stdin = pipe;
      watching = selector;
      Activity.Waiter waiter = activity.waiter(selector);
      daemon("procpool-lifeline", () -> poll(pipe, selector, waiter, parentPid));
      return;
    }
    FileChannel file = new FileInputStream(FileDescriptor.in).getChannel();
    stdin = file;
    daemon("procpool-lifeline-stdin", () -> {
      ByteBuffer buf = ByteBuffer.allocate(64);
      try {
        while (file.read(buf) >= 0) {
          buf.clear(); // the parent never writes; anything read is ignored
        }
      } catch (IOException e) {
        if (closing) {
          return; // we closed it ourselves, on the way out
        }
      }
      Runtime.getRuntime().halt(0);
    });
    daemon("procpool-lifeline-parent", () -> {
      while (true) {
        try {
          Thread.sleep(PARENT_CHECK_NANOS / 1_000_000);
        } catch (InterruptedException e) {
          return;
        }
        if (!parentAlive(parentPid)) {
          Runtime.getRuntime().halt(0);
        }
      }
    });
  }

  /** Closes stdin on the way out, so that no lifeline thread is left in a native read. */
  static void closeStdin() {
    closing = true;
    try {
      Channel in = stdin;
      if (in != null) {
        in.close();
      }
      Selector s = watching;
      if (s != null) {
        s.wakeup(); // out of its wait now, not after up to 500 ms in native code (which would hold up the exit)
      }
    } catch (IOException | RuntimeException ignored) {
      // best effort
    }
  }

  /**
   * Whether the process that started us is still our parent and not a zombie. A reparented worker
   * (its parent died) sees another parent pid, which is safe against pid reuse.
   */
  static boolean parentAlive(long parentPid) {
    long now = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
    if (now != parentPid) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + parentPid + "/stat"));
      int close = stat.lastIndexOf(')');
      return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'Z';
    } catch (IOException | RuntimeException e) {
      return true; // no /proc here: the parent-pid check above is what we have
    }
  }

  /** Stdin as a non-blocking pipe channel, or null when the JDK does not let us make one. */
  private static Pipe.SourceChannel selectableStdin() {
    try {
      Class<?> impl = Class.forName("sun.nio.ch.SourceChannelImpl");
      Constructor<?> make = impl.getDeclaredConstructor(SelectorProvider.class, FileDescriptor.class);
      make.setAccessible(true);
      Pipe.SourceChannel ch = (Pipe.SourceChannel) make.newInstance(SelectorProvider.provider(), FileDescriptor.in);
      ch.configureBlocking(false);
      return ch;
    } catch (ReflectiveOperationException | RuntimeException | IOException e) {
      return null;
    }
  }

  /** A selector watching {@code pipe}, or null (then the blocking fallback watches stdin). */
  private static Selector selectorFor(Pipe.SourceChannel pipe) {
    try {
      Selector selector = Selector.open();
      pipe.register(selector, SelectionKey.OP_READ);
      return selector;
    } catch (IOException | RuntimeException e) {
      try {
        pipe.configureBlocking(true); // stdin back as it was, for the blocking fallback
      } catch (IOException | RuntimeException ignored) {
        // the fallback's read then fails, and the worker halts: the safe side
      }
      return null;
    }
  }

  private static void poll(Pipe.SourceChannel pipe, Selector selector, Activity.Waiter waiter, long parentPid) {
    ByteBuffer buf = ByteBuffer.allocate(64);
    long nextParentCheck = System.nanoTime();
    try (selector) {
      while (true) {
        int n = pipe.read(buf);
        buf.clear(); // the parent never writes; anything read is ignored
        if (n < 0) {
          break;
        }
        if (n == 0) {
          selector.select(waiter.beginWait());
          waiter.endWait();
          selector.selectedKeys().clear();
        }
        if (System.nanoTime() - nextParentCheck >= 0) {
          nextParentCheck = System.nanoTime() + PARENT_CHECK_NANOS;
          if (!parentAlive(parentPid)) {
            break;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      if (closing) {
        return; // we closed it ourselves, on the way out
      }
    }
    Runtime.getRuntime().halt(0);
  }

  private static void daemon(String name, Runnable body) {
    NamedThreads.daemon(name).newThread(body).start();
  }
}
