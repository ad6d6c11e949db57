package io.procpool.internal;

import io.procpool.SerializableBiFunction;
import io.procpool.SerializableCallable;
import io.procpool.SerializableFunction;
import java.io.Serializable;
import java.util.Map;

/** Adapters that turn every kind of task into a one-argument function over the items of a batch. */
public final class Calls {
  private Calls() {}

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
  static final class CallTask implements SerializableFunction<Object, Object> {
    private static final long serialVersionUID = 1L;
    private final SerializableCallable<?> task;

    CallTask(SerializableCallable<?> task) {
      this.task = task;
    }

    @Override
    public Object apply(Object ignored) throws Exception {
      return task.call();
    }
  }

  /** Applies a two-argument function to a {@link Pair}. */
  static final class StarCall implements SerializableFunction<Object, Object> {
    private static final long serialVersionUID = 1L;
    private final SerializableBiFunction<Object, Object, ?> fn;

    @SuppressWarnings("unchecked")
    StarCall(SerializableBiFunction<?, ?, ?> fn) {
      this.fn = (SerializableBiFunction<Object, Object, ?>) fn;
    }

    @Override
    public Object apply(Object item) throws Exception {
      Pair p = (Pair) item;
      return fn.apply(p.first, p.second);
    }
  }
}
