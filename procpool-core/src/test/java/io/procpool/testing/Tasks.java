package io.procpool.testing;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/** Functions and values that fail in every phase, for the failure tests. */
public final class Tasks {
  private Tasks() {}

  public static int square(int x) {
    return x * x;
  }

  public static Object exitWith(int code) {
    System.exit(code);
    return null;
  }

  public static Object haltWith(int code) {
    Runtime.getRuntime().halt(code);
    return null;
  }

  public static Object killSelf(String signal) {
    Processes.signal(ProcessHandle.current().pid(), signal);
    while (true) {
      Thread.onSpinWait();
    }
  }

  public static long pid(Object ignored) {
    return ProcessHandle.current().pid();
  }

  public static Object throwChecked(String message) throws Exception {
    throw new java.io.FileNotFoundException(message);
  }

  public static Object recurse(int depth) {
    return recurse(depth + 1);
  }

  public static Object allocateForever(int mb) {
    java.util.List<byte[]> hog = new java.util.ArrayList<>();
    while (true) {
      hog.add(new byte[mb * 1024 * 1024]);
    }
  }

  public static Object sleepMillis(long ms) throws InterruptedException {
    Thread.sleep(ms);
    return ms;
  }

  public static Object spinIgnoringInterrupts(long ms) {
    long end = System.nanoTime() + ms * 1_000_000;
    long x = 0;
    while (System.nanoTime() < end) {
      x++;
      Thread.interrupted();
    }
    return x;
  }

  /** Not serializable. */
  public static final class Opaque {
    public final int value;

    public Opaque(int value) {
      this.value = value;
    }
  }

  public static Object returnOpaque(int x) {
    return new Opaque(x);
  }

  /** Serializable, but writing it fails. */
  public static final class FailsOnWrite implements Serializable {
    private static final long serialVersionUID = 1L;

    private void writeObject(ObjectOutputStream out) throws IOException {
      throw new IOException("FailsOnWrite refuses to be written");
    }
  }

  /** Serializable, but reading it fails. */
  public static final class FailsOnRead implements Serializable {
    private static final long serialVersionUID = 1L;

    private void readObject(ObjectInputStream in) throws IOException {
      throw new IOException("FailsOnRead refuses to be read");
    }
  }

  /** Reading it (in the worker) exits the JVM. */
  public static final class ExitsOnRead implements Serializable {
    private static final long serialVersionUID = 1L;

    private void readObject(ObjectInputStream in) {
      Runtime.getRuntime().halt(42);
    }
  }

  /** An exception with a field that cannot be serialized. */
  public static final class UnserializableException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Object ok = null;
    final Opaque payload = new Opaque(1);

    public UnserializableException(String message) {
      super(message);
    }
  }

  public static Object throwUnserializable(String message) {
    throw new UnserializableException(message);
  }

  /** Deserializes in a worker, but not in the caller (the pool's own JVM). */
  public static final class UnreadableInCaller implements Serializable {
    private static final long serialVersionUID = 1L;

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      if (System.getProperty("procpool.worker") == null) {
        throw new java.io.InvalidObjectException("UnreadableInCaller cannot be read in the caller");
      }
    }
  }

  public static Object returnUnreadable(int x) {
    return new UnreadableInCaller();
  }

  /** An exception that the caller cannot rebuild. */
  public static final class UnreadableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnreadableException(String message) {
      super(message);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      if (System.getProperty("procpool.worker") == null) {
        throw new java.io.InvalidObjectException("cannot be rebuilt here");
      }
    }
  }

  public static Object throwUnreadable(String message) {
    throw new UnreadableException(message);
  }

  /** Writes to address 0 through sun.misc.Unsafe: a SIGSEGV that the JVM turns into a crash. */
  public static Object segfault(int ignored) throws Exception {
    Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
    java.lang.reflect.Field f = unsafeClass.getDeclaredField("theUnsafe");
    f.setAccessible(true);
    Object unsafe = f.get(null);
    unsafeClass.getMethod("putAddress", long.class, long.class).invoke(unsafe, 0L, 0L);
    return "still alive";
  }
}
