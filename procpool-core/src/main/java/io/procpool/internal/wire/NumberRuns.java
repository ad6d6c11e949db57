package io.procpool.internal.wire;

import java.io.IOException;

/**
 * Runs of boxed numbers in a message: four or more consecutive Longs, Integers or Doubles at the
 * top level of a {@link WireCodec} message go as one tag, a count and the raw numbers (a map of a
 * million Longs then costs 8 bytes per item, not 9, and no per-item branch on the reading side).
 * Stateless; thread-safe.
 */
public final class NumberRuns {
  /** Top level only: a run of {@code int count} consecutive Longs / Integers / Doubles, untagged. */
  public static final int LONG_RUN = 18;
  public static final int INT_RUN = 19;
  public static final int DOUBLE_RUN = 20;
  /** Shorter runs of one boxed type are written value by value. */
  public static final int MIN_RUN = 4;

  private NumberRuns() {}

  /** Whether {@code tag} starts a run. */
  public static boolean isRun(int tag) {
    return tag == LONG_RUN || tag == INT_RUN || tag == DOUBLE_RUN;
  }

  /**
   * How many values from {@code from} on, before {@code end}, are of {@code type}, if it is Long,
   * Integer or Double; else 1.
   */
  public static int length(Object[] values, int from, int end, Class<?> type) {
    if (type != Long.class && type != Integer.class && type != Double.class) {
      return 1;
    }
    int i = from + 1;
    while (i < end && values[i] != null && values[i].getClass() == type) {
      i++;
    }
    return i - from;
  }

  public static void write(Buf out, Object[] values, int from, int count) {
    Class<?> type = values[from].getClass();
    if (type == Long.class) {
      out.writeByte(LONG_RUN).writeInt(count);
      out.ensure(8 * count);
      for (int i = from; i < from + count; i++) {
        out.writeLong((Long) values[i]);
      }
    } else if (type == Integer.class) {
      out.writeByte(INT_RUN).writeInt(count);
      out.ensure(4 * count);
      for (int i = from; i < from + count; i++) {
        out.writeInt((Integer) values[i]);
      }
    } else {
      out.writeByte(DOUBLE_RUN).writeInt(count);
      out.ensure(8 * count);
      for (int i = from; i < from + count; i++) {
        out.writeLong(Double.doubleToRawLongBits((Double) values[i]));
      }
    }
  }

  /** Reads a run written by {@link #write} into {@code out[from .. end)}; returns its length. */
  public static int read(int tag, In in, Object[] out, int from, int end) throws IOException {
    int count = in.readInt();
    if (count < 1 || count > end - from) {
      throw new IOException("corrupt run of " + count + " values at slot " + from + " of a message ending at " + end);
    }
    for (int i = from; i < from + count; i++) {
      if (tag == LONG_RUN) {
        out[i] = in.readLong();
      } else if (tag == INT_RUN) {
        out[i] = in.readInt();
      } else {
        out[i] = Double.longBitsToDouble(in.readLong());
      }
    }
    return count;
  }
}
