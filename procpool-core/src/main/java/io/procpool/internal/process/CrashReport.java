package io.procpool.internal.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a worker's death means, in words: the exit code or signal, what the worker said before it
 * went, running out of memory, a JVM crash (its banner and crash log), and its last lines of output.
 * Transport-free: it reads an exit code and output lines, wherever they came from. Stateless;
 * thread-safe.
 */
final class CrashReport {
  /** The signal line of a HotSpot crash banner: {@code #  SIGSEGV (0xb) at pc=...}. */
  private static final Pattern JVM_CRASH = Pattern.compile("^#\\s+(SIG[A-Z]+) \\(0x");
  /** How many of the last output lines a report quotes, per stream. */
  private static final int LINES = 20;

  private CrashReport() {}

  /**
   * Describes how worker {@code label} (process {@code pid}) ended.
   *
   * @param code its exit code (above 128: killed by signal {@code code - 128}; negative: unknown)
   * @param note what the worker said as it exited, or null
   * @param when appended after the cause, e.g. {@code " while running this task"}
   * @param stderr its last stderr lines
   * @param stdout its last stdout lines (where the JVM's crash banner goes)
   */
  static String describe(String label, long pid, int code, String note, String when, List<String> stderr,
      List<String> stdout) {
    StringBuilder s = new StringBuilder(label);
    if (code > 128 && code < 128 + 65) {
      int sig = code - 128;
      s.append(" was killed by signal ").append(sig).append(" (").append(signalName(sig)).append(")");
    } else if (code >= 0) {
      s.append(" exited with code ").append(code);
    } else {
      s.append(" lost its connection to the pool");
    }
    s.append(when);
    if (note != null) {
      s.append("; ").append(note);
    }
    for (String l : stderr) {
      if (l.contains("java.lang.OutOfMemoryError")) {
        s.append("; it ran out of memory");
        break;
      }
    }
    for (String l : stdout) {
      Matcher m = JVM_CRASH.matcher(l);
      if (m.find()) {
        s.append("; the JVM crashed on ").append(m.group(1)).append(" (native code, JNI or a JVM bug)");
        break;
      }
    }
    Path crashLog = crashLog(pid);
    if (Files.exists(crashLog)) {
      s.append("; JVM crash log: ").append(crashLog);
    }
    s.append(lastLines(stderr, stdout));
    return s.toString();
  }

  /** Where a worker JVM writes its crash log ({@code -XX:ErrorFile}, set by {@link WorkerLauncher}). */
  static Path crashLog(long pid) {
    return Paths.get(System.getProperty("java.io.tmpdir"), "procpool-worker-hs_err-" + pid + ".log");
  }

  /** The last stderr lines, then the last stdout lines, each under a heading; empty if there are none. */
  static String lastLines(List<String> stderr, List<String> stdout) {
    return lastLines("stderr", stderr) + lastLines("stdout", stdout);
  }

  private static String lastLines(String stream, List<String> lines) {
    if (lines.isEmpty()) {
      return "";
    }
    int from = Math.max(0, lines.size() - LINES);
    return "\n  its last " + stream + " lines:\n    " + String.join("\n    ", lines.subList(from, lines.size()));
  }

  /** The name of signal {@code sig}, with what usually sends it. */
  static String signalName(int sig) {
    switch (sig) {
      case 1: return "SIGHUP";
      case 2: return "SIGINT";
      case 3: return "SIGQUIT";
      case 4: return "SIGILL";
      case 6: return "SIGABRT, e.g. a JVM crash in native code";
      case 7: return "SIGBUS";
      case 8: return "SIGFPE";
      case 9: return "SIGKILL, e.g. kill -9 or the kernel's OOM killer";
      case 11: return "SIGSEGV";
      case 13: return "SIGPIPE";
      case 15: return "SIGTERM";
      default: return "signal " + sig;
    }
  }
}
