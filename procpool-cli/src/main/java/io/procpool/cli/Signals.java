package io.procpool.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * POSIX signal handling through {@code sun.misc.Signal} (module {@code jdk.unsupported}, present
 * in every JDK since 9), called reflectively so that the build has no warning about an internal
 * API. Used for SIGINT (run) and SIGINT/SIGTERM (agent).
 */
final class Signals {
  private Signals() {}

  /**
   * Runs {@code action} on a JVM thread whenever the signal arrives, instead of the JVM's default.
   *
   * @param name the signal's name without SIG, e.g. {@code INT}
   * @param action what to do
   * @return the handler that was in place (for {@link #restore}), or null if the signal could not
   *     be handled (it is ignored, as in a background job, or the API is missing)
   */
  static Object handle(String name, Runnable action) {
    try {
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerType},
          (proxy, method, args) -> {
            if (method.getName().equals("handle")) {
              action.run();
              return null;
            }
            return switch (method.getName()) {
              case "hashCode" -> System.identityHashCode(proxy);
              case "equals" -> proxy == args[0];
              default -> "procpool signal handler";
            };
          });
      return install(name, handler);
    } catch (ReflectiveOperationException | IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Makes the JVM ignore the signal.
   *
   * @param name the signal's name without SIG
   */
  static void ignore(String name) {
    try {
      Object ignore = Class.forName("sun.misc.SignalHandler").getField("SIG_IGN").get(null);
      install(name, ignore);
    } catch (ReflectiveOperationException | IllegalArgumentException e) {
      // nothing to do: the signal keeps its disposition
    }
  }

  /**
   * Puts back a handler returned by {@link #handle}.
   *
   * @param name the signal's name without SIG
   * @param previous the earlier handler; null does nothing
   */
  static void restore(String name, Object previous) {
    if (previous == null) {
      return;
    }
    try {
      install(name, previous);
    } catch (ReflectiveOperationException | IllegalArgumentException e) {
      // the JVM exits soon anyway
    }
  }

  private static Object install(String name, Object handler) throws ReflectiveOperationException {
    Class<?> signalType = Class.forName("sun.misc.Signal");
    Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
    Object signal = signalType.getConstructor(String.class).newInstance(name);
    Method handle = signalType.getMethod("handle", signalType, handlerType);
    try {
      return handle.invoke(null, signal, handler);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw e;
    }
  }
}
