package io.procpool.hazelcast;

import com.hazelcast.client.Client;
import com.hazelcast.client.ClientListener;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.procpool.WorkerStartException;
import io.procpool.hazelcast.internal.AgentRuntime;
import io.procpool.hazelcast.internal.HazelcastConfigs;
import io.procpool.hazelcast.internal.JarCache;
import io.procpool.hazelcast.internal.Secrets;
import io.procpool.hazelcast.internal.Signer;
import io.procpool.internal.Require;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A procpool agent: a Hazelcast member that runs the work of {@link ClusterPool}s on local worker
 * JVMs (one local process pool per driver, started with the driver's class path). Start one per
 * machine, with {@code procpool agent} or embedded:
 *
 * <pre>{@code
 * Agent agent = Agent.builder().clusterName("crawl").interfaceAddress("10.0.0.5").port(5701)
 *     .join("10.0.0.5:5701", "10.0.0.6:5701").secretFile(Path.of("/etc/procpool/secret")).build();
 * }</pre>
 *
 * <p>The agent binds to the given interface only, joins the listed members over TCP (no
 * multicast), refuses every call not signed with the cluster's secret before reading it, and ends
 * a driver's workers when the driver closes its pool or disconnects. {@link #close()} hands back
 * new work and lets running work finish; {@link #kill()} stops at once. Thread-safe.
 */
public final class Agent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("io.procpool.agent");
  private final HazelcastInstance member;
  private final AgentRuntime runtime;
  private final String address;
  private final int processes;
  private volatile boolean stopped;

  private Agent(Builder b) {
    this.processes = b.processes;
    JarCache jars;
    try {
      jars = new JarCache(b.cacheDirectory, b.cacheLimit);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use the jar cache " + b.cacheDirectory + ": " + e, e);
    }
    jars.addOwn(System.getProperty("java.class.path", ""));
    runtime = new AgentRuntime(new Signer(b.secret), jars, b.processes, b.jvmOptions);
    try {
      member = Hazelcast.newHazelcastInstance(
          HazelcastConfigs.member(b.clusterName, b.interfaceAddress, b.port, b.join, b.processes, runtime));
    } catch (RuntimeException e) {
      throw new WorkerStartException("the procpool agent cannot start its Hazelcast member on " + b.interfaceAddress + ":"
          + b.port + " (" + e.getMessage() + "): is the port free and the interface this machine's?", e);
    }
    address = member.getCluster().getLocalMember().getAddress().getHost() + ":"
        + member.getCluster().getLocalMember().getAddress().getPort();
    runtime.address(address);
    member.getClientService().addClientListener(new ClientListener() {
      @Override
      public void clientConnected(Client client) {
        LOG.debug("driver connected from {}", client.getSocketAddress());
      }

      @Override
      public void clientDisconnected(Client client) {
        runtime.driverGone(client.getUuid().toString());
      }
    });
    member.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
        LOG.info("agent {} joined; the cluster has {} agents", e.getMember().getAddress(), e.getMembers().size());
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        LOG.info("agent {} left; the cluster has {} agents", e.getMember().getAddress(), e.getMembers().size());
      }
    });
    LOG.info("procpool agent {} (pid {}) joined cluster '{}' with {} workers; agents: {}", address,
        ProcessHandle.current().pid(), b.clusterName, b.processes, member.getCluster().getMembers().size());
  }

  /**
   * Returns a builder for an agent.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the agent's address, {@code host:port} */
  public String address() {
    return address;
  }

  /** @return the number of workers each driver's pool gets on this agent */
  public int processes() {
    return processes;
  }

  /** @return the pids of the worker JVMs of every open pool on this agent */
  public List<Long> workerPids() {
    return runtime.workerPids();
  }

  /** @return how many calls this agent refused because they were not signed with the cluster's secret */
  public long refusedCalls() {
    return runtime.refused();
  }

  /** @return how many batches this agent has run */
  public long batchesRun() {
    return runtime.batches();
  }

  /** @return whether the agent has stopped */
  public boolean isStopped() {
    return stopped || !member.getLifecycleService().isRunning();
  }

  /**
   * Stops gracefully: new batches go back to their drivers, running ones finish, the workers exit,
   * then the member leaves the cluster. Idempotent.
   */
  @Override
  public void close() {
    stop(true);
  }

  /** Stops at once: workers are killed, the member leaves; drivers run the held work elsewhere. Idempotent. */
  public void kill() {
    stop(false);
  }

  private synchronized void stop(boolean graceful) {
    if (stopped) {
      return;
    }
    stopped = true;
    LOG.info("procpool agent {} stopping ({})", address, graceful ? "finishing running work" : "killing its workers");
    runtime.stop(graceful);
    try {
      if (graceful) {
        member.shutdown();
      } else {
        member.getLifecycleService().terminate();
      }
    } catch (RuntimeException e) {
      LOG.debug("stopping the member: {}", e.toString());
    }
    LOG.info("procpool agent {} stopped", address);
  }

  /** Configures an {@link Agent}. Not thread-safe; {@link #build()} copies the settings. */
  public static final class Builder {
    private String clusterName = "procpool";
    private String interfaceAddress = "127.0.0.1";
    private int port = 5701;
    private List<String> join = List.of();
    private int processes = Runtime.getRuntime().availableProcessors();
    private byte[] secret;
    private List<String> jvmOptions = List.of();
    private Path cacheDirectory = defaultCache();
    private long cacheLimit = JarCache.DEFAULT_LIMIT;

    private Builder() {}

    private static Path defaultCache() {
      String xdg = System.getenv("XDG_CACHE_HOME");
      Path base = xdg != null && !xdg.isEmpty() ? Paths.get(xdg) : Paths.get(System.getProperty("user.home"), ".cache");
      return base.resolve("procpool").resolve("agent-jars");
    }

    /** @param clusterName the cluster's name (default {@code procpool}) @return this builder */
    public Builder clusterName(String clusterName) {
      this.clusterName = Secrets.clusterName(clusterName);
      return this;
    }

    /** @param address the interface to bind to (default {@code 127.0.0.1}) @return this builder */
    public Builder interfaceAddress(String address) {
      this.interfaceAddress = Require.notNull(address, "interfaceAddress");
      return this;
    }

    /** @param port the member's port (default 5701) @return this builder */
    public Builder port(int port) {
      Require.argument(port > 0 && port < 65536, "port: " + port + " (expected: 1..65535)");
      this.port = port;
      return this;
    }

    /** @param members addresses ({@code host:port}) of agents to join (default: none, a new cluster) @return this builder */
    public Builder join(String... members) {
      Require.notNull(members, "members");
      this.join = List.copyOf(Arrays.asList(members));
      return this;
    }

    /** @param processes workers per driver's pool (default: available processors) @return this builder */
    public Builder processes(int processes) {
      this.processes = Require.positive(processes, "processes");
      return this;
    }

    /** @param secret the cluster's shared secret, at least 16 bytes @return this builder */
    public Builder secret(byte[] secret) {
      this.secret = Secrets.checked(secret);
      return this;
    }

    /** @param file a file holding the cluster's shared secret @return this builder */
    public Builder secretFile(Path file) {
      this.secret = Secrets.read(Require.notNull(file, "file"));
      return this;
    }

    /** @param options JVM options for the agent's worker JVMs @return this builder */
    public Builder jvmOptions(String... options) {
      Require.notNull(options, "options");
      this.jvmOptions = List.copyOf(new ArrayList<>(Arrays.asList(options)));
      return this;
    }

    /** @param dir where jars sent by drivers are kept (default {@code $XDG_CACHE_HOME/procpool/agent-jars}) @return this builder */
    public Builder cacheDirectory(Path dir) {
      this.cacheDirectory = Require.notNull(dir, "dir");
      return this;
    }

    /**
     * Bounds the jar cache: after a jar arrives, the least recently used sent jars that no open
     * pool uses are deleted while the cache holds more than {@code bytes} (default 2 GiB).
     *
     * @param bytes the most bytes of sent jars kept, positive
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes < 1}
     */
    public Builder cacheLimit(long bytes) {
      Require.argument(bytes > 0, "cacheLimit: " + bytes + " bytes (expected: >= 1)");
      this.cacheLimit = bytes;
      return this;
    }

    /**
     * Starts the agent: its member joins the cluster and takes work.
     *
     * @return the running agent
     * @throws IllegalStateException if no secret was set
     * @throws WorkerStartException if the member cannot start (port taken, wrong interface)
     */
    public Agent build() {
      if (secret == null) {
        throw new IllegalStateException("set the secret of the cluster with secret(bytes) or secretFile(path)");
      }
      return new Agent(this);
    }
  }
}
