package io.procpool.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/** Process helpers for tests: liveness that treats zombies as dead, and signals. */
public final class Processes {
  private Processes() {}

  /** Whether {@code pid} runs: it exists and is not a zombie (PID 1 here does not reap orphans). */
  public static boolean isAlive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      int close = stat.lastIndexOf(')');
      return stat.charAt(close + 2) != 'Z';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  public static List<Long> alive(Collection<Long> pids) {
    return pids.stream().filter(Processes::isAlive).collect(Collectors.toList());
  }

  /** Sends {@code signal} (e.g. "KILL") to {@code pid} with kill(1). */
  public static void signal(long pid, String signal) {
    try {
      Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
      p.waitFor();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The java executable running this JVM. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * Runs {@code cmd} to its end (at most 60 s), checks that it exited with 0 and returns its
   * stdout and stderr together.
   */
  public static String runToEnd(List<String> cmd) throws IOException, InterruptedException {
    return runToEnd(cmd, java.util.Map.of());
  }

  /**
   * As {@link #runToEnd(List)}, with these changes to the environment (a null value removes the
   * variable).
   */
  public static String runToEnd(List<String> cmd, java.util.Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
    env.forEach((k, v) -> {
      if (v == null) {
        b.environment().remove(k);
      } else {
        b.environment().put(k, v);
      }
    });
    Process p = b.start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("did not end in 60 s: " + cmd + "\n" + out);
    }
    if (p.exitValue() != 0) {
      throw new AssertionError("exit code " + p.exitValue() + ": " + cmd + "\n" + out);
    }
    return out;
  }
}
