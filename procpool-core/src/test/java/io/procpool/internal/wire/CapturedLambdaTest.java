package io.procpool.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procpool.SerializableBiFunction;
import io.procpool.SerializableCallable;
import io.procpool.SerializableFunction;
import io.procpool.internal.Calls;
import io.procpool.internal.Failure;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Capturing lambdas sent as a cached template plus captured values, without processes. */
class CapturedLambdaTest {
  private final WireCodec codec = new WireCodec(getClass().getClassLoader(), SerialFilters.defaultFilter());

  /** Serializable, but not one of the codec's direct types: goes through JDK serialization. */
  static final class Point implements Serializable {
    private static final long serialVersionUID = 1L;
    final int x;
    final int y;

    Point(int x, int y) {
      this.x = x;
      this.y = y;
    }
  }

  /** What the worker does: template bytes and encoded captured values back into a function. */
  private Object rebuild(CapturedLambda.Split split) throws Throwable {
    byte[] template = split.template();
    assertThat(CapturedLambda.isTemplate(template)).isTrue();
    Buf values = new Buf(64);
    codec.writeValues(values, split.captured(), (i, e) -> new Failure(e));
    Object[] captured = codec.readValues(new In(values.array(), 0, values.size()));
    return CapturedLambda.Template.parse(template, getClass().getClassLoader(), codec).instantiate(captured);
  }

  @Test
  @SuppressWarnings("unchecked")
  void aFunctionCapturingNumbersTextAndAnObjectComesBackWorking() throws Throwable {
    long base = 40;
    String label = "p";
    Point p = new Point(1, 2);
    SerializableFunction<Integer, String> fn = i -> label + (base + i + p.x + p.y);
    CapturedLambda.Split split = CapturedLambda.split(fn);
    assertThat(split).isNotNull();
    assertThat(split.captured()).hasSize(3);
    SerializableFunction<Integer, String> back = (SerializableFunction<Integer, String>) rebuild(split);
    assertThat(back.apply(2)).isEqualTo("p45");
  }

  @Test
  void theSameLambdaSiteHasOneTemplateWhateverItCaptures() {
    List<CapturedLambda.Split> splits = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int v = i;
      SerializableCallable<Integer> task = () -> v * v;
      splits.add(CapturedLambda.split(Calls.callTask(task)));
    }
    assertThat(splits).extracting(s -> s.shape).containsOnly(splits.get(0).shape);
    assertThat(splits.get(0).template()).isEqualTo(splits.get(2).template());
    assertThat(splits).extracting(s -> s.captured()[0]).containsExactly(0, 1, 2);
  }

  @Test
  void callablesAndStarmapFunctionsKeepTheirAdapters() throws Throwable {
    int k = 7;
    SerializableCallable<Integer> task = () -> k * 6;
    Object call = rebuild(CapturedLambda.split(Calls.callTask(task)));
    assertThat(call).isInstanceOf(Calls.CallTask.class);
    assertThat(((Calls.CallTask) call).apply(null)).isEqualTo(42);

    String sep = "-";
    SerializableBiFunction<String, Integer, String> join = (a, b) -> a + sep + b;
    Object star = rebuild(CapturedLambda.split(Calls.starCall(join)));
    assertThat(star).isInstanceOf(Calls.StarCall.class);
    assertThat(((Calls.StarCall) star).apply(new Calls.Pair("a", 1))).isEqualTo("a-1");
  }

  @Test
  @SuppressWarnings("unchecked")
  void boundMethodReferencesCaptureTheirReceiver() throws Throwable {
    String prefix = "pre-";
    SerializableFunction<String, String> fn = prefix::concat;
    SerializableFunction<String, String> back = (SerializableFunction<String, String>) rebuild(CapturedLambda.split(fn));
    assertThat(back.apply("x")).isEqualTo("pre-x");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aLambdaOrMethodReferenceThatCapturesNothingIsATemplateWithoutValues() throws Throwable {
    SerializableFunction<Integer, Integer> stateless = i -> i + 1;
    CapturedLambda.Split split = CapturedLambda.split(stateless);
    assertThat(split.captured()).isEmpty();
    assertThat(CapturedLambda.capturedCount(split.template())).isZero();
    assertThat(((SerializableFunction<Integer, Integer>) rebuild(split)).apply(1)).isEqualTo(2);
    SerializableFunction<String, Integer> ref = Integer::parseInt;
    assertThat(CapturedLambda.shapeOf(ref)).isNotNull();
    assertThat(((SerializableFunction<String, Integer>) rebuild(CapturedLambda.split(ref))).apply("12")).isEqualTo(12);
  }

  @Test
  void whatIsNotALambdaIsLeftToJdkSerialization() {
    assertThat(CapturedLambda.split(new Point(1, 1))).isNull();
    assertThat(CapturedLambda.shapeOf(new Point(1, 1))).isNull();
    assertThat(CapturedLambda.isTemplate(new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5})).isFalse();
  }

  @Test
  void aWrongNumberOfCapturedValuesOrAFilteredClassIsRefused() throws Exception {
    int a = 1;
    int b = 2;
    SerializableFunction<Integer, Integer> fn = i -> i + a + b;
    byte[] template = CapturedLambda.split(fn).template();
    CapturedLambda.Template t = CapturedLambda.Template.parse(template, getClass().getClassLoader(), codec);
    assertThatThrownBy(() -> t.instantiate(new Object[] {1})).isInstanceOf(IOException.class).hasMessageContaining("wants 2");

    WireCodec strict =
        new WireCodec(getClass().getClassLoader(), ObjectInputFilter.Config.createFilter("!" + getClass().getName()));
    assertThatThrownBy(() -> CapturedLambda.Template.parse(template, getClass().getClassLoader(), strict))
        .isInstanceOf(InvalidClassException.class)
        .hasMessageContaining("filter");
  }
}
