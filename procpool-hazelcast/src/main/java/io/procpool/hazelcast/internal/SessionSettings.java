package io.procpool.hazelcast.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a driver asks of each agent when it opens its session (the body of an {@link
 * AgentCall#OPEN}): the settings of the agent's local pool for this driver and the driver's class
 * path as content hashes. Plain bytes in a fixed layout (no Java serialization: the agent reads it
 * before it trusts anything). Immutable.
 */
public final class SessionSettings {
  private static final int VERSION = 1;

  /** Who the driver is, for the agent's log (host and pid). */
  public final String driver;
  public final int retries;
  /** The task timeout in milliseconds, or -1 for none. */
  public final long taskTimeoutMillis;
  public final int maxTasksPerChild;
  /** The serial filter pattern, or null for the default. */
  public final String serialFilter;
  /** The JDK-serialized initializer, or null. */
  public final byte[] initializer;
  /** The most workers the agent starts for this driver (0: as many as it runs for every driver). */
  public final int maxWorkers;
  /** The class path, in order. */
  public final List<ClassPathBundle.Entry> classPath;

  public SessionSettings(String driver, int retries, long taskTimeoutMillis, int maxTasksPerChild, String serialFilter,
      byte[] initializer, int maxWorkers, List<ClassPathBundle.Entry> classPath) {
    this.maxWorkers = maxWorkers;
    this.driver = driver;
    this.retries = retries;
    this.taskTimeoutMillis = taskTimeoutMillis;
    this.maxTasksPerChild = maxTasksPerChild;
    this.serialFilter = serialFilter;
    this.initializer = initializer;
    this.classPath = List.copyOf(classPath);
  }

  public byte[] toBytes() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(b)) {
      out.writeInt(VERSION);
      out.writeUTF(driver);
      out.writeInt(retries);
      out.writeLong(taskTimeoutMillis);
      out.writeInt(maxTasksPerChild);
      out.writeUTF(serialFilter == null ? "" : serialFilter);
      out.writeInt(initializer == null ? -1 : initializer.length);
      if (initializer != null) {
        out.write(initializer);
      }
      out.writeInt(maxWorkers);
      out.writeInt(classPath.size());
      for (ClassPathBundle.Entry e : classPath) {
        out.writeUTF(e.sha256);
        out.writeUTF(e.name);
        out.writeLong(e.size);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  /** The same settings for an agent that may start at most {@code maxWorkers} workers. */
  public SessionSettings withMaxWorkers(int maxWorkers) {
    return new SessionSettings(driver, retries, taskTimeoutMillis, maxTasksPerChild, serialFilter, initializer, maxWorkers,
        classPath);
  }

  /** @throws IOException if the bytes are not settings of this version */
  public static SessionSettings fromBytes(byte[] bytes) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException("session settings of version " + version + " (this agent reads " + VERSION
          + "): driver and agent must run the same procpool version");
    }
    String driver = in.readUTF();
    int retries = in.readInt();
    long timeout = in.readLong();
    int maxTasks = in.readInt();
    String filter = in.readUTF();
    int initLen = in.readInt();
    byte[] init = null;
    if (initLen >= 0) {
      init = new byte[initLen];
      in.readFully(init);
    }
    int maxWorkers = in.readInt();
    int n = in.readInt();
    List<ClassPathBundle.Entry> cp = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      cp.add(new ClassPathBundle.Entry(in.readUTF(), in.readUTF(), in.readLong(), null));
    }
    return new SessionSettings(driver, retries, timeout, maxTasks, filter.isEmpty() ? null : filter, init, maxWorkers, cp);
  }

  /** The SHA-256 of every jar of {@code s}'s class path, in order. */
  static List<String> jarHashes(SessionSettings s) {
    List<String> out = new java.util.ArrayList<>(s.classPath.size());
    for (ClassPathBundle.Entry e : s.classPath) {
      out.add(e.sha256);
    }
    return out;
  }
}
