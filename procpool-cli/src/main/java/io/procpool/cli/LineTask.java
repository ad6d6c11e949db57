package io.procpool.cli;

import io.procpool.SerializableFunction;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The function the command ships to the workers: it carries only the user class's name, creates one
 * instance of it per worker JVM (with its public no-arg constructor, on first use) and applies it to
 * a line. The result goes back as a string, so the caller never needs the user's result classes.
 */
final class LineTask implements SerializableFunction<InputLine, LineResult> {
  private static final long serialVersionUID = 1L;
  /** One instance of each user class per JVM. */
  private static final Map<String, SerializableFunction<String, ?>> INSTANCES = new ConcurrentHashMap<>();

  /** The user function's class name. */
  private final String className;

  /**
   * Creates the task.
   *
   * @param className the fully qualified name of a class that implements {@code SerializableFunction<String, ?>}
   */
  LineTask(String className) {
    this.className = className;
  }

  @Override
  public LineResult apply(InputLine line) throws Exception {
    SerializableFunction<String, ?> fn = instance();
    long t0 = System.nanoTime();
    Object result = fn.apply(line.text());
    return new LineResult(line.position(), line.index(), String.valueOf(result), System.nanoTime() - t0);
  }

  private SerializableFunction<String, ?> instance() throws Exception {
    SerializableFunction<String, ?> fn = INSTANCES.get(className);
    if (fn == null) {
      fn = create(Class.forName(className, true, LineTask.class.getClassLoader()));
      INSTANCES.putIfAbsent(className, fn);
    }
    return fn;
  }

  @SuppressWarnings("unchecked")
  private static SerializableFunction<String, ?> create(Class<?> type) throws Exception {
    try {
      return (SerializableFunction<String, ?>) type.getConstructor().newInstance();
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw cause instanceof Exception ex ? ex : e;
    }
  }
}
