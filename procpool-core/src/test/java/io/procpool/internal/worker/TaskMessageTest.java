package io.procpool.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.SerializableFunction;
import io.procpool.internal.Failure;
import io.procpool.internal.wire.BatchCodec;
import io.procpool.internal.wire.Buf;
import io.procpool.internal.wire.EncodedFunction;
import io.procpool.internal.wire.FrameChannel;
import io.procpool.internal.wire.In;
import io.procpool.internal.wire.Protocol;
import io.procpool.internal.wire.SerialFilters;
import io.procpool.internal.wire.WireCodec;
import java.io.IOException;
import java.io.NotSerializableException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The task message without sockets or processes: a batch encoded as bytes ({@link BatchCodec}),
 * run from those bytes ({@link BatchRunner}), and its results encoded and decoded again. This is
 * the seam a remote backend reuses.
 */
class TaskMessageTest {
  private final WireCodec codec = new WireCodec(getClass().getClassLoader(), SerialFilters.defaultFilter());
  private final BatchCodec messages = new BatchCodec(codec);

  private EncodedFunction function(SerializableFunction<Object, Object> fn, long key) throws IOException {
    return new EncodedFunction(key, codec.encodeObject(fn), null);
  }

  private static FrameChannel.Frame frame(byte type, Buf b) {
    return new FrameChannel.Frame(type, b.array(), 0, b.size());
  }

  @Test
  void aBatchRunsFromItsBytesAndItsResultsComeBack() throws IOException {
    EncodedFunction fn = function(x -> (Long) x * 2, 7);
    Buf batch = new Buf(64);
    Map<Integer, Throwable> failures = new HashMap<>();
    messages.writeBatch(batch, 42, fn, true, new Object[] {1L, 2L, 3L, "not a number"}, failures);
    assertThat(failures).isEmpty();

    BatchRunner runner = new BatchRunner(codec, getClass().getClassLoader());
    BatchRunner.Message m = runner.accept(frame(Protocol.BATCH, batch));
    assertThat(m.batchId).isEqualTo(42);
    Object[] results = runner.run(m, null);
    assertThat(results).hasSize(4).startsWith(2L, 4L, 6L);
    assertThat(((Failure) results[3]).cause()).isInstanceOf(ClassCastException.class);

    Buf out = new Buf(64);
    messages.writeResult(out, m.batchId, 1234, runner.slowestIndex(), runner.slowestNanos(), false, results);
    BatchCodec.Result r = messages.readResult(new In(out.array(), 0, out.size()));
    assertThat(r.batchId).isEqualTo(42);
    assertThat(r.batchNanos).isEqualTo(1234);
    assertThat(r.interrupted).isFalse();
    assertThat(r.decodeError).isNull();
    assertThat(r.values).hasSize(4).startsWith(2L, 4L, 6L);
    assertThat(((Failure) r.values[3]).cause()).isInstanceOf(ClassCastException.class);
  }

  @Test
  void aBatchWithoutFunctionBytesUsesTheOneTheRunnerHoldsByKey() throws IOException {
    EncodedFunction fn = function(x -> "got " + x, 9);
    BatchRunner runner = new BatchRunner(codec, getClass().getClassLoader());
    Map<Integer, Throwable> failures = new HashMap<>();

    Buf first = new Buf(64);
    messages.writeBatch(first, 1, fn, true, new Object[] {"a"}, failures);
    Buf second = new Buf(64);
    messages.writeBatch(second, 2, fn, false, new Object[] {"b"}, failures);

    assertThat(second.size()).isLessThan(first.size());
    assertThat(runner.run(runner.accept(frame(Protocol.BATCH, first)), null)).containsExactly("got a");
    assertThat(runner.run(runner.accept(frame(Protocol.BATCH, second)), null)).containsExactly("got b");
  }

  @Test
  void anItemThatCannotBeEncodedIsSkippedAndNamedToTheSender() throws IOException {
    EncodedFunction fn = function(x -> x, 3);
    Buf batch = new Buf(64);
    Map<Integer, Throwable> failures = new HashMap<>();
    messages.writeBatch(batch, 5, fn, true, new Object[] {"ok", new Object()}, failures);
    assertThat(failures).containsOnlyKeys(1);
    assertThat(failures.get(1)).isInstanceOf(NotSerializableException.class);

    BatchRunner runner = new BatchRunner(codec, getClass().getClassLoader());
    Object[] results = runner.run(runner.accept(frame(Protocol.BATCH, batch)), null);
    assertThat(results).containsExactly("ok", null); // the sender fails item 1 itself
  }

  @Test
  void anInitializerFailureFailsEveryItem() throws IOException {
    EncodedFunction fn = function(x -> x, 4);
    Buf batch = new Buf(64);
    messages.writeBatch(batch, 6, fn, true, new Object[] {1, 2}, new HashMap<>());
    BatchRunner runner = new BatchRunner(codec, getClass().getClassLoader());
    IllegalStateException init = new IllegalStateException("no database");
    Object[] results = runner.run(runner.accept(frame(Protocol.BATCH, batch)), init);
    assertThat(results).hasSize(2).allSatisfy(r -> assertThat(((Failure) r).cause()).isSameAs(init));
  }
}
