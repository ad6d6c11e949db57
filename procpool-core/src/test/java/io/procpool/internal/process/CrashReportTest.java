package io.procpool.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a worker's death is reported as, from an exit code and output lines alone. */
class CrashReportTest {
  private static final long NO_SUCH_PID = -77;

  @Test
  void aSignalIsNamedWithWhatUsuallySendsIt() {
    String s = CrashReport.describe("worker-3 (pid 99)", NO_SUCH_PID, 128 + 9, null, " while running this task",
        List.of(), List.of());
    assertThat(s).isEqualTo("worker-3 (pid 99) was killed by signal 9 (SIGKILL, e.g. kill -9 or the kernel's OOM killer)"
        + " while running this task");
  }

  @Test
  void anExitCodeTheWorkersNoteAndItsLastLinesAreKept() {
    String s = CrashReport.describe("worker-1 (pid 5)", NO_SUCH_PID, 3, "the task called System.exit", "",
        List.of("line a", "line b"), List.of());
    assertThat(s).startsWith("worker-1 (pid 5) exited with code 3; the task called System.exit")
        .endsWith("\n  its last stderr lines:\n    line a\n    line b");
  }

  @Test
  void outOfMemoryAndAJvmCrashBannerAreRecognised() {
    String s = CrashReport.describe("w", NO_SUCH_PID, 134, null, "",
        List.of("Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space"),
        List.of("# A fatal error has been detected by the Java Runtime Environment:", "#  SIGSEGV (0xb) at pc=0x1"));
    assertThat(s).contains("signal 6 (SIGABRT").contains("; it ran out of memory")
        .contains("; the JVM crashed on SIGSEGV (native code, JNI or a JVM bug)").contains("its last stdout lines");
  }

  @Test
  void anUnknownExitIsALostConnection() {
    assertThat(CrashReport.describe("w", NO_SUCH_PID, -1, null, "", List.of(), List.of()))
        .isEqualTo("w lost its connection to the pool");
  }

  @Test
  void onlyTheLastTwentyLinesAreQuoted() {
    List<String> lines = new java.util.ArrayList<>();
    for (int i = 0; i < 30; i++) {
      lines.add("l" + i);
    }
    String s = CrashReport.lastLines(lines, List.of());
    assertThat(s).doesNotContain("l9\n").contains("l10").contains("l29");
  }
}
