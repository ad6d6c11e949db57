package io.procpool.internal.wire;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;

/**
 * JDK exceptions that a class name, a message, a stack trace and a cause describe completely, sent
 * as that description instead of as JDK-serialized bytes (which cost tens of microseconds to write
 * and to read: BENCHMARKS.md, S9) and rebuilt as the same class on the other side.
 *
 * <p>"Plain" means: a class of the JDK itself (so its {@code (String)} constructor is known to keep
 * the message as given, unlike an application's exception that may decorate it), with a public
 * {@code (String)} constructor, no serialized state of its own (no non-static, non-transient field
 * between it and {@link Throwable}), no suppressed exceptions, and a cause that is plain too.
 * Everything else keeps going through JDK serialization. Thread-safe.
 */
public final class PlainThrowables {
  private static final ClassValue<Constructor<?>> MESSAGE_CONSTRUCTOR =
      new ClassValue<>() {
        @Override
        protected Constructor<?> computeValue(Class<?> type) {
          return plainConstructor(type);
        }
      };

  private PlainThrowables() {}

  /** Whether {@code t} and its causes (at most {@code maxDepth} in all) are plain. */
  public static boolean isPlain(Throwable t, int maxDepth) {
    int depth = 0;
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (++depth > maxDepth || c.getCause() == c || MESSAGE_CONSTRUCTOR.get(c.getClass()) == null
          || c.getSuppressed().length > 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Rebuilds a plain exception from its description ({@code chain}: outermost first), loading the
   * classes through {@code loader}; returns null if any link cannot be rebuilt as described.
   */
  static Throwable rebuild(List<FailureCodec.Described> chain, ClassLoader loader) {
    Throwable cause = null;
    try {
      for (int i = chain.size() - 1; i >= 0; i--) {
        FailureCodec.Described d = chain.get(i);
        Class<?> type = Class.forName(d.className, false, loader);
        Constructor<?> make = Throwable.class.isAssignableFrom(type) ? MESSAGE_CONSTRUCTOR.get(type) : null;
        if (make == null) {
          return null;
        }
        Throwable t = (Throwable) make.newInstance(d.message);
        t.setStackTrace(d.stackTrace);
        if (cause != null) {
          t.initCause(cause);
        }
        cause = t;
      }
      return cause;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }

  private static Constructor<?> plainConstructor(Class<?> type) {
    ClassLoader l = type.getClassLoader();
    if (!Throwable.class.isAssignableFrom(type) || (l != null && l != ClassLoader.getPlatformClassLoader())
        || !Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
      return null;
    }
    for (Class<?> c = type; c != Throwable.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        int m = f.getModifiers();
        if (!Modifier.isStatic(m) && !Modifier.isTransient(m)) {
          return null; // state of its own that a message would not carry
        }
      }
    }
    try {
      return type.getConstructor(String.class);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }
}
