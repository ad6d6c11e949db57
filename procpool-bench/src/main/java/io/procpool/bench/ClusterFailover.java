package io.procpool.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procpool.Pool;
import io.procpool.ProcessPool;
import io.procpool.hazelcast.ClusterPool;
import io.procpool.ResultIterator;
import io.procpool.SerializableFunction;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The failover measurement: {@code imapUnordered} of many short tasks; once {@code killAfter}
 * results are in, the caller's {@code kill} action SIGKILLs one agent (or, for the local
 * reference, one worker JVM). Every task first sends a datagram (run, item, pid) to the
 * benchmark's loopback port, so the benchmark knows which items the killed side had started.
 * Figures, from the kill instant: {@code detect_ms}, until the first of those items starts again
 * elsewhere (the driver saw the loss and re-dispatched); {@code recovered_ms}, until the last of
 * them has its result (the killed side's running chunks have run elsewhere); {@code after_kill_ms},
 * until the whole map is done. Every result is checked (each item once, {@code i*i}).
 */
final class ClusterFailover implements AutoCloseable {
  /** The task: beacon, sleep {@code sleepMs}, return {@code i*i}. */
  public static final class Beacon implements SerializableFunction<Long, Long> {
    private static final long serialVersionUID = 1L;
    private static DatagramSocket socket;
    private final int port;
    private final int run;
    private final int sleepMs;

    public Beacon(int port, int run, int sleepMs) {
      this.port = port;
      this.run = run;
      this.sleepMs = sleepMs;
    }

    private static synchronized DatagramSocket socket() throws SocketException {
      if (socket == null) {
        socket = new DatagramSocket();
      }
      return socket;
    }

    @Override
    public Long apply(Long i) throws Exception {
      byte[] b = ByteBuffer.allocate(16).putInt(run).putInt(i.intValue()).putLong(ProcessHandle.current().pid()).array();
      socket().send(new DatagramPacket(b, b.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
      Thread.sleep(sleepMs);
      return i * i;
    }
  }

  /** One beacon as received: when, which run, which item, which worker pid. */
  static final class Start {
    final long nanos;
    final int run;
    final int item;
    final long pid;

    Start(long nanos, int run, int item, long pid) {
      this.nanos = nanos;
      this.run = run;
      this.item = item;
      this.pid = pid;
    }
  }

  /** The figures of one killed map. */
  static final class Outcome {
    double detectMs = Double.NaN;
    double recoveredMs = Double.NaN;
    double afterKillMs;
    double totalMs;
    int lostItems;
    boolean allCorrect;
    int killedPids;
    long retried = -1;

    double figure(String name) {
      switch (name) {
        case "recovered_ms": return recoveredMs;
        case "detect_ms": return detectMs;
        case "after_kill_ms": return afterKillMs;
        case "total_ms": return totalMs;
        case "lost_items": return lostItems;
        default: throw new IllegalArgumentException(name);
      }
    }
  }

  private final DatagramSocket receiver;
  private final ConcurrentLinkedQueue<Start> starts = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private int nextRun = 1;

  ClusterFailover() throws IOException {
    receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    receiver.setReceiveBufferSize(4 << 20);
    thread = new Thread(this::receive, "bench-beacons");
    thread.setDaemon(true);
    thread.start();
  }

  private void receive() {
    byte[] buf = new byte[16];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    while (!receiver.isClosed()) {
      try {
        receiver.receive(p);
        long t = System.nanoTime();
        ByteBuffer b = ByteBuffer.wrap(buf, 0, 16);
        starts.add(new Start(t, b.getInt(), b.getInt(), b.getLong()));
      } catch (IOException e) {
        return;
      }
    }
  }

  Beacon task(int sleepMs) {
    return new Beacon(receiver.getLocalPort(), nextRun++, sleepMs);
  }

  /**
   * Runs the map; when {@code killAfter} results are in, {@code victims} names the pids whose
   * tasks the kill loses and {@code kill} kills and returns its instant ({@code System.nanoTime()}).
   */
  Outcome run(Pool pool, int items, int chunksize, int sleepMs, int killAfter, Supplier<List<Long>> victims,
      LongSupplier kill) {
    Beacon fn = task(sleepMs);
    List<Long> in = Scenarios.range(items);
    long[] arrival = new long[items];
    boolean ok = true;
    long tKill = 0;
    List<Long> killed = List.of();
    int got = 0;
    long t0 = System.nanoTime();
    try (ResultIterator<Long> it = pool.imapUnordered(fn, in, chunksize)) {
      while (it.hasNext()) {
        long v = it.next();
        long now = System.nanoTime();
        int i = (int) Math.round(Math.sqrt((double) v));
        if (i < 0 || i >= items || (long) i * i != v || arrival[i] != 0) {
          ok = false;
        } else {
          arrival[i] = now;
        }
        got++;
        if (got == killAfter) {
          killed = victims.get();
          tKill = kill.getAsLong();
        }
      }
    }
    long tEnd = System.nanoTime();
    try {
      Thread.sleep(50); // the last datagrams
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Start> mine = new ArrayList<>();
    for (Start s : starts) {
      if (s.run == fn.run) {
        mine.add(s);
      }
    }
    starts.removeIf(s -> s.run <= fn.run);
    Outcome o = outcome(mine, arrival, new HashSet<>(killed), tKill, tEnd);
    o.totalMs = (tEnd - t0) / 1e6;
    o.allCorrect = ok && got == items && tKill != 0;
    o.killedPids = killed.size();
    return o;
  }

  /**
   * The figures from the beacons: the lost items are those a killed pid started that had no result
   * at the kill; {@code arrival[i]} is the result's {@code nanoTime} (0: none).
   */
  static Outcome outcome(List<Start> beacons, long[] arrival, Set<Long> killedPids, long tKill, long tEnd) {
    Outcome o = new Outcome();
    o.afterKillMs = (tEnd - tKill) / 1e6;
    Set<Integer> lost = new HashSet<>();
    for (Start s : beacons) {
      if (killedPids.contains(s.pid) && (arrival[s.item] == 0 || arrival[s.item] > tKill)) {
        lost.add(s.item);
      }
    }
    o.lostItems = lost.size();
    Map<Integer, Long> restarted = new HashMap<>();
    for (Start s : beacons) {
      if (lost.contains(s.item) && !killedPids.contains(s.pid) && s.nanos >= tKill) {
        restarted.merge(s.item, s.nanos, Math::min);
      }
    }
    if (!restarted.isEmpty()) {
      o.detectMs = (restarted.values().stream().mapToLong(Long::longValue).min().getAsLong() - tKill) / 1e6;
    }
    if (!lost.isEmpty()) {
      long last = 0;
      for (int i : lost) {
        last = Math.max(last, arrival[i]);
      }
      o.recoveredMs = last == 0 ? Double.NaN : (last - tKill) / 1e6;
    }
    return o;
  }

  /** The {@code failover} part of {@link ClusterBench}: the cluster and the local pool, repetition by repetition. */
  static void part(ClusterBench b) throws Exception {
    ClusterBench.Options o = b.o;
    int items = o.quick ? 1000 : 3000;
    int chunksize = 10;
    int sleepMs = 2;
    int killAfter = items * 2 / 5;
    int reps = o.reps(3);
    List<Outcome> cl = new ArrayList<>();
    List<Outcome> lo = new ArrayList<>();
    try (ClusterAgents c = b.cluster("failover"); ClusterFailover f = new ClusterFailover()) {
      List<Integer> first = ClusterBench.ports(2);
      c.start(first, List.of(), 1);
      for (int r = 0; r < reps; r++) {
        try (ProcessPool lp = ProcessPool.builder().processes(2).retries(2).build()) {
          f.run(lp, items / 5, chunksize, sleepMs, Integer.MAX_VALUE, List::of, () -> 0L); // warm-up
          long[] victim = new long[1];
          lo.add(f.run(lp, items, chunksize, sleepMs, killAfter, () -> {
            victim[0] = lp.workerPids().get(lp.workerPids().size() - 1);
            return List.of(victim[0]);
          }, () -> {
            long t = System.nanoTime();
            ProcessHandle.of(victim[0]).ifPresent(ProcessHandle::destroyForcibly);
            return t;
          }));
        }
        ClusterAgents.AgentJvm victim = c.live().get(c.live().size() - 1);
        List<Long> victimWorkers = new ArrayList<>();
        try (ClusterPool cp = c.pool().minAgents(2).retries(2).build()) {
          Scenarios.check(cp.processes() == 2, "2 cluster workers, got " + cp.processes());
          f.run(cp, items / 5, chunksize, sleepMs, Integer.MAX_VALUE, List::of, () -> 0L); // warm-up
          Outcome out = f.run(cp, items, chunksize, sleepMs, killAfter, () -> {
            victimWorkers.addAll(victim.workerPids());
            return victimWorkers;
          }, () -> c.kill(victim));
          out.retried = cp.stats().tasksRetried();
          cl.add(out);
        }
        ClusterAgents.awaitGone(victim, victimWorkers);
        if (r + 1 < reps) {
          c.start(ClusterBench.ports(1), List.of(c.live().get(0).port), 1); // a fresh second agent
        }
      }
    }
    for (int k = 0; k < 2; k++) {
      List<Outcome> os = k == 0 ? cl : lo;
      String impl = k == 0 ? ClusterBench.CLUSTER : ClusterBench.LOCAL;
      ObjectNode params = JsonLines.obj().put("items", items).put("chunksize", chunksize).put("task_sleep_ms", sleepMs)
          .put("kill_after_results", killAfter).put("retries", 2)
          .put("killed", k == 0 ? "one of 2 agents (SIGKILL)" : "one of 2 worker JVMs (SIGKILL)");
      boolean allCorrect = os.stream().allMatch(x -> x.allCorrect);
      for (String m : List.of("recovered_ms", "detect_ms", "after_kill_ms", "total_ms", "lost_items")) {
        double[] xs = os.stream().mapToDouble(x -> x.figure(m)).toArray();
        ObjectNode r = b.rec("failover", m, impl, k == 0 ? 2 : 0, 2, params, m.endsWith("_ms") ? "ms" : "items", xs, 1);
        r.put("all_results_correct", allCorrect);
        if (k == 0) {
          r.putPOJO("retried_tasks", os.stream().map(x -> x.retried).toArray());
        }
        b.emit(r);
      }
    }
  }

  @Override
  public void close() {
    receiver.close();
  }
}
