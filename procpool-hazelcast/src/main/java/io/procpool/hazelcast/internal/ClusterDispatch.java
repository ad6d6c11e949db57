package io.procpool.hazelcast.internal;

import com.hazelcast.core.IExecutorService;
import io.procpool.PoolTerminatedException;
import io.procpool.WorkerCrashedException;
import io.procpool.WorkerStartException;
import io.procpool.internal.Batch;
import io.procpool.internal.BatchResults;
import io.procpool.internal.Dispatcher;
import io.procpool.internal.Stats;
import io.procpool.internal.wire.BatchCodec;
import io.procpool.internal.wire.Buf;
import io.procpool.internal.wire.In;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a cluster pool's batches: the {@code <pool>-cluster-dispatch} thread ({@link #run}) takes
 * batches from the {@link Dispatcher}, encodes them ({@link BatchCodec}), asks {@link AgentSet}
 * which agent takes them and sends them (several in one call for a short job, see {@link
 * JobSpeed}); the Hazelcast callback thread (an answer for one batch) or the {@code <pool>-cluster-results}
 * thread (an answer for several) checks and decodes the answers and
 * completes the batches; Hazelcast's event thread hands back the batches of an agent that left
 * ({@link #lost}), which run again while {@code retries} allows. No lock of its own: {@link
 * AgentSet} holds the only one, and every Hazelcast call is made after it is released.
 */
final class ClusterDispatch {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterBackend.class);

  private final ClusterSettings settings;
  private final Signer signer;
  private final BatchCodec messages;
  private final AgentSet agents;
  private final IExecutorService executor;
  private final String driverId;
  private final ExecutorService results;
  private final Dispatcher dispatcher;
  private final Stats stats;
  private final BooleanSupplier killed;

  ClusterDispatch(ClusterSettings settings, Signer signer, BatchCodec messages, AgentSet agents, IExecutorService executor,
      String driverId, ExecutorService results, Dispatcher dispatcher, Stats stats, BooleanSupplier killed) {
    this.settings = settings;
    this.signer = signer;
    this.messages = messages;
    this.agents = agents;
    this.executor = executor;
    this.driverId = driverId;
    this.results = results;
    this.dispatcher = dispatcher;
    this.stats = stats;
    this.killed = killed;
  }

  /** Batches sent in one call at most, and their bytes at most (more goes in the next call). */
  private static final int BUNDLE_BATCHES = 256;
  private static final int BUNDLE_BYTES = 4 << 20;

  /** The loop of the {@code <pool>-cluster-dispatch} thread; returns once the dispatcher is released and empty, or on kill. */
  void run() {
    Map<Integer, Throwable> failures = new HashMap<>();
    while (!killed.getAsBoolean()) {
      Batch b;
      try {
        b = dispatcher.take();
      } catch (InterruptedException e) {
        continue;
      }
      if (b == null) {
        return;
      }
      byte[] payload = encode(b, failures, true);
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
        if (!killed.getAsBoolean()) {
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
      // a short job's further queued batches that fit this agent go in the same call, up to half
      // of what the agent may hold: two calls in flight keep its workers busy during a round trip
      int most = Math.min(BUNDLE_BATCHES, Math.max(1, l.processes * speed.perWorker() / 2));
      while (speed.isShort() && bundle.size() < most && bytes < BUNDLE_BYTES) {
        Batch next = dispatcher.poll();
        if (next == null) {
          break;
        }
        if (next.job() != b.job()) {
          dispatcher.requeue(next);
          break;
        }
        byte[] p = encode(next, failures, false); // the first batch of the call carries the function's bytes
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

  /**
   * A batch's payload ({@code int items, batch body}), or null if it was failed instead; {@code
   * carryFunction}: with the function's bytes (the first batch of a call; see {@link BundleFunctions}).
   */
  private byte[] encode(Batch b, Map<Integer, Throwable> failures, boolean carryFunction) {
    if (b.job().abandoned()) {
      b.fail(new CancellationException("abandoned by the caller"));
      return null;
    }
    try {
      Buf out = new Buf(64);
      out.writeInt(b.size());
      messages.writeBatch(out, b.id(), ((JobSpeed) b.job().prepared()).function, carryFunction, b.itemsArray(), b.itemsFrom(),
          b.size(), failures);
      b.job().noteEncoded(b.size(), out.size() - 4); // imap's byte budget
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
    Future<byte[]> f;
    try {
      f = executor.submitToMember(c, l.member);
    } catch (RuntimeException e) {
      bundle.forEach(b -> callFailed(l, b.id(), e));
      return;
    }
    // Hazelcast's own callback form hops to its async executor first; a completion stage's
    // whenComplete runs where the answer arrives (the client's response thread)
    ((CompletionStage<byte[]>) f).whenComplete((answer, t) -> {
      if (t != null) {
        onResults(() -> bundle.forEach(b -> callFailed(l, b.id(), t)));
      } else if (bundle.size() == 1) {
        answered(l, bundle, c, answer); // one batch: no hop to another thread on the round trip (apply's latency)
      } else {
        onResults(() -> answered(l, bundle, c, answer)); // many: decoded off the response thread, which has more to deliver
      }
    });
  }

  private void onResults(Runnable r) {
    try {
      results.execute(r);
    } catch (RejectedExecutionException e) {
      // terminated: the pool failed every outstanding batch already
    }
  }

  /** Completes the batches of one call from its agent's answer (results or callback thread; never blocks). */
  private void answered(AgentLink l, List<Batch> bundle, AgentCall c, byte[] answer) {
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
    In values = new In(body, 0, body.length);
    BatchCodec.Result r;
    try {
      r = messages.readResultHeader(values);
    } catch (IOException e) {
      retryOrFail(b, e);
      return;
    }
    ((JobSpeed) b.job().prepared()).observe(r.batchNanos);
    if (r.slowestIndex >= 0) {
      stats.taskTimed(b.job(), b.start() + r.slowestIndex, r.slowestNanos, l.index);
    }
    BatchResults.complete(b, messages, values, s.localFailures); // straight into the job's results
  }

  /** A call that failed in Hazelcast (the agent left, or refused): the batch runs again or fails (results thread). */
  private void callFailed(AgentLink l, long batchId, Throwable t) {
    AgentLink.Sent s = agents.answered(l, batchId);
    if (s == null) {
      return;
    }
    if (killed.getAsBoolean()) {
      s.batch.fail(new PoolTerminatedException("the pool was terminated while this task ran"));
      return;
    }
    retryOrFail(s.batch, agentFailure(l, "failed to run this task (" + t + ")", t));
  }

  /** Hands back the batches of an agent that left (Hazelcast's event thread). */
  void lost(UUID uuid, String why) {
    AgentLink l = agents.get(uuid);
    List<AgentLink.Sent> held = agents.gone(uuid);
    if (l == null) {
      return;
    }
    if (!killed.getAsBoolean()) {
      LOG.warn("{} {}: {} of its batches {}", l, why, held.size(),
          settings.retries > 0 ? "run again on the other agents" : "fail (set retries(n) to run them again elsewhere)");
    }
    for (AgentLink.Sent s : held) {
      retryOrFail(s.batch, agentFailure(l, why + " while it ran this task", null));
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
    if (!killed.getAsBoolean() && !b.isCompleted() && b.retried() <= settings.retries) {
      stats.retried.increment(); // per batch, as the process backend counts
      dispatcher.requeue(b);
    } else {
      b.fail(cause);
    }
  }
}
