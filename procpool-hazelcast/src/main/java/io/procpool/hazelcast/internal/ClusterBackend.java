package io.procpool.hazelcast.internal;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import io.procpool.PoolStats;
import io.procpool.PoolTerminatedException;
import io.procpool.WorkerCrashedException;
import io.procpool.WorkerStartException;
import io.procpool.internal.Backend;
import io.procpool.internal.Batch;
import io.procpool.internal.Dispatcher;
import io.procpool.internal.Failure;
import io.procpool.internal.Job;
import io.procpool.internal.Stats;
import io.procpool.internal.process.Classpath;
import io.procpool.internal.wire.BatchCodec;
import io.procpool.internal.wire.Buf;
import io.procpool.internal.wire.EncodedFunction;
import io.procpool.internal.wire.In;
import io.procpool.internal.wire.JobFunctions;
import io.procpool.internal.wire.SerialFilters;
import io.procpool.internal.wire.WireCodec;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a pool's batches on the agents of a Hazelcast cluster, as a Hazelcast client. Threads:
 * {@code <pool>-cluster-dispatch} takes batches from the {@link Dispatcher}, encodes them ({@link
 * BatchCodec}) and sends each to the agent with the most free workers ({@link AgentSet}); {@code
 * <pool>-cluster-results} checks and decodes answers and completes batches; {@code
 * <pool>-cluster-open} opens sessions on agents that join; Hazelcast's event thread reports agents
 * that leave, whose batches run again elsewhere when {@code retries} allows ({@link #retryOrFail}).
 * No lock of its own: {@link AgentSet} holds the only one.
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
          lost(e.getMember().getUuid(), "left the cluster");
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
    dispatchThread = named(poolName + "-cluster-dispatch").newThread(this::dispatchLoop);
    dispatchThread.start();
  }

  /** Batches sent in one call at most, and their bytes at most (more goes in the next call). */
  private static final int BUNDLE_BATCHES = 256;
  private static final int BUNDLE_BYTES = 4 << 20;

  private void dispatchLoop() {
    Map<Integer, Throwable> failures = new HashMap<>();
    while (!killed) {
      Batch b;
      try {
        b = dispatcher.take();
      } catch (InterruptedException e) {
        continue;
      }
      if (b == null) {
        return;
      }
      byte[] payload = encode(b, failures);
      if (payload == null) {
        continue;
      }
      Map<Integer, Throwable> local = failures.isEmpty() ? null : new HashMap<>(failures);
      JobSpeed speed = (JobSpeed) b.job().prepared();
      AgentLink l;
      try {
        l = agents.reserve(b, local, speed.perWorker(), settings.agentTimeout.toNanos());
      } catch (InterruptedException e) {
        dispatcher.requeue(b);
        continue;
      }
      if (l == null) {
        if (!killed) {
          b.fail(new WorkerStartException("no procpool agent of cluster '" + settings.clusterName + "' is left to run this task"
              + " (waited " + settings.agentTimeout.toMillis() + " ms): start agents with `procpool agent`", null));
        }
        continue;
      }
      List<Batch> bundle = new ArrayList<>();
      List<byte[]> payloads = new ArrayList<>();
      bundle.add(b);
      payloads.add(payload);
      int bytes = payload.length;
      // a short job's further queued batches that fit this agent go in the same call
      while (speed.isShort() && bundle.size() < BUNDLE_BATCHES && bytes < BUNDLE_BYTES) {
        Batch next = dispatcher.poll();
        if (next == null) {
          break;
        }
        if (next.job() != b.job()) {
          dispatcher.requeue(next);
          break;
        }
        byte[] p = encode(next, failures);
        if (p == null) {
          continue;
        }
        if (!agents.tryReserve(l, next, failures.isEmpty() ? null : new HashMap<>(failures), speed.perWorker())) {
          dispatcher.requeue(next);
          break;
        }
        bundle.add(next);
        payloads.add(p);
        bytes += p.length;
      }
      send(l, bundle, payloads);
    }
  }

  /** A batch's payload ({@code int items, batch body}), or null if it was failed instead. */
  private byte[] encode(Batch b, Map<Integer, Throwable> failures) {
    if (b.job().abandoned()) {
      b.fail(new CancellationException("abandoned by the caller"));
      return null;
    }
    try {
      Buf out = new Buf(64);
      out.writeInt(b.size());
      messages.writeBatch(out, b.id(), ((JobSpeed) b.job().prepared()).function, true, b.items(), failures);
      return out.toByteArray();
    } catch (RuntimeException e) {
      b.fail(e);
      return null;
    }
  }

  private void send(AgentLink l, List<Batch> bundle, List<byte[]> payloads) {
    boolean one = bundle.size() == 1;
    AgentCall c = one ? AgentCall.signed(signer, AgentCall.BATCH, driverId, payloads.get(0))
        : AgentCall.signed(signer, AgentCall.BATCHES, driverId, Bundles.join(payloads.toArray(new byte[0][])));
    long t0 = System.nanoTime();
    try {
      executor.submitToMember(c, l.member, new ExecutionCallback<byte[]>() {
        @Override
        public void onResponse(byte[] answer) {
          onResults(() -> answered(l, bundle, c, answer, System.nanoTime() - t0));
        }

        @Override
        public void onFailure(Throwable t) {
          onResults(() -> bundle.forEach(b -> callFailed(l, b.id(), t)));
        }
      });
    } catch (RuntimeException e) {
      bundle.forEach(b -> callFailed(l, b.id(), e));
    }
  }

  private void onResults(Runnable r) {
    try {
      results.execute(r);
    } catch (RejectedExecutionException e) {
      // terminated: the pool failed every outstanding batch already
    }
  }

  /** Completes the batches of one call from its agent's answer (results thread). */
  private void answered(AgentLink l, List<Batch> bundle, AgentCall c, byte[] answer, long nanos) {
    byte[][] bodies;
    try {
      byte[] body = c.body(signer, answer);
      bodies = bundle.size() == 1 ? new byte[][] {body} : Bundles.split(body);
      if (bodies.length != bundle.size()) {
        throw new IOException("procpool internal error: " + bodies.length + " answers for " + bundle.size() + " batches");
      }
    } catch (SecurityException | IOException e) {
      for (Batch b : bundle) {
        if (agents.answered(l, b.id()) != null) {
          retryOrFail(b, e);
        }
      }
      return;
    }
    for (int i = 0; i < bodies.length; i++) {
      AgentLink.Sent s = agents.answered(l, bundle.get(i).id());
      if (s != null) { // else handed back already (the agent left)
        complete(l, s, bodies[i]);
      }
    }
  }

  private void complete(AgentLink l, AgentLink.Sent s, byte[] body) {
    Batch b = s.batch;
    BatchCodec.Result r;
    try {
      r = messages.readResult(new In(body, 0, body.length));
    } catch (IOException e) {
      retryOrFail(b, e);
      return;
    }
    ((JobSpeed) b.job().prepared()).observe(r.batchNanos);
    if (r.slowestIndex >= 0) {
      stats.taskTimed(b.job(), b.start() + r.slowestIndex, r.slowestNanos, l.index);
    }
    if (r.decodeError != null) {
      b.fail(r.decodeError);
      return;
    }
    Object[] values = r.values;
    if (values.length != b.size()) {
      b.fail(new IOException("procpool internal error: " + values.length + " results for " + b.size() + " items"));
      return;
    }
    if (s.localFailures != null) {
      for (Map.Entry<Integer, Throwable> e : s.localFailures.entrySet()) {
        values[e.getKey()] = new Failure(e.getValue());
      }
    }
    b.complete(values);
  }

  /** A call that failed in Hazelcast (the agent left, or refused): the batch runs again or fails (results thread). */
  private void callFailed(AgentLink l, long batchId, Throwable t) {
    AgentLink.Sent s = agents.answered(l, batchId);
    if (s == null) {
      return;
    }
    if (killed) {
      s.batch.fail(new PoolTerminatedException("the pool was terminated while this task ran"));
      return;
    }
    retryOrFail(s.batch, agentFailure(l, "failed to run this task (" + t + ")", t));
  }

  /** Hands back the batches of an agent that left (Hazelcast's event thread). */
  private void lost(UUID uuid, String why) {
    AgentLink l = agents.get(uuid);
    List<AgentLink.Sent> held = agents.gone(uuid);
    if (l == null) {
      return;
    }
    if (!killed) {
      LOG.warn("{} {}: {} of its batches {}", l, why, held.size(),
          settings.retries > 0 ? "run again on the other agents" : "fail (set retries(n) to run them again elsewhere)");
    }
    for (AgentLink.Sent s : held) {
      retryOrFail(s.batch, agentFailure(l, why + " while it ran this task", null));
    }
    if (!killed && !skipped.isEmpty()) {
      for (Member m : new ArrayList<>(skipped)) {
        skipped.remove(m);
        openAsync(m); // the workers the gone agent had go to an agent that had none of them
      }
    }
  }

  private WorkerCrashedException agentFailure(AgentLink l, String what, Throwable cause) {
    WorkerCrashedException e = new WorkerCrashedException("the procpool agent " + l.address + " (pid " + l.pid + ") "
        + what + (settings.retries > 0 ? "; retried " + settings.retries + " times" : ""), -1, -1, l.address);
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  /** Puts {@code b} back in the queue while its retries last, else fails it with {@code cause}. */
  private void retryOrFail(Batch b, Throwable cause) {
    if (!killed && !b.isCompleted() && b.retried() <= settings.retries) {
      stats.retried.increment(); // per batch, as the process backend counts
      dispatcher.requeue(b);
    } else {
      b.fail(cause);
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
