package io.procpool.internal;

import io.procpool.SerializableBiFunction;
import io.procpool.SerializableCallable;
import io.procpool.SerializableFunction;
import java.io.Serializable;
import java.util.Map;

/** Adapters that turn every kind of task into a one-argument function over the items of a batch. */
public final class Calls {
  private Calls() {}

  private static final ClassValue<Boolean> STATELESS =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> c) {
          return c.isSynthetic() && c.getName().contains("$$Lambda") && c.getDeclaredFields().length == 0;
        }
      };

  /**
   * A key that identifies {@code fn}'s serialized form without serializing it, when that form
   * cannot change: a lambda or method reference that captures nothing (its class has no fields),
   * possibly inside this class's adapters. Returns null for anything else.
   */
  public static Object statelessKey(Object fn) {
    Object inner = fn;
    Class<?> wrapper = null;
    if (fn instanceof CallTask) {
      wrapper = CallTask.class;
      inner = ((CallTask) fn).inner();
    } else if (fn instanceof StarCall) {
      wrapper = StarCall.class;
      inner = ((StarCall) fn).inner();
    }
    if (!STATELESS.get(inner.getClass())) {
      return null;
    }
    return wrapper == null ? inner.getClass() : java.util.List.of(wrapper, inner.getClass());
  }

  /** Wraps a deserialized {@link SerializableCallable} as the pool's one-argument task (worker side). */
  public static CallTask callTask(Object callable) {
    return new CallTask((SerializableCallable<?>) callable);
  }

  /** Wraps a deserialized {@link SerializableBiFunction} as the pool's starmap task (worker side). */
  public static StarCall starCall(Object fn) {
    return new StarCall((SerializableBiFunction<?, ?, ?>) fn);
  }

  /** A starmap argument: key and value of the caller's entry, carried by the pool itself. */
  public static final class Pair implements Serializable {
    private static final long serialVersionUID = 1L;
    final Object first;
    final Object second;

    public Pair(Object first, Object second) {
      this.first = first;
      this.second = second;
    }

    static Pair of(Map.Entry<?, ?> e) {
      Require.notNull(e, "pair");
      return new Pair(e.getKey(), e.getValue());
    }

    public Object first() {
      return first;
    }

    public Object second() {
      return second;
    }
  }

  /** Runs a no-argument task, ignoring the (null) item. */
  public static final class CallTask implements SerializableFunction<Object, Object> {
    private static final long serialVersionUID = 1L;
    private final SerializableCallable<?> task;

    CallTask(SerializableCallable<?> task) {
      this.task = task;
    }

    /** The wrapped task. */
    public Object inner() {
      return task;
    }

    @Override
    public Object apply(Object ignored) throws Exception {
      return task.call();
    }
  }

  /** Applies a two-argument function to a {@link Pair}. */
  public static final class StarCall implements SerializableFunction<Object, Object> {
    private static final long serialVersionUID = 1L;
    private final SerializableBiFunction<Object, Object, ?> fn;

    @SuppressWarnings("unchecked")
    StarCall(SerializableBiFunction<?, ?, ?> fn) {
      this.fn = (SerializableBiFunction<Object, Object, ?>) fn;
    }

    /** The wrapped function. */
    public Object inner() {
      return fn;
    }

    @Override
    public Object apply(Object item) throws Exception {
      Pair p = (Pair) item;
      return fn.apply(p.first, p.second);
    }
  }
}
