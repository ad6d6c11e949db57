package io.procpool.internal.worker;

import io.procpool.SerializableFunction;
import io.procpool.internal.wire.BatchCodec;
import io.procpool.internal.wire.Buf;
import io.procpool.internal.wire.FrameChannel;
import io.procpool.internal.wire.Protocol;
import io.procpool.internal.wire.SerialFilters;
import io.procpool.internal.wire.WireCodec;
import java.io.IOException;

/**
 * Runs a task message that came from elsewhere (a cluster driver) inside a worker JVM: takes a
 * batch body ({@link BatchCodec}) as bytes and returns its result body as bytes. A pool that only
 * relays (a cluster agent) submits this function with the batch bytes as its one item, so that it
 * never decodes the user's function, items or results itself: only the worker, which has the
 * user's class path and the pool's serial filter, does. The batch always carries its function's
 * bytes (the relaying side does not know which worker ran its earlier batches); the worker decodes
 * a function once and reuses it while the bytes stay equal.
 *
 * <p>Thread-safe: one {@link BatchRunner} per worker JVM, used by its one task thread.
 */
public final class ForwardedBatch implements SerializableFunction<Object, Object> {
  private static final long serialVersionUID = 1L;
  /** The worker's runner (lazily: it exists only in worker JVMs that run forwarded batches). */
  private static volatile Local local;

  /** The worker-side state: its codec and the runner that keeps decoded functions. */
  private static final class Local {
    final BatchRunner runner;
    final BatchCodec messages;

    Local(ClassLoader loader) {
      WireCodec codec = new WireCodec(loader, SerialFilters.defaultFilter());
      this.runner = new BatchRunner(codec, loader);
      this.messages = new BatchCodec(codec);
    }
  }

  /** The one instance: it has no state of its own. */
  public static final ForwardedBatch INSTANCE = new ForwardedBatch();

  private ForwardedBatch() {}

  private Object readResolve() {
    return INSTANCE;
  }

  /**
   * Runs the batch body {@code batch} (a {@code byte[]}) and returns its result body.
   *
   * @throws IOException if the bytes are not a batch body
   */
  @Override
  public Object apply(Object batch) throws IOException {
    byte[] bytes = (byte[]) batch;
    Local l = local;
    if (l == null) {
      synchronized (ForwardedBatch.class) {
        l = local;
        if (l == null) {
          ClassLoader cl = Thread.currentThread().getContextClassLoader();
          local = l = new Local(cl != null ? cl : ForwardedBatch.class.getClassLoader());
        }
      }
    }
    synchronized (l) {
      BatchRunner.Message m = l.runner.accept(new FrameChannel.Frame(Protocol.BATCH, bytes, 0, bytes.length));
      long t0 = System.nanoTime();
      Object[] results = l.runner.run(m, null);
      long took = System.nanoTime() - t0;
      Buf out = new Buf(64 + bytes.length);
      l.messages.writeResult(out, m.batchId, took, l.runner.slowestIndex(), l.runner.slowestNanos(), false, results);
      return out.toByteArray();
    }
  }
}
