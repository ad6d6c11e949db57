package io.procpool.hazelcast.internal;

import com.hazelcast.core.IExecutorService;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a driver's session on one agent: sends the settings and the class path's hashes, then the
 * jars the agent lacks, then asks again, until the agent reports its workers ready. An answer that
 * is not signed with the cluster's secret leaves the member out (it gets no work). Runs on the
 * pool's {@code -cluster-open} thread; stateless beyond its fixed inputs, so thread-safe.
 */
final class AgentOpener {
  private static final Logger LOG = LoggerFactory.getLogger(AgentOpener.class);
  private final IExecutorService executor;
  private final Signer signer;
  private final String driverId;
  private final SessionSettings settings;
  private final ClassPathBundle bundle;
  private final long timeoutMillis;

  AgentOpener(IExecutorService executor, Signer signer, String driverId, SessionSettings settings, ClassPathBundle bundle,
      long timeoutMillis) {
    this.executor = executor;
    this.signer = signer;
    this.driverId = driverId;
    this.settings = settings;
    this.bundle = bundle;
    this.timeoutMillis = timeoutMillis;
  }

  /**
   * Opens the session on {@code l} with at most {@code maxWorkers} workers (0: the agent's number)
   * and records it ready in {@code agents}; logs and returns false if it cannot.
   */
  boolean open(AgentLink l, AgentSet agents, int maxWorkers) {
    return open(l, agents, maxWorkers, 0);
  }

  private boolean open(AgentLink l, AgentSet agents, int maxWorkers, int attempt) {
    byte[] request = settings.withMaxWorkers(maxWorkers).toBytes();
    try {
      for (int round = 0; round < 3; round++) {
        byte[] body = call(l, AgentCall.signed(signer, AgentCall.OPEN, driverId, request));
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
        if (in.readByte() == 0) {
          int processes = in.readInt();
          String address = in.readUTF();
          long pid = in.readLong();
          agents.ready(l, processes, address, pid);
          LOG.debug("agent {} (pid {}) ready with {} workers", address, pid, processes);
          return true;
        }
        int n = in.readInt();
        List<String> missing = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          missing.add(in.readUTF());
        }
        long bytes = 0;
        for (String sha : missing) {
          bytes += send(l, sha);
        }
        LOG.info("sent {} jars ({} KiB) of the class path to {}", missing.size(), bytes / 1024, l);
      }
      LOG.warn("{} still misses jars after they were sent: left out", l);
    } catch (SecurityException e) {
      LOG.warn("{} left out: {}", l, e.getMessage());
    } catch (com.hazelcast.spi.exception.TargetNotMemberException | com.hazelcast.core.MemberLeftException e) {
      if (attempt < 20 && !agents.isGone(l)) {
        // a member that has just joined may not be known to the client's connection yet
        try {
          Thread.sleep(250);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return false;
        }
        return open(l, agents, maxWorkers, attempt + 1);
      }
      LOG.warn("{} could not open this pool's session and is left out: {}", l, e.toString());
    } catch (Exception e) {
      LOG.warn("{} could not open this pool's session and is left out: {}", l, e.toString());
    }
    return false;
  }

  private long send(AgentLink l, String sha) throws Exception {
    ClassPathBundle.Entry e = bundle.find(sha);
    if (e == null) {
      throw new IOException("the agent asked for a jar this driver does not have: " + sha);
    }
    byte[] jar = Files.readAllBytes(e.file);
    ByteArrayOutputStream b = new ByteArrayOutputStream(jar.length + 80);
    try (DataOutputStream out = new DataOutputStream(b)) {
      out.writeUTF(sha);
      out.writeInt(jar.length);
      out.write(jar);
    }
    call(l, AgentCall.signed(signer, AgentCall.JAR, driverId, b.toByteArray()));
    return jar.length;
  }

  private byte[] call(AgentLink l, AgentCall c) throws Exception {
    try {
      return c.body(signer, executor.submitToMember(c, l.member).get(timeoutMillis, TimeUnit.MILLISECONDS));
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof SecurityException) {
        throw (SecurityException) cause;
      }
      throw cause instanceof Exception ? (Exception) cause : e;
    } catch (TimeoutException e) {
      throw new TimeoutException("no answer from " + l + " within " + timeoutMillis + " ms");
    }
  }
}
