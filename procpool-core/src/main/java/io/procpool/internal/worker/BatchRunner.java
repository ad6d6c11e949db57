package io.procpool.internal.worker;

import io.procpool.SerializableFunction;
import io.procpool.internal.Failure;
import io.procpool.internal.wire.BatchCodec;
import io.procpool.internal.wire.CapturedLambda;
import io.procpool.internal.wire.FrameChannel;
import io.procpool.internal.wire.LruMap;
import io.procpool.internal.wire.Protocol;
import io.procpool.internal.wire.WireCodec;
import java.io.IOException;
import java.util.Map;

/**
 * Runs batches from their bytes: keeps the functions batches refer to by key (a least-recently-used
 * cache the parent mirrors), decodes a batch's function, captured values
 * and items, and applies the function item by item, timing the slowest. Transport-free: frames in,
 * results out. Threads: {@link #accept} on the receiving thread, {@link #run} on one task thread,
 * {@link #interrupt} on any; the monitor of {@code interruptLock} guards only the interrupt window.
 */
final class BatchRunner {
  private final WireCodec codec;
  private final BatchCodec messages;
  private final ClassLoader loader;
  /** Receiving thread only. */
  private final Map<Long, FunctionEntry> functions = new LruMap<>(Protocol.FUNCTION_CACHE);
  /** Guards {@code inUserCode}: the task thread is interrupted only while it runs user code, never during I/O. */
  private final Object interruptLock = new Object();
  private boolean inUserCode;
  private volatile Thread taskThread;
  private volatile long currentBatch = -1;
  /** The last batch an interrupt reached while it ran (its result says so). */
  private volatile long interruptedBatch = -1;
  /** The slowest item of the last batch (task thread only). */
  private int slowestIndex;
  private long slowestNanos;

  BatchRunner(WireCodec codec, ClassLoader loader) {
    this.codec = codec;
    this.messages = new BatchCodec(codec);
    this.loader = loader;
  }

  /** A batch received and not yet run: its header, its function, and the frame its values are in. */
  static final class Message {
    final long batchId;
    final FunctionEntry function;
    final FrameChannel.Frame frame;
    final int valuesAt;

    Message(long batchId, FunctionEntry function, FrameChannel.Frame frame, int valuesAt) {
      this.batchId = batchId;
      this.function = function;
      this.frame = frame;
      this.valuesAt = valuesAt;
    }
  }

  /**
   * A function's bytes, decoded once, on first use, by the task thread: a JDK-serialized function,
   * or a {@link CapturedLambda} template (each batch then carries the captured values).
   */
  static final class FunctionEntry {
    final byte[] bytes;
    final boolean isTemplate;
    /** A template's captured values per batch (0: none, and one function serves every batch). */
    final int captured;
    SerializableFunction<Object, Object> decoded;
    CapturedLambda.Template template;
    Throwable failure;

    FunctionEntry(byte[] bytes) {
      this.bytes = bytes;
      this.isTemplate = CapturedLambda.isTemplate(bytes);
      this.captured = isTemplate ? CapturedLambda.capturedCount(bytes) : 0;
    }
  }

  /** Reads a batch frame's header and records the function it carries; call in arrival order. */
  Message accept(FrameChannel.Frame f) throws IOException {
    BatchCodec.BatchHeader h = BatchCodec.readHeader(f);
    FunctionEntry fn;
    if (h.functionBytes != null) {
      fn = functions.get(h.functionKey);
      if (fn == null || !java.util.Arrays.equals(fn.bytes, h.functionBytes)) {
        fn = new FunctionEntry(h.functionBytes); // new, or a sender that sends it with every batch
        functions.put(h.functionKey, fn);
      }
    } else {
      fn = functions.get(h.functionKey);
    }
    return new Message(h.batchId, fn, f, h.valuesAt);
  }

  /**
   * Runs {@code batch} on the calling thread (the task thread) and returns one result per item:
   * a value, a {@link Failure}, or null for an item the sender could not encode ({@link
   * WireCodec#SKIPPED}). If {@code initFailure} is set, every item fails with it.
   */
  Object[] run(Message batch, Throwable initFailure) {
    taskThread = Thread.currentThread();
    currentBatch = batch.batchId;
    try {
      return runItems(batch, initFailure);
    } finally {
      currentBatch = -1;
    }
  }

  private Object[] runItems(Message batch, Throwable initFailure) {
    FunctionEntry entry = batch.function;
    Object[] args;
    Object[] captured;
    try {
      Object[][] values = messages.readValues(batch.frame, batch.valuesAt,
          entry != null && entry.isTemplate && entry.captured > 0);
      captured = values[0];
      args = values[1];
    } catch (IOException | RuntimeException e) {
      return new Object[] {new Failure(e)};
    }
    Object[] results = new Object[args.length];
    SerializableFunction<Object, Object> fn = null;
    Throwable fnFailure = initFailure;
    if (fnFailure == null) {
      if (entry == null) {
        fnFailure = new IllegalStateException("procpool internal error: the worker does not know this batch's function");
      } else {
        decode(entry);
        fn = entry.decoded;
        fnFailure = entry.failure;
        if (fnFailure == null && entry.template != null) {
          try {
            fn = instantiate(entry.template, captured);
          } catch (Throwable t) {
            fnFailure = t;
          }
        }
      }
    }
    slowestIndex = -1;
    slowestNanos = -1;
    // one clock read per item (System.nanoTime costs ~25 ns here, as much as a trivial task), and
    // the interrupt window opened once per batch: between items the task thread runs only this loop
    synchronized (interruptLock) {
      inUserCode = true;
    }
    try {
      long t0 = System.nanoTime();
      for (int i = 0; i < args.length; i++) {
        Object arg = args[i];
        if (arg == WireCodec.SKIPPED) {
          results[i] = null; // the parent fails this item itself
        } else if (arg instanceof Failure) {
          results[i] = arg; // the argument could not be deserialized here
        } else if (fnFailure != null) {
          results[i] = new Failure(fnFailure);
        } else {
          try {
            results[i] = fn.apply(arg);
          } catch (Throwable t) {
            results[i] = new Failure(t);
          }
        }
        long t1 = System.nanoTime();
        if (t1 - t0 > slowestNanos) {
          slowestNanos = t1 - t0;
          slowestIndex = i;
        }
        t0 = t1;
        args[i] = null;
      }
    } finally {
      synchronized (interruptLock) {
        inUserCode = false;
        Thread.interrupted(); // an interrupt meant for this batch must not reach the next one
      }
    }
    return results;
  }

  /** Decodes {@code entry}'s function on its first use; a failure is kept and fails every batch of it. */
  @SuppressWarnings("unchecked")
  private void decode(FunctionEntry entry) {
    if (entry.decoded != null || entry.template != null || entry.failure != null) {
      return;
    }
    try {
      if (entry.isTemplate) {
        entry.template = CapturedLambda.Template.parse(entry.bytes, loader, codec);
        if (entry.captured == 0) {
          entry.decoded = instantiate(entry.template, new Object[0]);
          entry.template = null; // one function for every batch
        }
      } else {
        entry.decoded = (SerializableFunction<Object, Object>) codec.decodeObject(entry.bytes);
      }
    } catch (Throwable t) {
      entry.failure = t;
    }
  }

  /** A capturing lambda rebuilt from its template and this batch's captured values. */
  @SuppressWarnings("unchecked")
  private static SerializableFunction<Object, Object> instantiate(CapturedLambda.Template template, Object[] captured)
      throws Throwable {
    for (Object v : captured) {
      if (v instanceof Failure) {
        throw ((Failure) v).cause(); // a captured value could not be read here
      }
    }
    return (SerializableFunction<Object, Object>) template.instantiate(captured);
  }

  /** Interrupts the task thread if it is running user code of batch {@code batchId}; thread-safe. */
  void interrupt(long batchId) {
    synchronized (interruptLock) {
      if (inUserCode && currentBatch == batchId) {
        interruptedBatch = batchId;
        taskThread.interrupt();
      }
    }
  }

  /** Whether an {@link #interrupt} reached batch {@code batchId} while it ran. */
  boolean wasInterrupted(long batchId) {
    return interruptedBatch == batchId;
  }

  /** The index of the slowest item of the last batch run (-1 if it had none); task thread only. */
  int slowestIndex() {
    return slowestIndex;
  }

  /** How long the slowest item of the last batch ran; task thread only. */
  long slowestNanos() {
    return slowestNanos;
  }
}
