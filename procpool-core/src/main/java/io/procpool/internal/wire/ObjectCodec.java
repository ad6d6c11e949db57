package io.procpool.internal.wire;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;

/**
 * JDK serialization with this side's class loader and deserialization filter: functions,
 * initializers, exceptions, and the values of other types inside a {@link WireCodec} message.
 * Stateless beyond its configuration; thread-safe.
 */
public final class ObjectCodec {
  private final ClassLoader loader;
  private final ObjectInputFilter filter;

  public ObjectCodec(ClassLoader loader, ObjectInputFilter filter) {
    this.loader = loader;
    this.filter = filter;
  }

  /** Whether the deserialization filter rejects instances of {@code type}. */
  public boolean rejects(Class<?> type) {
    return filter != null && SerialFilters.rejects(filter, type);
  }

  /** JDK-serializes one object. */
  public byte[] encode(Object o) throws IOException {
    Buf b = new Buf(512);
    try (ObjectOutputStream oos = new ObjectOutputStream(b)) {
      oos.writeObject(o);
    }
    return b.toByteArray();
  }

  /** Deserializes one object from {@code bytes[off, off + len)}. */
  public Object decode(byte[] bytes, int off, int len) throws IOException, ClassNotFoundException {
    try (ObjectInputStream ois = input(new ByteArrayInputStream(bytes, off, len))) {
      return ois.readObject();
    }
  }

  /** An object stream over {@code in} that resolves classes through the loader and applies the filter. */
  public ObjectInputStream input(InputStream in) throws IOException {
    ObjectInputStream ois =
        new ObjectInputStream(in) {
          @Override
          protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
              return Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException e) {
              return super.resolveClass(desc);
            }
          }
        };
    if (filter != null) {
      ois.setObjectInputFilter(filter);
    }
    return ois;
  }
}
