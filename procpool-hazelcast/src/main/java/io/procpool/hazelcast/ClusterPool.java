package io.procpool.hazelcast;

import io.procpool.Pool;
import io.procpool.PoolBuilder;
import io.procpool.WorkerStartException;
import io.procpool.hazelcast.internal.ClusterBackend;
import io.procpool.hazelcast.internal.ClusterSettings;
import io.procpool.hazelcast.internal.Secrets;
import io.procpool.internal.AbstractPool;
import io.procpool.internal.NamedThreads;
import io.procpool.internal.Require;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Pool} whose workers run on the agents of a cluster ({@code procpool agent}, or {@link
 * Agent}): the same API, argument checks and exceptions as {@link io.procpool.ProcessPool}, so a
 * program moves from one machine to many by changing the line that builds its pool:
 *
 * <pre>{@code
 * try (Pool pool = ClusterPool.builder()
 *     .clusterName("crawl").members("10.0.0.5:5701", "10.0.0.6:5701")
 *     .secretFile(Path.of("/etc/procpool/secret")).retries(2).build()) {
 *   List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3));
 * }
 * }</pre>
 *
 * <p>The pool is a Hazelcast client: it stores nothing for the cluster. Each agent runs this
 * pool's tasks on a local process pool of its own workers, started with this program's class path
 * (sent to the agent by content hash, only the jars it lacks). An agent with a free worker gets
 * the next chunk (pull scheduling). A task whose worker dies fails, or is retried, as on one
 * machine, with a {@link io.procpool.WorkerCrashedException} that names the agent; an agent that
 * dies or is cut off is noticed within seconds, and the chunks it held run again on the others
 * while {@code retries} allows (at-least-once execution; each result is delivered once). Every
 * message is signed with the cluster's secret (HMAC-SHA256); see docs/cluster.md and
 * docs/security.md.
 *
 * <p>{@link #processes()}-dependent defaults (chunk sizes) use the workers of the agents that were
 * ready when the pool was built. Thread-safe.
 */
public final class ClusterPool extends AbstractPool {
  private final ClusterBackend backend;

  private ClusterPool(io.procpool.ProgressListener listener, int imapLookahead, ClusterBackend backend) {
    super("cluster", backend.processes(), backend, listener, imapLookahead);
    this.backend = backend;
  }

  /**
   * Returns a builder for a cluster pool.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the addresses of the agents that take this pool's work now.
   *
   * @return {@code host:port} of each ready agent
   */
  public List<String> agents() {
    return backend.agentAddresses();
  }

  /**
   * Configures a {@link ClusterPool}. By default the pool gets every worker of every agent (each
   * agent's {@code --processes}); {@link #processes(int)} asks for that many workers across the
   * cluster instead, shared out over the agents as they open (the first ones take what they run,
   * the rest get none until an agent leaves). Not thread-safe; {@link #build()} copies the
   * settings.
   */
  public static final class Builder extends PoolBuilder<Builder> {
    private String clusterName = "procpool";
    private List<String> members = List.of("127.0.0.1:5701");
    private byte[] secret;
    private int retries;
    private Duration taskTimeout;
    private int maxTasksPerChild;
    private Duration agentTimeout = Duration.ofSeconds(30);
    private int minAgents = 1;

    private Builder() {}

    /**
     * Sets the cluster's name (default {@code procpool}); agents started with another name are not seen.
     *
     * @param clusterName the name
     * @return this builder
     * @throws NullPointerException if {@code clusterName} is null
     * @throws IllegalArgumentException if it is empty
     */
    public Builder clusterName(String clusterName) {
      this.clusterName = Secrets.clusterName(clusterName);
      return this;
    }

    /**
     * Sets the addresses ({@code host:port}) of agents to connect to (default {@code
     * 127.0.0.1:5701}); the pool then learns every other agent of the cluster.
     *
     * @param addresses one or more addresses
     * @return this builder
     * @throws NullPointerException if {@code addresses} or one of them is null
     * @throws IllegalArgumentException if none is given
     */
    public Builder members(String... addresses) {
      Require.notNull(addresses, "addresses");
      Require.argument(addresses.length > 0, "members: give at least one agent address (host:port)");
      List<String> copy = new ArrayList<>();
      for (String a : addresses) {
        copy.add(Require.notNull(a, "member address"));
      }
      this.members = List.copyOf(copy);
      return this;
    }

    /**
     * Sets the cluster's shared secret: every task, result and jar is signed with it, and agents
     * run nothing that is not. Required.
     *
     * @param secret at least 16 bytes
     * @return this builder
     * @throws NullPointerException if {@code secret} is null
     * @throws IllegalArgumentException if it is shorter than 16 bytes
     */
    public Builder secret(byte[] secret) {
      this.secret = Secrets.checked(secret);
      return this;
    }

    /**
     * Reads the cluster's shared secret from a file (without its trailing line break), as the
     * agents' {@code --secret-file} does.
     *
     * @param file the file
     * @return this builder
     * @throws java.io.UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException if it holds fewer than 16 bytes
     */
    public Builder secretFile(Path file) {
      this.secret = Secrets.read(Require.notNull(file, "file"));
      return this;
    }

    /**
     * Sets how many more times a task runs after its worker died, its agent left, or it timed out
     * (default 0). Execution is at least once; each result is delivered once.
     *
     * @param retries zero or more
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder retries(int retries) {
      this.retries = Require.nonNegative(retries, "retries");
      return this;
    }

    /**
     * Sets a time limit per task, enforced on the agent by killing the worker (as on one machine).
     *
     * @param taskTimeout a positive duration
     * @return this builder
     */
    public Builder taskTimeout(Duration taskTimeout) {
      this.taskTimeout = Require.positive(taskTimeout, "taskTimeout");
      return this;
    }

    /**
     * Sets how many tasks a worker on an agent runs before it is replaced (default 0: no limit);
     * counted per chunk the agent receives.
     *
     * @param maxTasksPerChild zero or more
     * @return this builder
     */
    public Builder maxTasksPerChild(int maxTasksPerChild) {
      this.maxTasksPerChild = Require.nonNegative(maxTasksPerChild, "maxTasksPerChild");
      return this;
    }

    /**
     * Sets how long {@link #build()} waits for the cluster and its agents, and how long queued work
     * waits when no agent is left before it fails (default 30 s).
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder agentTimeout(Duration timeout) {
      this.agentTimeout = Require.positive(timeout, "agentTimeout");
      return this;
    }

    /**
     * Sets how many agents {@link #build()} waits for (default 1; every agent already in the
     * cluster is waited for anyway, within {@link #agentTimeout}).
     *
     * @param minAgents at least 1
     * @return this builder
     */
    public Builder minAgents(int minAgents) {
      this.minAgents = Require.positive(minAgents, "minAgents");
      return this;
    }

    /**
     * Connects to the cluster, opens the pool on its agents and waits until they are ready.
     *
     * @return a running pool
     * @throws IllegalStateException if no secret was set
     * @throws WorkerStartException if the cluster cannot be reached or too few agents are ready in time
     * @throws IllegalArgumentException if the initializer cannot be serialized
     */
    @Override
    public ClusterPool build() {
      if (secret == null) {
        throw new IllegalStateException("set the secret of the cluster with secret(bytes) or secretFile(path): agents run only signed work");
      }
      Common c = common();
      ClusterBackend backend = new ClusterBackend(new ClusterSettings(clusterName, members, secret, retries, taskTimeout,
          maxTasksPerChild, c.serialFilter, c.initializer, agentTimeout, minAgents, c.processesSet ? c.processes : 0));
      backend.connect("procpool-" + NamedThreads.nextPoolId());
      return new ClusterPool(c.progressListener, c.imapLookahead, backend);
    }

    @Override
    public String toString() {
      return "ClusterPool.Builder[cluster=" + clusterName + ", members=" + members + ", retries=" + retries + "]";
    }
  }
}
