package io.procpool.internal.wire;

import io.procpool.internal.Calls;
import io.procpool.internal.Failure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes the values that cross between the pool and its workers: batch arguments, results,
 * failures, functions.
 *
 * <p>Values of the common types (null, Integer, Long, Double, String, byte[], Boolean, starmap
 * pairs, {@code ArrayList} and {@code List.of} lists of such values, long[], int[], double[]) are
 * written directly with a one-byte tag (a list comes back as the same kind of list); every other value goes through one JDK
 * {@link ObjectOutputStream} per message, so class descriptors are written once per batch. A
 * failure is written by {@link FailureCodec}, runs of boxed numbers by {@link NumberRuns}, other
 * objects by {@link ObjectCodec} (the given class loader and {@link ObjectInputFilter}).
 *
 * <p>Thread-safe (stateless apart from configuration).
 */
public final class WireCodec {
  private static final int NULL = 0;
  private static final int INT = 1;
  private static final int LONG = 2;
  private static final int DOUBLE = 3;
  private static final int STRING = 4;
  private static final int BYTES = 5;
  private static final int TRUE = 6;
  private static final int FALSE = 7;
  private static final int PAIR = 8;
  private static final int FAILURE = 9;
  private static final int OBJECT = 10;
  private static final int SKIP = 11;
  private static final int ARRAY_LIST = 12;
  private static final int IMMUTABLE_LIST = 13;
  private static final int LONGS = 14;
  private static final int INTS = 15;
  private static final int DOUBLES = 16;
  /** A failure already written in this message (by its index among the message's failures). */
  private static final int FAILURE_REF = 17;
  // 18, 19, 20: runs of numbers, top level only (NumberRuns)
  /** {@code List.of(...)}'s classes (ImmutableCollections.List12 and ListN). */
  private static final Class<?> LIST12 = List.of(1).getClass();
  private static final Class<?> LISTN = List.of(1, 2, 3).getClass();

  /** Marks an argument the parent could not encode: the worker does not run that item. */
  public static final Object SKIPPED = new Object() {
    @Override
    public String toString() {
      return "SKIPPED";
    }
  };

  /** Decides what stands for a value that cannot be encoded. */
  public interface Unencodable {
    Object replace(int index, Exception error);
  }

  private final ObjectCodec objects;
  private final FailureCodec failureCodec;

  public WireCodec(ClassLoader loader, ObjectInputFilter filter) {
    this.objects = new ObjectCodec(loader, filter);
    this.failureCodec = new FailureCodec(objects, loader);
  }

  // ------------------------------------------------------------------ values

  /**
   * Appends {@code values} to {@code out}. A value that cannot be serialized is replaced by what
   * {@code onError} returns for it (a {@link Failure} or {@link #SKIPPED}), and the rest still goes.
   */
  public void writeValues(Buf out, Object[] values, Unencodable onError) {
    writeValues(out, values, 0, values.length, onError);
  }

  /**
   * Appends {@code values[from .. from + count)} to {@code out}, as one message of {@code count}
   * values, read back by {@link #readValues}; {@code onError} gets indexes counted from {@code from}.
   * The array is only read: a caller can encode a slice of a larger array without copying it.
   */
  public void writeValues(Buf out, Object[] values, int from, int count, Unencodable onError) {
    int mark = out.size();
    try {
      tryWriteValues(out, values, from, count);
      return;
    } catch (IOException | RuntimeException e) {
      // find the values that fail on their own, replace them, and write again
    }
    Object[] copy = java.util.Arrays.copyOfRange(values, from, from + count);
    for (int i = 0; i < copy.length; i++) {
      Exception err = checkEncodable(copy[i]);
      if (err != null) {
        copy[i] = onError.replace(i, err);
      }
    }
    out.truncate(mark);
    try {
      tryWriteValues(out, copy, 0, copy.length);
    } catch (IOException | RuntimeException e) {
      // values that serialize alone but not together (shared state changing under us): give up on all
      out.truncate(mark);
      Object[] all = new Object[copy.length];
      for (int i = 0; i < all.length; i++) {
        all[i] = onError.replace(i, e instanceof Exception ? (Exception) e : new IOException(e));
      }
      try {
        tryWriteValues(out, all, 0, all.length);
      } catch (IOException ex) {
        throw new IllegalStateException("cannot encode even the failures", ex);
      }
    }
  }

  private void tryWriteValues(Buf out, Object[] values, int from, int count) throws IOException {
    out.writeInt(count);
    int lenAt = out.size();
    long contentAt = out.contentSize();
    out.writeInt(0); // length of the tagged section (spliced arrays included), patched below
    ObjectSection objects = new ObjectSection();
    int end = from + count;
    for (int i = from; i < end; ) {
      Object v = values[i];
      int run = v == null ? 1 : NumberRuns.length(values, i, end, v.getClass());
      if (run >= NumberRuns.MIN_RUN) {
        NumberRuns.write(out, values, i, run);
        i += run;
      } else {
        writeValue(out, v, objects);
        i++;
      }
    }
    long tagged = out.contentSize() - contentAt - 4;
    if (tagged > Integer.MAX_VALUE - 64) {
      throw new IOException("values of " + tagged + " bytes are more than a procpool message can carry (2 GiB)");
    }
    out.putInt(lenAt, (int) tagged);
    objects.appendTo(out);
  }

  /** The JDK-serialized values of one message, written after the tagged ones. */
  private static final class ObjectSection {
    private Buf buf;
    private ObjectOutputStream oos;
    /** Failures written in this message, so that one thrown for every item is written once. */
    private java.util.IdentityHashMap<Throwable, Integer> failures;

    ObjectOutputStream stream() throws IOException {
      if (oos == null) {
        buf = new Buf(256);
        oos = new ObjectOutputStream(buf);
      }
      return oos;
    }

    void appendTo(Buf out) throws IOException {
      if (oos != null) {
        oos.flush();
        out.write(buf.array(), 0, buf.size());
      }
    }
  }

  private void writeValue(Buf out, Object v, ObjectSection objects) throws IOException {
    if (v == null) {
      out.writeByte(NULL);
      return;
    }
    if (v == SKIPPED) {
      out.writeByte(SKIP);
      return;
    }
    Class<?> c = v.getClass();
    if (c == Integer.class) {
      out.writeByte(INT).writeInt((Integer) v);
    } else if (c == Long.class) {
      out.writeByte(LONG).writeLong((Long) v);
    } else if (c == Double.class) {
      out.writeByte(DOUBLE).writeLong(Double.doubleToRawLongBits((Double) v));
    } else if (c == String.class) {
      out.writeByte(STRING).writeString((String) v);
    } else if (c == byte[].class) {
      byte[] b = (byte[]) v;
      out.writeByte(BYTES).writeInt(b.length);
      if (!out.splice(b)) {
        out.write(b, 0, b.length);
      }
    } else if (c == Boolean.class) {
      out.writeByte((Boolean) v ? TRUE : FALSE);
    } else if (c == Calls.Pair.class) {
      Calls.Pair p = (Calls.Pair) v;
      out.writeByte(PAIR);
      writeValue(out, p.first(), objects);
      writeValue(out, p.second(), objects);
    } else if (c == Failure.class) {
      Throwable cause = ((Failure) v).cause();
      if (objects.failures == null) {
        objects.failures = new java.util.IdentityHashMap<>();
      }
      Integer seen = objects.failures.get(cause);
      if (seen != null) {
        out.writeByte(FAILURE_REF).writeInt(seen);
      } else {
        objects.failures.put(cause, objects.failures.size());
        out.writeByte(FAILURE);
        failureCodec.write(out, cause);
      }
    } else if (c == ArrayList.class || c == LIST12 || c == LISTN) {
      List<?> list = (List<?>) v;
      out.writeByte(c == ArrayList.class ? ARRAY_LIST : IMMUTABLE_LIST).writeInt(list.size());
      for (Object e : list) {
        writeValue(out, e, objects);
      }
    } else if (c == long[].class) {
      long[] a = (long[]) v;
      out.writeByte(LONGS).writeInt(a.length);
      for (long x : a) {
        out.writeLong(x);
      }
    } else if (c == int[].class) {
      int[] a = (int[]) v;
      out.writeByte(INTS).writeInt(a.length);
      for (int x : a) {
        out.writeInt(x);
      }
    } else if (c == double[].class) {
      double[] a = (double[]) v;
      out.writeByte(DOUBLES).writeInt(a.length);
      for (double x : a) {
        out.writeLong(Double.doubleToRawLongBits(x));
      }
    } else {
      out.writeByte(OBJECT);
      objects.stream().writeObject(v);
    }
  }

  /**
   * A guess of how many bytes {@code values} take once written, so that a buffer for big payloads
   * is sized once instead of being copied while it grows.
   */
  public static int sizeHint(Object[] values) {
    return sizeHint(values, 0, values.length);
  }

  /** {@link #sizeHint(Object[])} of {@code values[from .. from + count)}. */
  public static int sizeHint(Object[] values, int from, int count) {
    long n = 16L + 10L * count;
    for (int i = from; i < from + count; i++) {
      Object o = values[i];
      if (o instanceof byte[] && ((byte[]) o).length < Buf.SPLICE_MIN) {
        n += ((byte[]) o).length; // longer ones are spliced into the frame, not copied (Buf)
      } else if (o instanceof String) {
        n += ((String) o).length();
      }
    }
    return (int) Math.min(n, Integer.MAX_VALUE - 64);
  }

  /** Returns why {@code v} cannot be encoded on its own, or null if it can. */
  private Exception checkEncodable(Object v) {
    try {
      tryWriteValues(new Buf(64), new Object[] {v}, 0, 1);
      return null;
    } catch (NotSerializableException e) {
      NotSerializableException named =
          new NotSerializableException(
              e.getMessage() + " (a value of type " + v.getClass().getName()
                  + " is not Serializable, or holds a field that is not)");
      named.initCause(e);
      return named;
    } catch (IOException | RuntimeException e) {
      return e;
    }
  }

  /** Reads values written by {@link #writeValues}. An item that cannot be read becomes a {@link Failure}. */
  public Object[] readValues(In in) throws IOException {
    return readValues(in, null, 0, -1);
  }

  /**
   * Reads values written by {@link #writeValues}: when there are exactly {@code expected} of them,
   * into {@code into[at .. at + expected)}, and returns {@code into}; else (or when {@code into}
   * is null) into a new array, which it returns, leaving {@code into} untouched. An item that
   * cannot be read becomes a {@link Failure}.
   *
   * @throws IOException if the message's own framing is corrupt (some slots may then be written)
   */
  public Object[] readValues(In in, Object[] into, int at, int expected) throws IOException {
    int n = in.readInt();
    int taggedLen = in.readInt();
    if (n < 0 || taggedLen < 0) { // the tagged length counts spliced arrays too (not in this body): no upper bound here
      throw new IOException("corrupt values header: " + n + " values, " + taggedLen + " bytes");
    }
    // the tagged length counts the large arrays spliced into it, which a reader may have read apart
    int taggedEnd = in.contentEnd(in.pos, taggedLen);
    Reading r = new Reading(in, taggedEnd);
    Object[] out;
    int base;
    if (into != null && n == expected) {
      out = into;
      base = at;
    } else {
      out = new Object[n];
      base = 0;
    }
    int end = base + n;
    In tagged = in.slice(in.pos, taggedEnd - in.pos);
    for (int i = base; i < end; i++) {
      try {
        int tag = tagged.pos < tagged.end ? tagged.a[tagged.pos] : -1;
        if (NumberRuns.isRun(tag)) {
          tagged.pos++;
          i += NumberRuns.read(tag, tagged, out, i, end) - 1;
          continue;
        }
        out[i] = readValue(tagged, r);
      } catch (ClassNotFoundException | IOException | RuntimeException | LinkageError e) {
        out[i] = new Failure(e);
        if (!(e instanceof ClassNotFoundException)) {
          // the object stream may be out of step now: fail what is left of it with the same error
          for (int j = i + 1; j < end; j++) {
            out[j] = new Failure(e);
          }
          break;
        }
      }
    }
    in.pos = in.end;
    return out;
  }

  /**
   * The state of one {@link #readValues} call beyond its tagged section: where the JDK-serialized
   * objects start (their stream is opened on the first one) and the failures read so far (for
   * {@code FAILURE_REF}); one object per message, the rest only when needed.
   */
  private static final class Reading {
    final byte[] a;
    final int objectsAt;
    final int objectsEnd;
    ObjectInputStream ois;
    List<Failure> failures;

    Reading(In in, int objectsAt) {
      this.a = in.a;
      this.objectsAt = objectsAt;
      this.objectsEnd = in.end;
    }
  }

  private Object readValue(In in, Reading r) throws IOException, ClassNotFoundException {
    int tag = in.readByte();
    switch (tag) {
      case NULL:
        return null;
      case INT:
        return in.readInt();
      case LONG:
        return in.readLong();
      case DOUBLE:
        return Double.longBitsToDouble(in.readLong());
      case STRING:
        return in.readString();
      case BYTES:
        return in.readBytes();
      case TRUE:
        return Boolean.TRUE;
      case FALSE:
        return Boolean.FALSE;
      case SKIP:
        return SKIPPED;
      case ARRAY_LIST:
      case IMMUTABLE_LIST: {
        int n = in.readInt();
        if (n < 0 || n > in.remaining()) {
          throw new IOException("corrupt list length " + n);
        }
        Object[] elements = new Object[n];
        for (int i = 0; i < n; i++) {
          elements[i] = readValue(in, r);
        }
        if (tag == ARRAY_LIST) {
          return new ArrayList<>(Arrays.asList(elements));
        }
        for (Object e : elements) {
          if (e == null) {
            return java.util.Collections.unmodifiableList(Arrays.asList(elements)); // Stream.toList() allows nulls
          }
        }
        return List.of(elements);
      }
      case LONGS: {
        long[] a = new long[checkedLength(in, 8)];
        for (int i = 0; i < a.length; i++) {
          a[i] = in.readLong();
        }
        return a;
      }
      case INTS: {
        int[] a = new int[checkedLength(in, 4)];
        for (int i = 0; i < a.length; i++) {
          a[i] = in.readInt();
        }
        return a;
      }
      case DOUBLES: {
        double[] a = new double[checkedLength(in, 8)];
        for (int i = 0; i < a.length; i++) {
          a[i] = Double.longBitsToDouble(in.readLong());
        }
        return a;
      }
      case PAIR:
        Object first = readValue(in, r);
        Object second = readValue(in, r);
        return new Calls.Pair(first, second);
      case FAILURE: {
        Failure f = new Failure(failureCodec.read(in));
        if (r.failures == null) {
          r.failures = new ArrayList<>();
        }
        r.failures.add(f);
        return f;
      }
      case FAILURE_REF: {
        int ref = in.readInt();
        if (r.failures == null || ref < 0 || ref >= r.failures.size()) {
          throw new IOException("corrupt failure reference " + ref);
        }
        return r.failures.get(ref);
      }
      case OBJECT:
        if (r.ois == null) {
          if (r.objectsAt > r.objectsEnd) {
            throw new IOException("corrupt values: objects at " + r.objectsAt + " past the message's end " + r.objectsEnd);
          }
          r.ois = objects.input(new ByteArrayInputStream(r.a, r.objectsAt, r.objectsEnd - r.objectsAt));
        }
        return r.ois.readObject();
      default:
        throw new IOException("unknown value tag " + tag);
    }
  }

  private static int checkedLength(In in, int width) throws IOException {
    int n = in.readInt();
    if (n < 0 || (long) n * width > in.remaining()) {
      throw new IOException("corrupt array length " + n);
    }
    return n;
  }

  // ------------------------------------------------------------------ single objects

  /** Whether this codec's deserialization filter rejects instances of {@code type}. */
  public boolean rejects(Class<?> type) {
    return objects.rejects(type);
  }

  /** JDK-serializes one object (a function, an initializer, an exception). */
  public byte[] encodeObject(Object o) throws IOException {
    return objects.encode(o);
  }

  /** Deserializes one object written by {@link #encodeObject}, through the class loader and the filter. */
  public Object decodeObject(byte[] bytes) throws IOException, ClassNotFoundException {
    return objects.decode(bytes, 0, bytes.length);
  }
}
