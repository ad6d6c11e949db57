package io.procpool.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.internal.Calls;
import io.procpool.internal.Failure;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Round trips through the wire codec, without processes. */
class WireCodecTest {
  private final WireCodec codec = new WireCodec(getClass().getClassLoader(), SerialFilters.defaultFilter());

  private Object[] roundTrip(Object... values) throws IOException {
    Buf out = new Buf(64);
    codec.writeValues(out, values, (i, e) -> new Failure(e));
    return codec.readValues(new In(out.array(), 0, out.size()));
  }

  @Test
  void commonValuesKeepTheirTypesAndValues() throws IOException {
    Object[] in = {null, 1, 2L, 3.5, "text é", new byte[] {1, 2}, true, false, new long[] {1L, -2L},
        new int[] {3}, new double[] {0.5}, Map.of("k", 1)};
    Object[] out = roundTrip(in);
    assertThat(out).hasSize(in.length);
    for (int i = 0; i < in.length; i++) {
      assertThat(out[i]).as("value %d", i).isEqualTo(in[i]);
      if (in[i] != null) {
        assertThat(out[i].getClass()).isEqualTo(in[i].getClass());
      }
    }
  }

  @Test
  void runsOfNumbersComeBackInPlaceAmongOtherValues() throws IOException {
    Object[] in = {1L, 2L, 3L, Long.MIN_VALUE, Long.MAX_VALUE, null, 1, 2, -3, Integer.MIN_VALUE, "x",
        0.5, -0.0, Double.NaN, Double.MAX_VALUE, 7L, 8L, 9L, 1, 2, 3, 4};
    Object[] out = roundTrip(in);
    assertThat(out).containsExactly(in);
    for (int i = 0; i < in.length; i++) {
      if (in[i] != null) {
        assertThat(out[i].getClass()).as("value %d", i).isEqualTo(in[i].getClass());
      }
    }
    Object[] many = new Object[100_000];
    for (int i = 0; i < many.length; i++) {
      many[i] = i % 1000 == 999 ? new Failure(new IllegalStateException("no " + i)) : (Object) (long) i;
    }
    Object[] back = roundTrip(many);
    assertThat(back[998]).isEqualTo(998L);
    assertThat(((Failure) back[999]).cause()).hasMessage("no 999");
    assertThat(back[99_998]).isEqualTo(99_998L);
  }

  @Test
  void listsComeBackAsTheSameKindOfList() throws IOException {
    ArrayList<Object> mutable = new ArrayList<>(List.of(1L, "a", List.of(2, 3)));
    List<Integer> immutable = List.of(4, 5, 6);
    List<Object> withNull = Arrays.asList(7, null);
    List<Object> streamList = Stream.of((Object) 8, null).toList();
    Object[] out = roundTrip(mutable, immutable, withNull, streamList, new Calls.Pair(List.of(1), 2));
    assertThat(out[0]).isInstanceOf(ArrayList.class).isEqualTo(mutable);
    assertThat(out[1]).isEqualTo(immutable);
    assertThat(out[1].getClass()).isEqualTo(immutable.getClass());
    assertThat(out[2]).isEqualTo(withNull);
    assertThat(out[3]).isEqualTo(streamList);
    Calls.Pair p = (Calls.Pair) out[4];
    assertThat(p.first()).isEqualTo(List.of(1));
    assertThat(p.second()).isEqualTo(2);
  }

  @Test
  void aValueThatCannotBeEncodedBecomesAFailureAndTheRestGoes() throws IOException {
    Object[] out = roundTrip(1, new Object(), 3);
    assertThat(out[0]).isEqualTo(1);
    assertThat(out[1]).isInstanceOf(Failure.class);
    assertThat(((Failure) out[1]).cause()).hasMessageContaining("java.lang.Object");
    assertThat(out[2]).isEqualTo(3);
  }

  @Test
  void oneFailureSharedByManyItemsIsWrittenOnce() throws IOException {
    Throwable shared = new IllegalStateException("x".repeat(10_000));
    Object[] values = new Object[1000];
    for (int i = 0; i < values.length; i++) {
      values[i] = new Failure(shared);
    }
    Buf out = new Buf(64);
    codec.writeValues(out, values, (i, e) -> new Failure(e));
    assertThat(out.size()).isLessThan(100_000); // one description, then 5-byte references
    Object[] back = codec.readValues(new In(out.array(), 0, out.size()));
    assertThat(back).hasSize(1000);
    assertThat(((Failure) back[999]).cause()).isInstanceOf(IllegalStateException.class).hasMessage("x".repeat(10_000));
  }

  /** An application exception whose constructor decorates its message: a message alone cannot rebuild it. */
  static final class Decorated extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Decorated(String what) {
      super("bad input: " + what);
    }
  }

  /** The stack trace as printed (StackTraceElement.equals also compares the loader's name, which printing hides). */
  private static String stackTrace(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (StackTraceElement e : t.getStackTrace()) {
      b.append(e).append('\n');
    }
    return b.toString();
  }

  private static Throwable failureOf(Object decoded) {
    assertThat(decoded).isInstanceOf(Failure.class);
    return ((Failure) decoded).cause();
  }

  @Test
  void plainJdkExceptionsComeBackAsTheSameClassesWithMessagesStackTracesAndCauses() throws IOException {
    IllegalStateException sent = new IllegalStateException("outer", new ArithmeticException("/ by zero"));
    assertThat(PlainThrowables.isPlain(sent, 16)).isTrue();
    Throwable back = failureOf(roundTrip(new Failure(sent))[0]);
    assertThat(back).isExactlyInstanceOf(IllegalStateException.class).hasMessage("outer");
    assertThat(back.getStackTrace()).hasSameSizeAs(sent.getStackTrace());
    assertThat(stackTrace(back)).isEqualTo(stackTrace(sent)).contains("java.base/", getClass().getName());
    assertThat(back.getCause()).isExactlyInstanceOf(ArithmeticException.class).hasMessage("/ by zero");
    assertThat(stackTrace(back.getCause())).isEqualTo(stackTrace(sent.getCause()));
    assertThat(back.getCause().getCause()).isNull();
  }

  @Test
  void exceptionsThatAMessageCannotDescribeStillGoThroughJdkSerialization() throws IOException {
    Decorated decorated = new Decorated("x");
    IllegalStateException suppressing = new IllegalStateException("with suppressed");
    suppressing.addSuppressed(new ArithmeticException("also"));
    java.io.UncheckedIOException noStringConstructor =
        new java.io.UncheckedIOException("io", new IOException("disk"));
    for (Throwable t : new Throwable[] {decorated, suppressing, noStringConstructor}) {
      assertThat(PlainThrowables.isPlain(t, 16)).as(t.toString()).isFalse();
    }
    Object[] out = roundTrip(new Failure(decorated), new Failure(suppressing), new Failure(noStringConstructor));
    assertThat(failureOf(out[0])).isExactlyInstanceOf(Decorated.class).hasMessage("bad input: x");
    assertThat(failureOf(out[1]).getSuppressed()).singleElement().isInstanceOf(ArithmeticException.class);
    assertThat(failureOf(out[2])).isExactlyInstanceOf(java.io.UncheckedIOException.class)
        .hasMessage("io").cause().hasMessage("disk");
  }

  /** The bytes a splicing buffer stands for, as they go on the wire. */
  private static byte[] flatten(Buf b) {
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    for (java.nio.ByteBuffer seg : b.segments()) {
      byte[] part = new byte[seg.remaining()];
      seg.get(part);
      all.writeBytes(part);
    }
    return all.toByteArray();
  }

  @Test
  void largeByteArraysAreSplicedByReferenceAndReadBackIntact() throws IOException {
    byte[] big = new byte[Buf.SPLICE_MIN + 5];
    byte[] bigger = new byte[3 * Buf.SPLICE_MIN];
    java.util.Arrays.fill(big, (byte) 7);
    java.util.Arrays.fill(bigger, (byte) -3);
    Object[] in = {1L, big, "between", new byte[] {1, 2, 3}, List.of(bigger, 2), 3.5};
    Buf out = Buf.splicing(64);
    codec.writeValues(out, in, (i, e) -> new Failure(e));
    assertThat(out.hasSplices()).isTrue();
    assertThat(out.size()).as("own bytes: the large arrays are not copied in").isLessThan(200);
    assertThat(out.contentSize()).isGreaterThan(4L * Buf.SPLICE_MIN);
    byte[] wire = flatten(out);
    assertThat((long) wire.length).isEqualTo(out.contentSize());
    Object[] back = codec.readValues(new In(wire, 0, wire.length));
    assertThat(back[0]).isEqualTo(1L);
    assertThat((byte[]) back[1]).isEqualTo(big);
    assertThat(back[2]).isEqualTo("between");
    assertThat((byte[]) back[3]).containsExactly(1, 2, 3);
    assertThat((byte[]) ((List<?>) back[4]).get(0)).isEqualTo(bigger);
    assertThat(back[5]).isEqualTo(3.5);
  }

  @Test
  void truncatingASplicingBufferDropsTheArraysSplicedAfterTheMark() throws IOException {
    Buf out = Buf.splicing(64);
    codec.writeValues(out, new Object[] {new byte[Buf.SPLICE_MIN]}, (i, e) -> new Failure(e));
    int mark = out.size();
    long content = out.contentSize();
    codec.writeValues(out, new Object[] {new byte[2 * Buf.SPLICE_MIN], "x"}, (i, e) -> new Failure(e));
    assertThat(out.contentSize()).isGreaterThan(content + 2L * Buf.SPLICE_MIN);
    out.truncate(mark);
    assertThat(out.contentSize()).isEqualTo(content);
    assertThat(out.segments()).hasSize(3);
    out.reset();
    assertThat(out.hasSplices()).isFalse();
    assertThat(out.contentSize()).isZero();
  }

  @Test
  void aSliceIsWrittenAsAMessageOfItsOwnAndReadBackIntoPlace() throws IOException {
    // a batch is a slice of the job's input, written without a copy; its results are read back
    // into the job's array at the batch's start
    Object[] input = {"before", 1L, 2L, 3L, 4L, 5L, "mid", 6L, 7L, "after"};
    Buf out = new Buf(64);
    codec.writeValues(out, input, 1, 8, (i, e) -> new Failure(e)); // the run of Longs stops at the slice's end
    Object[] alone = codec.readValues(new In(out.array(), 0, out.size()));
    assertThat(alone).containsExactly(1L, 2L, 3L, 4L, 5L, "mid", 6L, 7L);

    Object[] slots = {"x", "y", null, null, null, null, null, null, null, null, "z"};
    Object[] got = codec.readValues(new In(out.array(), 0, out.size()), slots, 2, 8);
    assertThat(got).isSameAs(slots);
    assertThat(slots).containsExactly("x", "y", 1L, 2L, 3L, 4L, 5L, "mid", 6L, 7L, "z");
  }

  @Test
  void aMessageOfAnotherCountIsReadIntoAnArrayOfItsOwnLeavingTheSlotsAlone() throws IOException {
    Buf out = new Buf(64);
    codec.writeValues(out, new Object[] {1L, 2L, 3L, 4L, 5L}, (i, e) -> new Failure(e));
    Object[] slots = new Object[8];
    Object[] got = codec.readValues(new In(out.array(), 0, out.size()), slots, 0, 4);
    assertThat(got).isNotSameAs(slots).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(slots).containsOnlyNulls();
  }

  @Test
  void aRunLongerThanItsMessageIsRefusedNotWrittenPastTheSlice() throws IOException {
    Buf out = new Buf(64);
    out.writeInt(2).writeInt(1 + 4 + 5 * 8); // a message of 2 values whose run claims 5
    out.writeByte(NumberRuns.LONG_RUN).writeInt(5);
    for (long v = 0; v < 5; v++) {
      out.writeLong(v);
    }
    Object[] slots = {"keep", null, null, "keep", "keep", "keep"};
    codec.readValues(new In(out.array(), 0, out.size()), slots, 1, 2);
    assertThat(slots[1]).isInstanceOf(Failure.class);
    assertThat(((Failure) slots[1]).cause()).hasMessageContaining("corrupt run");
    assertThat(slots[0]).isEqualTo("keep");
    assertThat(slots).endsWith("keep", "keep", "keep"); // nothing written past the message's own slots
  }

  @Test
  void anUnencodableValueInASliceIsReplacedByItsIndexWithinTheSlice() throws IOException {
    Object[] input = {"a", "b", new Object(), "d"};
    Buf out = new Buf(64);
    List<Integer> replaced = new ArrayList<>();
    codec.writeValues(out, input, 1, 3, (i, e) -> {
      replaced.add(i);
      return new Failure(e);
    });
    Object[] back = codec.readValues(new In(out.array(), 0, out.size()));
    assertThat(replaced).containsExactly(1);
    assertThat(back[0]).isEqualTo("b");
    assertThat(back[1]).isInstanceOf(Failure.class);
    assertThat(back[2]).isEqualTo("d");
  }
}
