package io.procpool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

/** The small parts: durations, job log lines, resume plans, the progress bar's text. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UnitsTest {
  @TempDir Path dir;

  @Test
  void durations() {
    assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationConverter.parse("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(DurationConverter.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(DurationConverter.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(DurationConverter.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(DurationConverter.parse("PT3S")).isEqualTo(Duration.ofSeconds(3));
    assertThatThrownBy(() -> DurationConverter.parse("5")).isInstanceOf(TypeConversionException.class);
    assertThatThrownBy(() -> DurationConverter.parse("0s")).isInstanceOf(TypeConversionException.class);
    assertThatThrownBy(() -> DurationConverter.parse("-PT1S")).isInstanceOf(TypeConversionException.class);
  }

  @Test
  void jobLogLinesRoundTrip() {
    JobLogEntry ok = new JobLogEntry(12, Status.OK, 3, 120, "");
    assertThat(ok.format()).isEqualTo("12\tok\t3\t120\t");
    assertThat(JobLogEntry.parse(ok.format())).isEqualTo(ok);
    JobLogEntry failed = new JobLogEntry(7, Status.CRASHED, -1, 40, "exited\twith\ncode 3");
    assertThat(failed.format()).isEqualTo("7\tcrashed\t-\t40\texited with code 3");
    assertThat(JobLogEntry.oneLine("x".repeat(1000))).hasSize(JobLogEntry.MAX_ERROR).endsWith("...");
    assertThatThrownBy(() -> JobLogEntry.parse("7\tok")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JobLogEntry.parse("7\tdone\t1\t2\t")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void resumePlanKeepsTheLatestStatusPerItem() throws IOException {
    Path log = Files.writeString(dir.resolve("log"), JobLogEntry.MAGIC + "\n" + JobLogEntry.COLUMNS + "\n"
        + "0\tok\t1\t2\t\n1\tfailed\t-\t2\tboom\n2\ttimeout\t-\t2\tslow\n1\tok\t1\t4\t\n3\tcrashed\t-\t4\texit\n");
    Path out = Files.writeString(dir.resolve("out"), "0\n1\n");
    ResumePlan all = ResumePlan.read(log, out, false);
    assertThat(all.done().stream()).containsExactly(0, 1, 2, 3);
    assertThat(all.previous()).containsEntry(Status.OK, 2).containsEntry(Status.TIMEOUT, 1).containsEntry(Status.CRASHED, 1)
        .doesNotContainKey(Status.FAILED);
    ResumePlan okOnly = ResumePlan.read(log, out, true);
    assertThat(okOnly.done().stream()).containsExactly(0, 1);
    assertThat(okOnly.outputDropped()).isZero();
  }

  @Test
  void resumePlanWithATornHeader() throws IOException {
    Path log = Files.writeString(dir.resolve("log"), "# procpool jo");
    Path out = Files.writeString(dir.resolve("out"), "");
    ResumePlan p = ResumePlan.read(log, out, false);
    assertThat(p.skipped()).isZero();
    assertThat(p.joblogKeep()).isZero();
    assertThat(p.joblogTorn()).isEqualTo(13);
  }

  @Test
  void progressBarText() {
    assertThat(ProgressBar.render(450, 2, 1000, 2_000_000_000L))
        .isEqualTo("[##########..............] 450/1000   45%  225.0/s  ETA 0:02  (2 not ok)");
    assertThat(ProgressBar.render(0, 0, 10, 0)).isEqualTo("[........................] 0/10    0%  0.0/s  ETA -:--");
    assertThat(ProgressBar.render(30, 0, -1, 3_000_000_000L)).isEqualTo("30 done  10.0/s  0:03");
  }
}
