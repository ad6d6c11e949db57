package io.procpool.hazelcast.internal;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import io.procpool.PoolStats;
import io.procpool.WorkerStartException;
import io.procpool.internal.Backend;
import io.procpool.internal.Dispatcher;
import io.procpool.internal.Job;
import io.procpool.internal.Stats;
import io.procpool.internal.process.Classpath;
import io.procpool.internal.wire.BatchCodec;
import io.procpool.internal.wire.JobFunctions;
import io.procpool.internal.wire.SerialFilters;
import io.procpool.internal.wire.WireCodec;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a pool's batches on the agents of a Hazelcast cluster, as a Hazelcast client: connects,
 * opens the pool's session on every agent ({@link AgentOpener}, thread {@code
 * <pool>-cluster-open}, also for agents that join later), starts {@link ClusterDispatch} (threads
 * {@code <pool>-cluster-dispatch} and {@code <pool>-cluster-results}), hands an agent that left to
 * it (Hazelcast's event thread), and closes or terminates the sessions at the end. No lock of its
 * own: {@link AgentSet} holds the only one.
 */
public final class ClusterBackend implements Backend {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterBackend.class);
  private static final long CALL_TIMEOUT_MILLIS = 10_000;

  private final ClusterSettings settings;
  private final Signer signer;
  private final WireCodec codec;
  private final BatchCodec messages;
  private final JobFunctions functions;
  private final ClassLoader loader;
  private final AgentSet agents = new AgentSet();
  private final Set<UUID> opening = ConcurrentHashMap.newKeySet();
  /** Members left unopened because the pool had its workers ({@code processes(n)}); opened when an agent leaves. */
  private final Set<Member> skipped = ConcurrentHashMap.newKeySet();
  /** The workers the pool asked for ({@code processes(n)}), or 0 for every worker of every agent. */
  private final int workers;
  private final Set<Thread> ownThreads = ConcurrentHashMap.newKeySet();
  private HazelcastInstance client;
  private IExecutorService executor;
  private String driverId;
  private AgentOpener opener;
  private ExecutorService openers;
  private ExecutorService results;
  private Thread dispatchThread;
  /** Set by {@link #start}; null while connecting. */
  private volatile ClusterDispatch dispatch;
  private Dispatcher dispatcher;
  private Stats stats;
  private volatile boolean killed;
  /** Set once the client is shut down. */
  private volatile boolean closed;

  public ClusterBackend(ClusterSettings settings) {
    this.settings = settings;
    this.workers = settings.workers;
    this.signer = new Signer(settings.secret);
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    this.loader = context != null ? context : ClusterBackend.class.getClassLoader();
    this.codec = new WireCodec(loader, SerialFilters.of(settings.serialFilter));
    this.messages = new BatchCodec(codec);
    this.functions = new JobFunctions(codec);
  }

  /**
   * Connects to the cluster and opens this driver's session on every agent in it; returns once
   * they are ready (at least {@code minAgents}).
   *
   * @throws WorkerStartException if the cluster cannot be reached or not enough agents open in time
   * @throws IllegalArgumentException if the initializer cannot be serialized
   */
  public void connect(String poolName) {
    byte[] initializer = null;
    if (settings.initializer != null) {
      try {
        initializer = codec.encodeObject(settings.initializer);
      } catch (NotSerializableException e) {
        throw new IllegalArgumentException("the initializer cannot be serialized: " + e.getMessage() + " is not Serializable", e);
      } catch (IOException e) {
        throw new IllegalArgumentException("the initializer cannot be serialized: " + e, e);
      }
    }
    ClassPathBundle bundle = ClassPathBundle.of(Classpath.discover(loader),
        Paths.get(System.getProperty("java.io.tmpdir"), "procpool-driver-" + System.getProperty("user.name", "user")));
    try {
      client = newClient(poolName);
    } catch (RuntimeException e) {
      throw new WorkerStartException("cannot reach the procpool cluster '" + settings.clusterName + "' at "
          + settings.members + " within " + settings.agentTimeout.toMillis() + " ms: start agents with `procpool agent"
          + " --cluster-name " + settings.clusterName + "` and list their addresses in members(...) (" + e.getMessage() + ")", e);
    }
    try {
      driverId = client.getLocalEndpoint().getUuid().toString();
      executor = client.getExecutorService(HazelcastConfigs.EXECUTOR);
      String host = ProcessHandle.current().pid() + "@" + hostName();
      opener = new AgentOpener(executor, signer, driverId,
          new SessionSettings(host, settings.retries, settings.taskTimeout == null ? -1 : settings.taskTimeout.toMillis(),
              settings.maxTasksPerChild, settings.serialFilter, initializer, 0, bundle.entries()),
          bundle, Math.max(CALL_TIMEOUT_MILLIS, settings.agentTimeout.toMillis()));
      // with a number of workers to share out, agents open one after the other, each taking what is left
      openers = workers > 0 ? Executors.newSingleThreadExecutor(named(poolName + "-cluster-open"))
          : Executors.newCachedThreadPool(named(poolName + "-cluster-open"));
      results = Executors.newSingleThreadExecutor(named(poolName + "-cluster-results"));
      client.getCluster().addMembershipListener(new MembershipListener() {
        @Override
        public void memberAdded(MembershipEvent e) {
          openAsync(e.getMember());
        }

        @Override
        public void memberRemoved(MembershipEvent e) {
          lost(e.getMember().getUuid());
        }
      });
      String clientThreads = poolName + "-client";
      ExitWatch.start(poolName + "-cluster-exit-watch", t -> t.getName().startsWith(clientThreads), () -> {
        LOG.info("{} was not closed and nothing else keeps this JVM alive: its cluster client closes", poolName);
        kill();
      }, () -> closed);
      List<Future<?>> first = new ArrayList<>();
      for (Member m : client.getCluster().getMembers()) {
        Future<?> f = openAsync(m);
        if (f != null) {
          first.add(f);
        }
      }
      long deadline = System.nanoTime() + settings.agentTimeout.toNanos();
      for (Future<?> f : first) {
        try {
          f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (Exception e) {
          // an agent that does not open in time is left out; the count below decides
        }
      }
      if (!agents.awaitReady(settings.minAgents, workers, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw new WorkerStartException("only " + agents.ready().size() + " procpool agents of cluster '"
            + settings.clusterName + "' opened this pool within " + settings.agentTimeout.toMillis() + " ms, "
            + settings.minAgents + " needed (members: " + client.getCluster().getMembers()
            + "); check that the agents run and hold the same secret", null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly();
      throw new WorkerStartException("interrupted while waiting for the cluster's agents", e);
    } catch (RuntimeException e) {
      closeQuietly();
      throw e;
    }
  }

  /**
   * Starts the Hazelcast client on a daemon thread: its threads inherit that, so a program that
   * forgets to close its pool still exits (as with a {@code ProcessPool}), and the agents then end
   * its session when they see it disconnect.
   */
  private HazelcastInstance newClient(String poolName) {
    HazelcastInstance[] made = new HazelcastInstance[1];
    RuntimeException[] failed = new RuntimeException[1];
    Thread t = named(poolName + "-cluster-connect").newThread(() -> {
      try {
        made[0] = HazelcastClient.newHazelcastClient(
            HazelcastConfigs.client(settings.clusterName, settings.members, settings.agentTimeout, poolName + "-client"));
      } catch (RuntimeException e) {
        failed[0] = e;
      }
    });
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to the cluster", e);
    }
    if (failed[0] != null) {
      throw failed[0];
    }
    return made[0];
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  private java.util.concurrent.ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(() -> {
        ownThreads.add(Thread.currentThread());
        try {
          r.run();
        } finally {
          ownThreads.remove(Thread.currentThread());
        }
      }, name);
      t.setDaemon(true);
      return t;
    };
  }

  private Future<?> openAsync(Member m) {
    if (killed || !opening.add(m.getUuid())) {
      return null;
    }
    AgentLink l = agents.add(m);
    if (l == null) {
      return null;
    }
    try {
      return openers.submit(() -> {
        int max = 0;
        if (workers > 0) {
          max = workers - agents.processes();
          if (max <= 0) {
            skipped.add(m);
            opening.remove(m.getUuid());
            return;
          }
        }
        opener.open(l, agents, max);
      });
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  /** The workers of the ready agents, together. */
  public int processes() {
    return workers > 0 ? workers : Math.max(1, agents.processes());
  }

  /** The addresses of the ready agents. */
  public List<String> agentAddresses() {
    List<String> out = new ArrayList<>();
    for (AgentLink l : agents.ready()) {
      out.add(l.address);
    }
    return out;
  }

  @Override
  public void start(Dispatcher dispatcher, String poolName, Stats stats) {
    this.dispatcher = dispatcher;
    this.stats = stats;
    stats.workersStarted.add(agents.processes());
    dispatch = new ClusterDispatch(settings, signer, messages, agents, executor, driverId, results, dispatcher, stats,
        () -> killed);
    dispatchThread = named(poolName + "-cluster-dispatch").newThread(dispatch::run);
    dispatchThread.start();
  }

  /** An agent left (Hazelcast's event thread): its batches go back, and a skipped agent may take its workers. */
  private void lost(UUID uuid) {
    ClusterDispatch d = dispatch;
    if (d != null) {
      d.lost(uuid, "left the cluster");
    } else {
      agents.gone(uuid);
    }
    if (!killed && !skipped.isEmpty()) {
      for (Member m : new ArrayList<>(skipped)) {
        skipped.remove(m);
        openAsync(m); // the workers the gone agent had go to an agent that had none of them
      }
    }
  }

  @Override
  public List<PoolStats.WorkerStats> workerStats() {
    List<PoolStats.WorkerStats> out = new ArrayList<>();
    for (AgentLink l : agents.ready()) {
      AgentCall c = AgentCall.signed(signer, AgentCall.STATS, driverId, new byte[0]);
      try {
        byte[] body = c.body(signer, executor.submitToMember(c, l.member).get(2, TimeUnit.SECONDS));
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
          int id = in.readInt();
          long pid = in.readLong();
          boolean busy = in.readBoolean();
          long done = in.readLong();
          Duration startup = Duration.ofNanos(in.readLong());
          Duration busyTime = Duration.ofNanos(in.readLong());
          Duration idle = Duration.ofNanos(in.readLong());
          out.add(new PoolStats.WorkerStats(l.index * 1000 + id, pid, busy, done, startup, busyTime, idle, l.address));
        }
      } catch (Exception e) {
        LOG.debug("no figures from {}: {}", l, e.toString());
      }
    }
    return out;
  }

  @Override
  public void prepare(Job job) throws Exception {
    job.prepared(new JobSpeed(functions.encode(job)));
  }

  @Override
  public int maxBatchSize() {
    return settings.taskTimeout != null ? 1 : Integer.MAX_VALUE;
  }

  @Override
  public void shutdown() {
    joinDispatch();
    endSessions(AgentCall.CLOSE, 30);
    closeQuietly();
  }

  @Override
  public void kill() {
    killed = true;
    agents.stop();
    if (dispatchThread != null) {
      dispatchThread.interrupt();
    }
    endSessions(AgentCall.TERMINATE, 5);
    closeQuietly();
  }

  private void joinDispatch() {
    if (dispatchThread != null && dispatchThread != Thread.currentThread()) {
      try {
        dispatchThread.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Asks every agent to close or terminate this driver's session, waiting at most {@code seconds}. */
  private void endSessions(byte kind, int seconds) {
    if (client == null) {
      return;
    }
    List<Future<byte[]>> calls = new ArrayList<>();
    for (AgentLink l : agents.ready()) {
      try {
        calls.add(executor.submitToMember(AgentCall.signed(signer, kind, driverId, new byte[0]), l.member));
      } catch (RuntimeException e) {
        LOG.debug("cannot reach {} to end the session: {}", l, e.toString());
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    for (Future<byte[]> f : calls) {
      try {
        f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        LOG.debug("an agent did not confirm the end of the session: {}", e.toString());
      }
    }
  }

  private void closeQuietly() {
    closed = true;
    agents.stop();
    if (openers != null) {
      openers.shutdownNow();
    }
    if (results != null) {
      results.shutdown();
    }
    if (client != null) {
      try {
        client.shutdown();
      } catch (RuntimeException e) {
        LOG.debug("closing the Hazelcast client: {}", e.toString());
      }
    }
  }

  @Override
  public boolean ownsThread(Thread thread) {
    return ownThreads.contains(thread);
  }
}
