package io.procpool.hazelcast.internal;

import io.procpool.ProcessPool;
import io.procpool.internal.wire.BatchCodec;
import io.procpool.internal.wire.SerialFilters;
import io.procpool.internal.wire.WireCodec;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an agent does with a driver's calls: checks each call's signature before anything else,
 * opens a {@link DriverSession} (a local process pool with the driver's class path) per driver,
 * stores the jars the driver sends, runs batches, and ends a session when its driver closes,
 * terminates or disconnects. Runs on Hazelcast executor threads (calls) and its client listener
 * thread ({@link #driverGone}); thread-safe: sessions live in a concurrent map, and opening one is
 * serialized per driver by the map.
 */
public final class AgentRuntime {
  /** The key under which a member's user context holds its agent. */
  public static final String USER_CONTEXT_KEY = "io.procpool.agent";
  private static final Logger LOG = LoggerFactory.getLogger("io.procpool.agent");

  private final Signer signer;
  private final JarCache jars;
  private final int processes;
  private final List<String> jvmOptions;
  private volatile String address = "?";
  private final BatchCodec messages;
  private final Map<String, DriverSession> sessions = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private volatile boolean stopping;

  public AgentRuntime(Signer signer, JarCache jars, int processes, List<String> jvmOptions) {
    this.signer = signer;
    this.jars = jars;
    this.processes = processes;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.messages = new BatchCodec(new WireCodec(AgentRuntime.class.getClassLoader(), SerialFilters.defaultFilter()));
  }

  /** Sets the address this agent is known by ({@code host:port}), once its member runs. */
  public void address(String address) {
    this.address = address;
  }

  /** Calls refused for a missing or wrong signature. */
  public long refused() {
    return refused.get();
  }

  /** The pids of every session's workers (for tests and the agent's status). */
  public List<Long> workerPids() {
    List<Long> out = new ArrayList<>();
    for (DriverSession s : sessions.values()) {
      out.addAll(s.workerPids());
    }
    return out;
  }

  /**
   * Handles one call and returns its signed answer.
   *
   * @throws SecurityException if the call is not signed with the cluster's secret (nothing of it is read)
   * @throws IllegalStateException if the call names no open session
   */
  byte[] handle(AgentCall call) throws IOException {
    if (!call.verify(signer)) {
      long n = refused.incrementAndGet();
      LOG.warn("refused a call not signed with this cluster's secret (from driver id {}; {} refused so far)",
          call.driverId(), n);
      throw new SecurityException("procpool agent " + address
          + " refused a call that is not signed with this cluster's secret: give the driver the same secret as the agents");
    }
    switch (call.kind()) {
      case AgentCall.OPEN:
        return call.answer(signer, open(call.driverId(), SessionSettings.fromBytes(call.payload())));
      case AgentCall.JAR:
        return call.answer(signer, jar(call.payload()));
      case AgentCall.BATCH:
      case AgentCall.BATCHES:
        if (stopping) {
          throw new IllegalStateException("procpool agent " + address + " is stopping: the work goes back to its driver");
        }
        DriverSession session = session(call);
        if (call.kind() == AgentCall.BATCH) {
          batches.incrementAndGet();
          return call.answer(signer, session.run(call.payload()));
        }
        byte[][] parts = Bundles.split(call.payload());
        batches.addAndGet(parts.length);
        return call.answer(signer, Bundles.join(session.runAll(parts)));
      case AgentCall.STATS:
        return call.answer(signer, session(call).stats());
      case AgentCall.CLOSE:
      case AgentCall.TERMINATE:
        DriverSession s = sessions.remove(call.driverId());
        if (s != null) {
          LOG.info("driver {} {} its pool", s.driver, call.kind() == AgentCall.CLOSE ? "closed" : "terminated");
          if (call.kind() == AgentCall.CLOSE) {
            s.close();
          } else {
            s.terminate();
          }
          jars.unpin(s.jarHashes);
        }
        return call.answer(signer, new byte[0]);
      default:
        throw new IllegalArgumentException("unknown call kind " + call.kind());
    }
  }

  private DriverSession session(AgentCall call) {
    DriverSession s = sessions.get(call.driverId());
    if (s == null) {
      throw new IllegalStateException("procpool agent " + address + " has no session for this driver (it was closed, or the agent restarted)");
    }
    return s;
  }

  /** Answer: {@code byte 0, int processes, UTF address, long pid} when ready, or {@code byte 1, int n, n hashes} missing. */
  private byte[] open(String driverId, SessionSettings settings) throws IOException {
    if (stopping) {
      throw new IllegalStateException("procpool agent " + address + " is stopping");
    }
    List<String> wanted = SessionSettings.jarHashes(settings);
    jars.pin(wanted); // before the check: a jar found now cannot be pruned before the session holds it
    boolean[] created = {false};
    try {
      return openOrAskFor(driverId, settings, jars.missing(settings.classPath), created);
    } finally {
      if (!created[0]) {
        jars.unpin(wanted); // jars missing, the session already open, or it failed to start
      }
    }
  }

  /** {@code created[0]}: set once a new session holds the pins of its jars. */
  private byte[] openOrAskFor(String driverId, SessionSettings settings, List<String> missing, boolean[] created)
      throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(b)) {
      if (!missing.isEmpty()) {
        out.writeByte(1);
        out.writeInt(missing.size());
        for (String m : missing) {
          out.writeUTF(m);
        }
      } else {
        int workers = settings.maxWorkers > 0 ? Math.min(processes, settings.maxWorkers) : processes;
        boolean[] made = {false};
        DriverSession session = sessions.computeIfAbsent(driverId, id -> {
          DriverSession d = new DriverSession(id, settings, classPath(settings), workers, jvmOptions, address, messages);
          made[0] = true;
          return d;
        });
        created[0] = made[0];
        if (created[0]) {
          LOG.info("driver {} opened a pool: {} workers, {} class path entries", settings.driver, workers,
              settings.classPath.size());
        }
        out.writeByte(0);
        out.writeInt(session.workers);
        out.writeUTF(address);
        out.writeLong(ProcessHandle.current().pid());
      }
    }
    return b.toByteArray();
  }

  /** The workers' class path: procpool itself (this agent's version) first, then the driver's jars. */
  private String classPath(SessionSettings settings) {
    List<String> cp = new ArrayList<>();
    String own = ownLocation();
    if (own != null) {
      cp.add(own);
    }
    for (ClassPathBundle.Entry e : settings.classPath) {
      Path p = jars.file(e.sha256);
      if (p == null) {
        throw new IllegalStateException("the jar " + e.name + " (" + e.sha256 + ") left the cache");
      }
      cp.add(p.toString());
    }
    return String.join(File.pathSeparator, cp);
  }

  private static String ownLocation() {
    try {
      return Paths.get(ProcessPool.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (Exception e) {
      return null;
    }
  }

  /** Payload: {@code UTF sha256, int length, bytes}. */
  private byte[] jar(byte[] payload) throws IOException {
    DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload));
    String sha = in.readUTF();
    byte[] jar = new byte[in.readInt()];
    in.readFully(jar);
    jars.put(sha, jar);
    LOG.debug("stored jar {} ({} bytes)", sha, jar.length);
    return new byte[0];
  }

  /** Ends the session of a driver that disconnected: its workers are killed, nothing of it runs on. */
  public void driverGone(String driverId) {
    DriverSession s = sessions.remove(driverId);
    if (s != null) {
      LOG.warn("driver {} disconnected without closing its pool: its workers are stopped and its work dropped", s.driver);
      s.terminate();
      jars.unpin(s.jarHashes);
    }
  }

  /** Stops taking sessions and ends every session: {@code graceful} closes them, else terminates. */
  public void stop(boolean graceful) {
    stopping = true;
    for (String id : new ArrayList<>(sessions.keySet())) {
      DriverSession s = sessions.remove(id);
      if (s != null) {
        if (graceful) {
          s.close();
        } else {
          s.terminate();
        }
        jars.unpin(s.jarHashes);
      }
    }
  }

  /** Batches run so far. */
  public long batches() {
    return batches.get();
  }
}
