package io.procpool.internal.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies one output stream of a worker (stdout or stderr) to the caller's stream, line by line,
 * each line prefixed with the worker's id (or hands the lines to the user's handler), and keeps the
 * last lines for crash reports. Runs on its
 * own daemon thread until the stream ends (when the worker exits).
 */
final class OutputPump implements Runnable {
  private static final int KEEP = 20;

  private final InputStream in;
  private final boolean stderr;
  private final String prefix;
  private final int workerId;
  private final io.procpool.WorkerOutputHandler handler;
  private final ArrayDeque<String> last = new ArrayDeque<>();
  private final Thread thread;

  OutputPump(InputStream in, boolean stderr, String prefix, int workerId, io.procpool.WorkerOutputHandler handler, String threadName) {
    this.in = in;
    this.stderr = stderr;
    this.prefix = prefix;
    this.workerId = workerId;
    this.handler = handler;
    this.thread = new Thread(this, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void run() {
    ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            emit(line);
          } else {
            line.write(buf[i]);
          }
        }
      }
    } catch (IOException ignored) {
      // the worker is gone
    }
    if (line.size() > 0) {
      emit(line);
    }
  }

  private void emit(ByteArrayOutputStream line) {
    String s = line.toString(Charset.defaultCharset());
    if (s.endsWith("\r")) {
      s = s.substring(0, s.length() - 1);
    }
    line.reset();
    synchronized (last) {
      if (last.size() == KEEP) {
        last.removeFirst();
      }
      last.addLast(s);
    }
    if (handler != null) {
      try {
        handler.onLine(workerId, stderr, s);
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(OutputPump.class).warn("the worker output handler threw", e);
      }
      return;
    }
    PrintStream target = stderr ? System.err : System.out;
    target.println(prefix + s);
  }

  /** Waits (bounded) until the stream has been read to its end. */
  void awaitEnd(long millis) {
    try {
      thread.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The last lines seen, oldest first. */
  List<String> lastLines() {
    synchronized (last) {
      return new ArrayList<>(last);
    }
  }
}
