package io.procpool.internal.wire;

import io.procpool.internal.Calls;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;

/**
 * Sends a serializable lambda or method reference as a template, cached by the worker like any
 * function, plus, if it captures values ({@code applyAsync(() -> f(x))}), its captured values,
 * encoded by {@link WireCodec} with every batch. JDK serialization of a capturing lambda costs
 * ~8 µs in the caller and ~16 µs in the worker per call (an object stream, a
 * {@link SerializedLambda}, reflection); the template is written once per lambda class and rebuilt
 * through the capturing class's own {@code $deserializeLambda$}, exactly what
 * {@link SerializedLambda}'s {@code readResolve} calls. A worker then needs no JDK serialization
 * for its first task (one pool start less on the critical path).
 *
 * <p>Template bytes start with {@link #MAGIC}, which JDK serialization never does (it starts
 * with {@code 0xACED}), then {@code int capturedCount, int wrapper (0 none, 1
 * {@link Calls.CallTask}, 2 {@link Calls.StarCall}), string capturingClass,
 * functionalInterfaceClass, functionalInterfaceMethodName, functionalInterfaceMethodSignature, int
 * implMethodKind, string implClass, implMethodName, implMethodSignature, instantiatedMethodType}.
 * A batch of a template with captured values carries them; one without carries none, and the
 * worker makes its function once.
 *
 * <p>A lambda whose parts cannot be reached (its {@code writeReplace} not accessible, e.g. in a
 * named module that is not open) simply goes the JDK way. Thread-safe.
 */
public final class CapturedLambda {
  public static final byte[] MAGIC = {'P', 'L', 1};
  private static final int NONE = 0;
  private static final int CALL = 1;
  private static final int STAR = 2;

  /**
   * A lambda's {@code writeReplace} as {@code (Object) Object}, or null for classes that are not
   * serializable lambdas. A method handle: reflection on a hidden class stays on the slow
   * native accessor.
   */
  private static final ClassValue<MethodHandle> WRITE_REPLACE =
      new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> c) {
          if (!c.isSynthetic() || !c.getName().contains("$$Lambda")) {
            return null;
          }
          try {
            Method m = c.getDeclaredMethod("writeReplace");
            m.setAccessible(true);
            return MethodHandles.lookup().unreflect(m).asType(MethodType.methodType(Object.class, Object.class));
          } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
          }
        }
      };

  private CapturedLambda() {}

  /**
   * What identifies {@code fn}'s template without taking it apart, if it is a lambda (possibly
   * inside procpool's adapters) that can be; else null.
   */
  public static Object shapeOf(Object fn) {
    Object inner = unwrap(fn);
    return WRITE_REPLACE.get(inner.getClass()) == null ? null : List.of(wrapperOf(fn), inner.getClass());
  }

  private static int wrapperOf(Object fn) {
    return fn instanceof Calls.CallTask ? CALL : fn instanceof Calls.StarCall ? STAR : NONE;
  }

  private static Object unwrap(Object fn) {
    if (fn instanceof Calls.CallTask) {
      return ((Calls.CallTask) fn).inner();
    }
    if (fn instanceof Calls.StarCall) {
      return ((Calls.StarCall) fn).inner();
    }
    return fn;
  }

  /** A function taken apart: what identifies its template, the template, and the captured values. */
  public static final class Split {
    public final Object shape;
    public final SerializedLambda lambda;
    public final int wrapper;

    private Split(Object shape, SerializedLambda lambda, int wrapper) {
      this.shape = shape;
      this.lambda = lambda;
      this.wrapper = wrapper;
    }

    public Object[] captured() {
      Object[] v = new Object[lambda.getCapturedArgCount()];
      for (int i = 0; i < v.length; i++) {
        v[i] = lambda.getCapturedArg(i);
      }
      return v;
    }

    /** The template's bytes (the same for every function of the same {@link #shape}). */
    public byte[] template() {
      SerializedLambda l = lambda;
      Buf b = new Buf(512);
      b.write(MAGIC, 0, MAGIC.length);
      b.writeInt(l.getCapturedArgCount()).writeInt(wrapper);
      b.writeString(l.getCapturingClass())
          .writeString(l.getFunctionalInterfaceClass())
          .writeString(l.getFunctionalInterfaceMethodName())
          .writeString(l.getFunctionalInterfaceMethodSignature())
          .writeInt(l.getImplMethodKind())
          .writeString(l.getImplClass())
          .writeString(l.getImplMethodName())
          .writeString(l.getImplMethodSignature())
          .writeString(l.getInstantiatedMethodType());
      return b.toByteArray();
    }
  }

  /**
   * Takes {@code fn} (possibly inside procpool's {@link Calls} adapters) apart if it is a
   * serializable lambda that captures values; null otherwise.
   */
  public static Split split(Object fn) {
    Object inner = unwrap(fn);
    int wrapper = wrapperOf(fn);
    MethodHandle writeReplace = WRITE_REPLACE.get(inner.getClass());
    if (writeReplace == null) {
      return null;
    }
    try {
      Object replaced = (Object) writeReplace.invokeExact(inner);
      if (!(replaced instanceof SerializedLambda)) {
        return null;
      }
      return new Split(List.of(wrapper, inner.getClass()), (SerializedLambda) replaced, wrapper);
    } catch (Throwable e) {
      return null; // a writeReplace does not throw; whatever it is, JDK serialization will say it
    }
  }

  /** How many captured values a batch of this template carries (template bytes only). */
  public static int capturedCount(byte[] template) {
    return template.length < MAGIC.length + 4 ? -1 : (int) Buf.INT_VIEW.get(template, MAGIC.length);
  }

  /** Whether {@code functionBytes} are a template (else they are JDK-serialized). */
  public static boolean isTemplate(byte[] functionBytes) {
    if (functionBytes.length < MAGIC.length) {
      return false;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (functionBytes[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /** The worker's side: a template, ready to make functions from captured values. */
  public static final class Template {
    private final Class<?> capturingClass;
    private final Method deserialize;
    private final String fiClass;
    private final String fiMethod;
    private final String fiSignature;
    private final int implKind;
    private final String implClass;
    private final String implMethod;
    private final String implSignature;
    private final String instantiatedType;
    private final int wrapper;
    private final int captured;

    private Template(In in, ClassLoader loader, WireCodec codec) throws IOException, ReflectiveOperationException {
      captured = in.readInt();
      wrapper = in.readInt();
      String capturing = in.readString();
      fiClass = in.readString();
      fiMethod = in.readString();
      fiSignature = in.readString();
      implKind = in.readInt();
      implClass = in.readString();
      implMethod = in.readString();
      implSignature = in.readString();
      instantiatedType = in.readString();
      if (wrapper < NONE || wrapper > STAR || captured < 0) {
        throw new IOException("corrupt lambda template");
      }
      capturingClass = Class.forName(capturing.replace('/', '.'), false, loader);
      if (codec.rejects(SerializedLambda.class) || codec.rejects(capturingClass)) {
        throw new java.io.InvalidClassException(capturingClass.getName(), "rejected by the deserialization filter");
      }
      deserialize = capturingClass.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
      deserialize.setAccessible(true);
    }

    /** Parses template bytes (see the class comment) and finds the capturing class's deserializer. */
    public static Template parse(byte[] bytes, ClassLoader loader, WireCodec codec) throws IOException, ReflectiveOperationException {
      In in = new In(bytes, MAGIC.length, bytes.length - MAGIC.length);
      return new Template(in, loader, codec);
    }

    /** A new function with these captured values, wrapped as it was in the caller. */
    public Object instantiate(Object[] values) throws Throwable {
      if (values.length != captured) {
        throw new IOException("a lambda template wants " + captured + " captured values, got " + values.length);
      }
      SerializedLambda l =
          new SerializedLambda(
              capturingClass, fiClass, fiMethod, fiSignature, implKind, implClass, implMethod, implSignature,
              instantiatedType, values);
      Object fn;
      try {
        fn = deserialize.invoke(null, l);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      switch (wrapper) {
        case CALL:
          return Calls.callTask(fn);
        case STAR:
          return Calls.starCall(fn);
        default:
          return fn;
      }
    }
  }
}
