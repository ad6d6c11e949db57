package io.procpool.behaviour;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.AbstractCollection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The helpers of CPython's {@code _test_multiprocessing.py}, in Java. Every method that a task
 * calls is static, so that worker JVMs can run it (they get the test class path).
 */
final class Fixtures {
  private Fixtures() {}

  // ------------------------------------------------------------------ task functions

  /** {@code sqr(x)}. */
  static int sqr(int x) {
    return x * x;
  }

  /** {@code sqr(x, wait)}: sleeps {@code waitMillis} (simulated work), then squares. */
  static int sqr(int x, long waitMillis) throws InterruptedException {
    Thread.sleep(waitMillis);
    return x * x;
  }

  /** {@code mul(x, y)}. */
  static int mul(int x, int y) {
    return x * y;
  }

  /** {@code identity(x)}. */
  /** A payload of {@code mib} MiB whose bytes depend on {@code seed} and their position. */
  static byte[] payload(int seed, int mib) {
    byte[] b = new byte[mib << 20];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (seed * 31 + i * 7 + (i >>> 16));
    }
    return b;
  }

  /** The payload reversed (so that a worker returns different bytes of the same size). */
  /** Even items: a 100 KiB array (large enough to travel apart from its message); odd ones: a JDK-serialized object. */
  static Object bigArrayOrObject(int i) {
    if (i % 2 == 0) {
      byte[] b = new byte[100 * 1024];
      java.util.Arrays.fill(b, (byte) i);
      return b;
    }
    return java.math.BigInteger.valueOf(i).pow(20);
  }

  static Object same(Object x) {
    return x;
  }

  static byte[] reversed(byte[] b) {
    byte[] r = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      r[i] = b[b.length - 1 - i];
    }
    return r;
  }

  static <T> T identity(T x) {
    return x;
  }

  /** Squares, except that item 3 fails with an {@link ArithmeticException}. */
  static int failAt3(int x) {
    if (x == 3) {
      throw new ArithmeticException("item 3 failed");
    }
    return x * x;
  }

  /** Items 2 and 5 fail; item 2 only after 300 ms, so item 5 fails first in time. */
  static int failAt2SlowlyAnd5(int x) throws InterruptedException {
    if (x == 2) {
      Thread.sleep(300);
      throw new ArithmeticException("item 2 failed");
    }
    if (x == 5) {
      throw new ArithmeticException("item 5 failed");
    }
    return x;
  }

  /** {@code raise_large_valuerror(wait)}: a 1 MiB message after {@code waitSeconds}. */
  static Object raiseLargeValueError(int waitSeconds) throws InterruptedException {
    Thread.sleep(waitSeconds * 1000L);
    throw new IllegalArgumentException("x".repeat(1 << 20));
  }

  /** CPython #20's {@code raise RuntimeError(123) # some comment}. */
  static Object raiseRuntime123() {
    throw new RuntimeException("123"); // some comment
  }

  /** CPython #26's {@code raise KeyError("key")}; Java's "missing key" is NoSuchElementException. */
  static Object raiseKeyError() {
    throw new NoSuchElementException("key");
  }

  /** Returns a value that cannot be serialized (CPython #27 returns a lambda). */
  static Object unserializableResult() {
    return new Unserializable();
  }

  /** The worker's pid and the square: {@code [x*x, pid]} (List.of is serializable). */
  static List<Long> sqrAndPid(int x) {
    return List.of((long) x * x, ProcessHandle.current().pid());
  }

  // ------------------------------------------------------------------ inputs

  static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }

  static List<Integer> squares(int n) {
    return IntStream.range(0, n).map(Fixtures::sqr).boxed().collect(Collectors.toList());
  }

  /** {@code zip(range(n), range(n - 1, -1, -1))} as entries. */
  static List<Map.Entry<Integer, Integer>> pairs(int n) {
    return IntStream.range(0, n).mapToObj(i -> Map.entry(i, n - 1 - i)).collect(Collectors.toList());
  }

  /** {@code [mul(a, b) for a, b in pairs(n)]}, computed serially. */
  static List<Integer> products(int n) {
    return pairs(n).stream().map(e -> mul(e.getKey(), e.getValue())).collect(Collectors.toList());
  }

  /** CPython's {@code SayWhenError}. */
  static final class SayWhenError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SayWhenError() {
      super("Somebody said when");
    }
  }

  /**
   * CPython's {@code exception_throwing_generator(total, when)}: yields {@code 0..total-1} and
   * throws {@link SayWhenError} when it reaches {@code when} ({@code -1}: before the first item).
   */
  static Iterable<Integer> exceptionThrowingGenerator(int total, int when) {
    return () -> new Iterator<>() {
      private int i;

      @Override
      public boolean hasNext() {
        if (when == -1 || i == when) {
          throw new SayWhenError();
        }
        return i < total;
      }

      @Override
      public Integer next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return i++;
      }
    };
  }

  /** CPython #9's {@code SpecialIterable}: claims one element, but iterating it throws. */
  static AbstractCollection<Integer> specialIterable() {
    return new AbstractCollection<>() {
      @Override
      public Iterator<Integer> iterator() {
        return exceptionThrowingGenerator(1, -1).iterator();
      }

      @Override
      public int size() {
        return 1;
      }
    };
  }

  /** CPython's {@code CountedObject}; the test counts live instances with weak references. */
  static final class CountedObject implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** Not serializable (CPython's unpicklable {@code A}). */
  static final class Unserializable {
    @Override
    public String toString() {
      return "Unserializable";
    }
  }

  /** Serializable by type, but its serialization fails (CPython's {@code A.__reduce__} raising). */
  static final class FailsToSerialize implements Serializable {
    private static final long serialVersionUID = 1L;

    private void writeObject(ObjectOutputStream out) throws IOException {
      throw new RuntimeException("cannot pickle");
    }
  }

  // ------------------------------------------------------------------ cross-process signals

  /** Creates {@code dir/name}; tasks use it to say "I have started" to the test thread. */
  static void touch(String dir, String name) throws IOException {
    Files.write(Path.of(dir, name), new byte[0]);
  }

  /** An endless input 0, 1, 2, ... that counts in {@code pulled} how many items were read. */
  static Iterable<Integer> naturalsCounted(java.util.concurrent.atomic.AtomicInteger pulled) {
    return () -> new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Integer next() {
        return pulled.getAndIncrement();
      }
    };
  }

  /** Appends a line to a file (the initializer's log). */
  static void appendLine(String file, String line) throws IOException {
    Files.writeString(
        Path.of(file), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /**
   * A task that marks itself started ({@code dir/started-<x>}), then waits, polling inside the
   * task, until {@code dir/release} exists (at most 30 s), and returns {@code x}.
   */
  static int blockUntilReleased(String dir, int x) throws IOException, InterruptedException {
    touch(dir, "started-" + x);
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!Files.exists(Path.of(dir, "release")) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return x;
  }

  /** A task that marks itself started, then sleeps {@code millis}. */
  static Object markThenSleep(String dir, int x, long millis) throws IOException, InterruptedException {
    touch(dir, "started-" + x);
    Thread.sleep(millis);
    return x;
  }

  /** How many files in {@code dir} start with {@code prefix}. */
  static long countFiles(Path dir, String prefix) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix)).count();
    }
  }
}
