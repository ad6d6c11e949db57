package io.procpool.behaviour;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.Pool;
import io.procpool.ResultIterator;
import io.procpool.SerializableRunnable;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * What the behaviour suites share: the backend hooks a concrete test class implements, the pool
 * shared by a test class (CPython's {@code setUpClass}: {@code Pool(4)}), and small helpers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = SECONDS)
abstract class PoolSuiteSupport {
  static final Duration LONG = Duration.ofSeconds(30);

  /** The shared pool, CPython's {@code cls.pool = cls.Pool(4)}. */
  protected Pool pool;

  /** A new running pool of this backend. */
  protected abstract Pool newPool(int processes);

  /** A new running pool of this backend whose workers run {@code initializer} first. */
  protected abstract Pool newPool(int processes, SerializableRunnable initializer);

  /** A builder of this backend, for the settings every builder has ({@link io.procpool.PoolBuilder}). */
  protected abstract io.procpool.PoolBuilder<?> newBuilder();

  /** The backend's name for {@link PoolChildMain}: {@code process} or {@code thread}. */
  protected abstract String backend();

  /**
   * Asserts that {@code p} (running, idle) has exactly {@code n} live workers, as far as the
   * backend can tell.
   */
  protected abstract void assertLiveWorkers(Pool p, int n) throws Exception;

  /** What else to check once the #31 child has exited (its workers, for processes). */
  protected abstract void afterUnclosedChildExit(String childOutput) throws Exception;

  @BeforeAll
  void setUpClass() {
    pool = newPool(4);
  }

  @AfterAll
  void tearDownClass() {
    if (pool != null) {
      pool.terminate();
      pool.join();
    }
  }

  // ================================================================== helpers

  static <R> List<R> drain(ResultIterator<R> it) {
    try (it) {
      List<R> out = new ArrayList<>();
      while (it.hasNext()) {
        out.add(it.next());
      }
      return out;
    }
  }

  static Throwable catchThrown(Runnable call) {
    try {
      call.run();
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected an exception");
  }

  /** The exit status and the output (stdout and stderr) of a {@link PoolChildMain} run. */
  static final class ChildResult {
    final int exitCode;
    final String output;

    ChildResult(int exitCode, String output) {
      this.exitCode = exitCode;
      this.output = output;
    }
  }

  /** Runs {@link PoolChildMain} in a new JVM (stdin from /dev/null if asked), at most 45 s. */
  ChildResult runChild(boolean nullStdin, String mode) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(
        java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        PoolChildMain.class.getName(), backend(), mode);
    Path out = Files.createTempFile("procpool-child-", ".out");
    pb.redirectErrorStream(true).redirectOutput(out.toFile());
    if (nullStdin) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    Process child = pb.start();
    try {
      boolean exited = child.waitFor(45, SECONDS);
      String output = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(exited).as("child exited within 45 s; output: %s", output).isTrue();
      return new ChildResult(child.exitValue(), output);
    } finally {
      child.destroyForcibly();
      Files.deleteIfExists(out);
    }
  }

  /** Parses {@code PIDS [1, 2]} printed by {@link PoolChildMain}. */
  static List<Long> parsePids(String output) {
    for (String line : output.split("\\R")) {
      if (line.startsWith("PIDS [")) {
        String inner = line.substring("PIDS [".length(), line.length() - 1);
        return Arrays.stream(inner.split(",")).map(String::trim).map(Long::parseLong).collect(Collectors.toList());
      }
    }
    throw new AssertionError("no PIDS line in: " + output);
  }
}
