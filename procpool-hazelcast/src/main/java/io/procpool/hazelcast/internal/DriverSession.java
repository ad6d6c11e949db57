package io.procpool.hazelcast.internal;

import io.procpool.PoolStats;
import io.procpool.PoolTerminatedException;
import io.procpool.ProcessPool;
import io.procpool.TaskFailedException;
import io.procpool.TaskTimeoutException;
import io.procpool.WorkerCrashedException;
import io.procpool.internal.Failure;
import io.procpool.internal.wire.BatchCodec;
import io.procpool.internal.wire.Buf;
import io.procpool.internal.wire.In;
import io.procpool.internal.worker.ForwardedBatch;
import io.procpool.internal.worker.ForwardedInitializer;
import java.io.DataOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * One driver's work on an agent: a local {@link ProcessPool} started with the driver's class path
 * and settings, which runs the driver's batches as bytes ({@link ForwardedBatch}), so that the
 * agent itself never decodes the user's function, items or results. A worker that dies or times out
 * fails its batch here exactly as on one machine (the local pool replaces the worker, and retries
 * when the driver asked for it); the failure names this agent. Thread-safe: the local pool is.
 */
final class DriverSession {
  final String driverId;
  final String driver;
  /** How many workers the local pool runs. */
  final int workers;
  /** The hashes of the driver's jars, pinned in the agent's {@link JarCache} while this session is open. */
  final List<String> jarHashes;
  private final String agentAddress;
  private final ProcessPool pool;
  private final BatchCodec messages;

  DriverSession(String driverId, SessionSettings s, String classPath, int processes, List<String> jvmOptions,
      String agentAddress, BatchCodec messages) {
    this.driverId = driverId;
    this.driver = s.driver;
    this.workers = processes;
    this.jarHashes = SessionSettings.jarHashes(s);
    this.agentAddress = agentAddress;
    this.messages = messages;
    ProcessPool.Builder b = ProcessPool.builder().processes(processes).classpath(classPath).retries(s.retries)
        .jvmOptions(jvmOptions.toArray(new String[0]));
    if (s.taskTimeoutMillis > 0) {
      b.taskTimeout(Duration.ofMillis(s.taskTimeoutMillis));
    }
    if (s.maxTasksPerChild > 0) {
      b.maxTasksPerChild(s.maxTasksPerChild);
    }
    if (s.serialFilter != null) {
      b.serialFilter(s.serialFilter);
    }
    if (s.initializer != null) {
      b.initializer(new ForwardedInitializer(s.initializer));
    }
    this.pool = b.build();
  }

  /**
   * Runs one batch payload ({@code int items, batch body}) on a local worker and returns its
   * result body; if the worker died or timed out, a result body that fails every item with that
   * exception, naming this agent.
   */
  byte[] run(byte[] payload) throws IOException {
    return runAll(new byte[][] {payload})[0];
  }

  /**
   * Runs several batch payloads on the local workers as one job (each payload its own local
   * batch, so a crash or a timeout fails only its own) and returns their result bodies in order.
   * Only the first payload of a function need carry its bytes ({@link BundleFunctions}).
   *
   * @throws IOException if a payload is not a batch, or lacks its function's bytes
   */
  byte[][] runAll(byte[][] payloads) throws IOException {
    Object[] input = BundleFunctions.bodies(payloads); // the function's bytes travel once per call

    Object[] outcomes;
    try {
      outcomes = pool.outcomesAsync(ForwardedBatch.INSTANCE, input, 1, tasks(payloads)).get();
    } catch (ExecutionException e) { // not an item's failure: the pool itself (terminated)
      outcomes = new Object[payloads.length];
      Arrays.fill(outcomes, new Failure(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcomes = new Object[payloads.length];
      Arrays.fill(outcomes, new Failure(new PoolTerminatedException("the agent " + agentAddress + " is stopping")));
    }
    byte[][] out = new byte[payloads.length][];
    for (int i = 0; i < payloads.length; i++) {
      out[i] = body(payloads[i], outcomes[i]);
    }
    return out;
  }

  /** Each payload's item count (its leading {@code int}): the driver's tasks it holds, which {@code maxTasksPerChild} counts. */
  private static int[] tasks(byte[][] payloads) {
    int[] out = new int[payloads.length];
    for (int i = 0; i < payloads.length; i++) {
      out[i] = payloads[i].length >= 4 ? Math.max(1, java.nio.ByteBuffer.wrap(payloads[i]).getInt(0)) : 1;
    }
    return out;
  }

  /** The result body of one payload from its local outcome: the worker's body, or a body that fails every item. */
  private byte[] body(byte[] payload, Object outcome) throws IOException {
    if (!(outcome instanceof Failure)) {
      return (byte[]) outcome;
    }
    In head = new In(payload, 0, Math.min(payload.length, 12));
    int items = head.readInt();
    long batchId = head.readLong();
    return failed(batchId, items, named(unwrap(((Failure) outcome).cause())));
  }

  private byte[] failed(long batchId, int items, Throwable cause) {
    Object[] results = new Object[items];
    for (int i = 0; i < items; i++) {
      results[i] = new Failure(cause);
    }
    Buf out = new Buf(256);
    messages.writeResult(out, batchId, 0, -1, -1, false, results);
    return out.toByteArray();
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof ExecutionException || t instanceof TaskFailedException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** The failure as the driver should see it: naming this agent. */
  private Throwable named(Throwable t) {
    if (t instanceof WorkerCrashedException) {
      WorkerCrashedException w = (WorkerCrashedException) t;
      WorkerCrashedException named =
          new WorkerCrashedException("on agent " + agentAddress + ": " + w.getMessage(), w.pid(), w.exitCode(), agentAddress);
      named.setStackTrace(w.getStackTrace());
      return named;
    }
    if (t instanceof TaskTimeoutException) {
      TaskTimeoutException x = (TaskTimeoutException) t;
      TaskTimeoutException named = new TaskTimeoutException("on agent " + agentAddress + ": " + x.getMessage(), x.timeout());
      named.setStackTrace(x.getStackTrace());
      return named;
    }
    return t;
  }

  /** The local workers' figures: {@code int n}, then per worker id, pid, busy, done, startup/busy/idle nanos. */
  byte[] stats() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(b)) {
      List<PoolStats.WorkerStats> ws = pool.stats().workers();
      out.writeInt(ws.size());
      for (PoolStats.WorkerStats w : ws) {
        out.writeInt(w.id());
        out.writeLong(w.pid());
        out.writeBoolean(w.busy());
        out.writeLong(w.tasksDone());
        out.writeLong(w.startup().toNanos());
        out.writeLong(w.busyTime().toNanos());
        out.writeLong(w.idleTime().toNanos());
      }
    }
    return b.toByteArray();
  }

  List<Long> workerPids() {
    return pool.workerPids();
  }

  void close() {
    pool.close();
  }

  void terminate() {
    pool.terminate();
  }
}
