package io.procpool.internal.wire;

import io.procpool.RemoteException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Describes a failure so that the other side can rebuild it faithfully: the JDK-serialized
 * exception when it serializes (skipped for plain JDK exceptions, which {@link PlainThrowables}
 * rebuilds from the description), and always a plain description of up to {@value #MAX_CAUSES}
 * causes (class name, message, stack frames) to build a {@link RemoteException} chain from when
 * the exception cannot be deserialized there. Transport-free; stateless beyond its configuration,
 * thread-safe.
 */
public final class FailureCodec {
  /** Causes described at most (a cycle of causes ends there too). */
  public static final int MAX_CAUSES = 16;

  private final ObjectCodec objects;
  private final ClassLoader loader;

  public FailureCodec(ObjectCodec objects, ClassLoader loader) {
    this.objects = objects;
    this.loader = loader;
  }

  /** In place of a failure's JDK-serialized bytes: none, rebuild it from its description. */
  private static final int REBUILD_FROM_DESCRIPTION = -2;

  /** Appends {@code t}: its serialized form (unless a description rebuilds it as well) and its description. */
  public void write(Buf out, Throwable t) {
    byte[] serialized = null;
    if (PlainThrowables.isPlain(t, MAX_CAUSES)) {
      out.writeInt(REBUILD_FROM_DESCRIPTION); // faster both ways than JDK serialization, and as faithful
    } else {
      try {
        serialized = objects.encode(t);
      } catch (IOException | RuntimeException e) {
        serialized = null;
      }
      if (serialized == null) {
        out.writeInt(-1);
      } else {
        out.writeBytes(serialized);
      }
    }
    int depth = 0;
    for (Throwable c = t; c != null && depth < MAX_CAUSES; c = c.getCause() == c ? null : c.getCause(), depth++) {
      out.writeByte(1);
      out.writeString(c.getClass().getName());
      out.writeNullable(safeMessage(c));
      StackTraceElement[] st = c.getStackTrace();
      out.writeInt(st.length);
      for (StackTraceElement e : st) {
        // what StackTraceElement.toString shows: no built-in loader name, no JDK module version
        String loaderName = e.getClassLoaderName();
        boolean builtIn = loaderName == null || loaderName.equals("app") || loaderName.equals("platform");
        String module = e.getModuleName();
        boolean jdkModule = module != null && (module.startsWith("java.") || module.startsWith("jdk."));
        out.writeNullable(builtIn ? null : loaderName);
        out.writeNullable(module);
        out.writeNullable(jdkModule ? null : e.getModuleVersion());
        out.writeString(e.getClassName());
        out.writeString(e.getMethodName());
        out.writeNullable(e.getFileName());
        out.writeInt(e.getLineNumber());
      }
    }
    out.writeByte(0);
  }

  private static String safeMessage(Throwable t) {
    try {
      return t.getMessage();
    } catch (RuntimeException e) {
      return "(getMessage() threw " + e + ")";
    }
  }

  /**
   * Reads a failure written by {@link #write}: the exception itself if it deserializes here, else
   * the same JDK exception rebuilt from its description, else a chain of {@link RemoteException}s
   * that carries the remote classes, messages and stacks.
   */
  public Throwable read(In in) throws IOException {
    int len = in.readInt();
    Throwable rebuilt = null;
    Exception whyNot = null;
    if (len >= 0) {
      int at = in.pos;
      in.pos += len;
      try {
        Object o = objects.decode(in.a, at, len);
        if (o instanceof Throwable) {
          rebuilt = (Throwable) o;
        }
      } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError e) {
        whyNot = e instanceof Exception ? (Exception) e : new IOException(e);
      }
    }
    List<Described> chain = new ArrayList<>();
    while (in.readByte() == 1) {
      String cls = in.readString();
      String msg = in.readNullable();
      int frames = in.readInt();
      StackTraceElement[] st = new StackTraceElement[Math.max(0, frames)];
      for (int i = 0; i < st.length; i++) {
        String loaderName = in.readNullable();
        String module = in.readNullable();
        String version = in.readNullable();
        String c = in.readString();
        String m = in.readString();
        String f = in.readNullable();
        int line = in.readInt();
        st[i] = new StackTraceElement(loaderName, module, version, c, m, f, line);
      }
      chain.add(new Described(cls, msg, st));
    }
    if (rebuilt != null) {
      return rebuilt;
    }
    if (len == REBUILD_FROM_DESCRIPTION) {
      Throwable plain = PlainThrowables.rebuild(chain, loader);
      if (plain != null) {
        return plain;
      }
    }
    RemoteException cause = null;
    for (int i = chain.size() - 1; i >= 0; i--) {
      Described d = chain.get(i);
      cause = new RemoteException(d.className, d.message, d.stackTrace, cause);
    }
    if (cause != null && whyNot != null) {
      cause.addSuppressed(whyNot);
    }
    return cause != null ? cause : new RemoteException("unknown", "a failure without description", null, null);
  }

  /**
   * One link of a failure's description as read: plain fields, so that a failure rebuilt as
   * itself does not also build (and fill in the stack of) a {@link RemoteException} per cause.
   */
  static final class Described {
    final String className;
    final String message;
    final StackTraceElement[] stackTrace;

    Described(String className, String message, StackTraceElement[] stackTrace) {
      this.className = className;
      this.message = message;
      this.stackTrace = stackTrace;
    }
  }
}
