package io.procpool.bench;

import io.procpool.SerializableFunction;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;

/**
 * The worker functions of the scenarios, the Java counterparts of the module-level functions of
 * the Python reference. Static methods (referenced as {@code Work::square}) and small serializable
 * classes, so that they cross to worker JVMs by name and carry no captured state but their fields.
 */
public final class Work {
  private Work() {}

  /** S2-S5, S10 (Python: {@code square}). */
  public static Long square(Long x) {
    return x * x;
  }

  /** S6 CPU kernel (Python: {@code cpu_work}): sum of i*i for i in [0, n). */
  public static Long cpuWork(Long n) {
    return cpuWorkRaw(n);
  }

  /** The kernel on primitives, for the serial runs and the calibration. */
  public static long cpuWorkRaw(long n) {
    long s = 0;
    for (long i = 0; i < n; i++) {
      s += i * i;
    }
    return s;
  }

  /** S7 'to worker' (Python: {@code payload_len}). */
  public static Long payloadLen(byte[] b) {
    return (long) b.length;
  }

  /** S7 item i: {@code size} bytes of {@code i % 256} (Python: {@code bytes((i % 256,)) * size}). */
  public static byte[] payload(long i, int size) {
    byte[] b = new byte[size];
    Arrays.fill(b, (byte) (i % 256));
    return b;
  }

  /** S7 'from worker' (Python: {@code partial(make_payload, size=size)}). */
  public static final class MakePayload implements SerializableFunction<Long, byte[]> {
    private static final long serialVersionUID = 1L;
    private final int size;

    public MakePayload(int size) {
      this.size = size;
    }

    @Override
    public byte[] apply(Long i) {
      return payload(i, size);
    }
  }

  /** S8 chunk as a list (Python: {@code sum_chunk(list)}). */
  public static Long sumList(List<Long> chunk) {
    long s = 0;
    for (Long x : chunk) {
      s += x;
    }
    return s;
  }

  /** S8 chunk as a {@code long[]} (Java-only variant). */
  public static Long sumArray(long[] chunk) {
    long s = 0;
    for (long x : chunk) {
      s += x;
    }
    return s;
  }

  /** S8 chunk as a range: a few bytes on the wire, like a pickled Python {@code range}. */
  public static final class Range implements Serializable {
    private static final long serialVersionUID = 1L;
    final long start;
    final long end;

    public Range(long start, long end) {
      this.start = start;
      this.end = end;
    }
  }

  /** S8 (Python: {@code sum_chunk(range)}). */
  public static Long sumRange(Range r) {
    long s = 0;
    for (long x = r.start; x < r.end; x++) {
      s += x;
    }
    return s;
  }

  /** S9 (Python: {@code raise_value_error}; IllegalArgumentException is Java's ValueError). */
  public static Long raiseValueError(Long i) {
    throw new IllegalArgumentException("boom " + i);
  }

  /** S10 (Python: {@code partial(square_or_exit, bad=bad)}): item {@code bad} halts its JVM. */
  public static final class SquareOrExit implements SerializableFunction<Long, Long> {
    private static final long serialVersionUID = 1L;
    private final long bad;

    public SquareOrExit(long bad) {
      this.bad = bad;
    }

    @Override
    public Long apply(Long i) {
      if (i == bad) {
        Runtime.getRuntime().halt(1);
      }
      return i * i;
    }
  }

  /** S1 {@code n_trivial_tasks} (Python: {@code getpid}): which worker ran it. */
  public static String whoAmI(Long ignored) {
    return ProcessHandle.current().pid() + "/" + Thread.currentThread().getName();
  }

  /** Where the S1 barrier listens and how long a task may wait on it. */
  public static final class BarrierTicket implements Serializable {
    private static final long serialVersionUID = 1L;
    final int port;
    final int timeoutMillis;

    public BarrierTicket(int port, int timeoutMillis) {
      this.port = port;
      this.timeoutMillis = timeoutMillis;
    }
  }

  /**
   * S1 {@code all_workers_checked_in}: the pool's initializer (Python: {@code init_barrier}). Every
   * worker checks in to the loopback barrier before it may run any task and blocks until all n
   * workers have, so the n tasks submitted afterwards can only complete once every worker is up.
   */
  public static final class BarrierInit implements io.procpool.SerializableRunnable {
    private static final long serialVersionUID = 1L;
    private final BarrierTicket ticket;

    public BarrierInit(BarrierTicket ticket) {
      this.ticket = ticket;
    }

    @Override
    public void run() throws IOException {
      checkin(ticket);
    }
  }

  /**
   * S1 task-level barrier (Python: {@code checkin} on a shared Barrier, opt-in probe): connects to
   * the benchmark's loopback barrier and blocks until it answers, which it does once all n tasks
   * have connected; so no task returns before every worker holds one.
   */
  public static String checkin(BarrierTicket t) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), t.port), t.timeoutMillis);
      s.setSoTimeout(t.timeoutMillis);
      s.setTcpNoDelay(true);
      s.getOutputStream().write(1);
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      if (in.read() < 0) {
        throw new IOException("barrier closed without releasing");
      }
    }
    return whoAmI(null);
  }
}
