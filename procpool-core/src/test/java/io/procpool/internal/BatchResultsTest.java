package io.procpool.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procpool.SerializableFunction;
import io.procpool.internal.wire.BatchCodec;
import io.procpool.internal.wire.Buf;
import io.procpool.internal.wire.In;
import io.procpool.internal.wire.SerialFilters;
import io.procpool.internal.wire.WireCodec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link BatchResults}: a map's results are decoded straight into the job's array, each batch at
 * its start, by the one copy of a batch that claims it; without processes.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BatchResultsTest {
  private final BatchCodec messages = new BatchCodec(new WireCodec(getClass().getClassLoader(), SerialFilters.defaultFilter()));
  private final Dispatcher dispatcher = new Dispatcher();

  private MapJob listJob(int size, AsyncResultImpl<Object> result) {
    SerializableFunction<Object, Object> fn = x -> x;
    return new MapJob(1, "map", fn, size, MapJob.Shape.LIST, result);
  }

  private static AsyncResultImpl<Object> result() {
    return new AsyncResultImpl<>("map", null, null, Runnable::run, () -> false);
  }

  /** The values part of a result body, as a worker writes it. */
  private In resultValues(long batchId, Object... values) throws Exception {
    Buf out = new Buf(64);
    messages.writeResult(out, batchId, 1, 0, 1, false, values);
    In in = new In(out.array(), 0, out.size());
    messages.readResultHeader(in);
    return in;
  }

  @Test
  void batchesLandInTheJobsOwnArrayAndTheListIsThatArray() throws Exception {
    Object[] input = {10L, 11L, 12L, 13L, 14L, 15L};
    AsyncResultImpl<Object> result = result();
    MapJob job = listJob(input.length, result);
    Batch second = dispatcher.newBatch(job, 3, input, 3, 3);
    Batch first = dispatcher.newBatch(job, 0, input, 0, 3);
    dispatcher.submit(List.of(second, first));

    assertThat(BatchResults.complete(second, messages, resultValues(second.id(), 3L, 4L, 5L), null)).isTrue();
    assertThat(job.resultSlots()).containsExactly(null, null, null, 3L, 4L, 5L);
    assertThat(result.ready()).isFalse();
    assertThat(BatchResults.complete(first, messages, resultValues(first.id(), 0L, 1L, 2L), null)).isTrue();

    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) result.get(5, TimeUnit.SECONDS);
    assertThat(list).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    assertThat(input).as("the input is read, never written").containsExactly(10L, 11L, 12L, 13L, 14L, 15L);
  }

  @Test
  void aSecondCopyOfABatchWritesNothingOnceTheFirstHasWon() throws Exception {
    // stealing runs a batch twice; the loser's values must not reach the caller's list
    AsyncResultImpl<Object> result = result();
    MapJob job = listJob(2, result);
    Batch b = dispatcher.newBatch(job, 0, new Object[] {"a", "b"});
    dispatcher.submit(List.of(b));
    assertThat(BatchResults.complete(b, messages, resultValues(b.id(), "first", "run"), null)).isTrue();
    assertThat(BatchResults.complete(b, messages, resultValues(b.id(), "second", "copy"), null)).isFalse();
    assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo(List.of("first", "run"));
  }

  @Test
  void itemsTheSenderCouldNotEncodeFailAndTheOthersKeepTheirPlace() throws Exception {
    AsyncResultImpl<Object> result = result();
    MapJob job = listJob(4, result);
    Batch b = dispatcher.newBatch(job, 0, new Object[] {1, 2, 3, 4}, 0, 4);
    dispatcher.submit(List.of(b));
    Map<Integer, Throwable> local = Map.of(2, new IllegalArgumentException("item 2 could not be sent"));
    BatchResults.complete(b, messages, resultValues(b.id(), 1, 2, WireCodec.SKIPPED, 4), local);
    assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .rootCause()
        .hasMessage("item 2 could not be sent");
    assertThat(job.resultSlots()).as("the slots are cleared once the map has failed").containsOnlyNulls();
  }

  @Test
  void aResultOfTheWrongCountFailsTheBatchWithTheWorkersOneFailure() throws Exception {
    AsyncResultImpl<Object> result = result();
    MapJob job = listJob(3, result);
    Batch b = dispatcher.newBatch(job, 0, new Object[] {1, 2, 3});
    dispatcher.submit(List.of(b));
    BatchResults.complete(b, messages, resultValues(b.id(), new Failure(new IllegalStateException("no function"))), null);
    assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS)).rootCause().hasMessage("no function");
  }

  @Test
  void theListBehavesAsAnArrayListAndSerializesAsOne() throws Exception {
    Object[] backing = {3L, 1L, 2L};
    List<Object> list = new ResultList(backing);
    list.sort(null);
    assertThat(list).containsExactly(1L, 2L, 3L);
    assertThat(list.set(0, 9L)).isEqualTo(1L);
    list.add(4L);
    list.remove(Long.valueOf(2L));
    assertThat(list).containsExactly(9L, 3L, 4L).hasSize(3);
    assertThat(list).isEqualTo(List.of(9L, 3L, 4L));
    list.subList(0, 2).clear();
    assertThat(list).containsExactly(4L);
    assertThatThrownBy(() -> list.get(1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> new ResultList(new Object[1]).get(1)).isInstanceOf(IndexOutOfBoundsException.class);

    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream oos = new java.io.ObjectOutputStream(bytes)) {
      oos.writeObject(new ResultList(new Object[] {"x", "y"}));
    }
    Object back = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())).readObject();
    assertThat(back).isInstanceOf(java.util.ArrayList.class).isEqualTo(List.of("x", "y"));
  }
}
