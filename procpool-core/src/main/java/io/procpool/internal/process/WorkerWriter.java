package io.procpool.internal.process;

import io.procpool.internal.Batch;
import io.procpool.internal.Dispatcher;
import io.procpool.internal.wire.BatchCodec;
import io.procpool.internal.wire.Buf;
import io.procpool.internal.wire.EncodedFunction;
import io.procpool.internal.wire.FrameChannel;
import io.procpool.internal.wire.Protocol;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * The loop of each worker's {@code <pool>-worker-<id>-writer} thread: takes batches from the
 * dispatcher while the worker's window has room, encodes them ({@link BatchCodec}, with the
 * function's bytes only where the {@link FunctionMirror} says the worker lacks them), records them
 * in flight, and sends several frames per write when batches are queued. Takes the worker's
 * monitor for the window and the in-flight set, never during I/O or encoding.
 */
final class WorkerWriter {
  /** Frames stop being added to one write past this many bytes. */
  private static final int MAX_WRITE = 256 * 1024;

  private final PoolContext ctx;
  private final Stealing stealing;

  WorkerWriter(PoolContext ctx, Stealing stealing) {
    this.ctx = ctx;
    this.stealing = stealing;
  }

  /**
   * Sends batches to {@code w} until it dies, retires or the pool stops. The window adapts to how
   * long the worker's batches take (see {@link WorkerHandle#window}).
   */
  void run(WorkerHandle w) {
    Dispatcher dispatcher = ctx.dispatcher;
    int processes = ctx.settings.processes;
    Map<Integer, Throwable> failures = new HashMap<>();
    Buf out = Buf.splicing(64 * 1024);
    try {
      while (true) {
        synchronized (w) {
          while (!w.dead && !ctx.retiring(w.itemsSent) && w.inflight.size() >= w.window) {
            w.wait();
          }
          if (w.dead || ctx.retiring(w.itemsSent)) {
            w.idle(false, dispatcher);
            return; // a retiring worker leaves after what it has; the supervisor replaces it
          }
        }
        Batch b = dispatcher.take(() -> w.idle);
        if (b == null) {
          return;
        }
        out.reset();
        int taken = 1;
        while (b != null) {
          if (b.job().abandoned()) {
            b.fail(new CancellationException("the caller no longer wants this result"));
          } else {
            int mark = out.size();
            long contentMark = out.contentSize();
            int firstSplice = out.splices();
            try {
              out.writeInt(0).writeByte(Protocol.BATCH);
              EncodedFunction fn = (EncodedFunction) b.job().prepared();
              ctx.messages.writeBatch(out, b.id(), fn, w.functions.send(fn.key), b.itemsArray(), b.itemsFrom(), b.size(), failures);
              long length = out.contentSize() - contentMark - 4;
              if (length > FrameChannel.MAX_FRAME) {
                throw new IllegalArgumentException(
                    "the batch's items take " + length + " bytes, more than a procpool message can carry (2 GiB): use a smaller chunksize");
              }
              out.putInt(mark, (int) length);
              b.job().noteEncoded(b.size(), length);
              announceBlobs(out, mark, firstSplice);
            } catch (RuntimeException | OutOfMemoryError e) {
              out.truncate(mark); // this batch cannot be encoded: it fails, the others go on
              // the mirror may have recorded a function this batch was to carry
              w.functions.forget();
              b.fail(e);
              b = dispatcher.pollForPrefetch(taken++, processes);
              continue;
            }
            synchronized (w) {
              if (w.dead) {
                out.truncate(mark);
                dispatcher.requeue(b);
                break;
              }
              if (w.inflight.isEmpty()) {
                w.headSinceNanos = System.nanoTime();
                w.interruptSent = false;
              }
              w.inflight.add(b);
              w.idle(false, dispatcher);
              w.itemsSent += b.tasks(); // maxTasksPerChild counts the user's tasks
              if (!failures.isEmpty()) {
                w.localFailures.put(b.id(), new HashMap<>(failures));
              }
              if (w.inflight.size() >= w.window || ctx.retiring(w.itemsSent) || out.contentSize() > MAX_WRITE) {
                break;
              }
            }
          }
          b = dispatcher.pollForPrefetch(taken++, processes);
        }
        if (out.size() > 0) {
          w.io.writeFrames(out);
          if (dispatcher.idleWorkerCount() > 0 && w.holdsAhead()) {
            stealing.rebalance();
          }
        }
        if (out.array().length > 4 * 1024 * 1024) {
          out = Buf.splicing(64 * 1024); // do not keep the largest batch's buffer for the pool's lifetime
        }
        out.reset(); // drop the spliced arrays now, not at the next batch
      }
    } catch (InterruptedException | IOException e) {
      // the worker died or the pool is stopping; the supervisor takes care of its batches
    }
  }

  /**
   * Puts a {@link Protocol#BLOBS} frame before the frame at {@code mark} if that frame spliced in
   * large arrays (from splice {@code firstSplice} on), so that the worker reads them into arrays
   * of their own.
   */
  static void announceBlobs(Buf out, int mark, int firstSplice) {
    if (out.splices() > firstSplice) {
      // the frame's body starts after its length and type
      out.insert(mark, FrameChannel.blobTable(out, mark + 5, firstSplice), firstSplice);
    }
  }
}
