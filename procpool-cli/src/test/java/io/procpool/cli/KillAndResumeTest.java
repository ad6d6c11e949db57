package io.procpool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procpool.cli.fns.Flaky;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command as a real process: killed with SIGKILL, or interrupted with SIGINT (Ctrl-C), midway
 * through 3,000 lines of {@link io.procpool.cli.fns.SlowFlaky} (exceptions, System.exit, sleepers
 * past the timeout), then run again with {@code --resume}. Afterwards the output holds every ok line
 * exactly once, the job log has one line per input line that agrees with the output, the summaries
 * add up, and no worker JVM is left behind.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KillAndResumeTest {
  private static final int LINES = 3_000;

  @TempDir Path dir;

  private List<String> command(Path in, Path out, Path log, String... more) {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path") + File.pathSeparator + Cli.testClasses(),
        "io.procpool.cli.ProcpoolCommand", "run",
        "--class", "io.procpool.cli.fns.SlowFlaky", "--cp", Cli.testClasses(),
        "-i", in.toString(), "-o", out.toString(), "--joblog", log.toString(),
        // 1 s, not less: a worker JVM takes 300-600 ms to die of System.exit, and a shorter timeout
        // reports that item as timed out instead of crashed (see docs/cli.md, known issues)
        "-p", "2", "--timeout", "1s"));
    cmd.addAll(List.of(more));
    return cmd;
  }

  private static Process start(List<String> cmd, Path err) throws IOException {
    return new ProcessBuilder(cmd).redirectErrorStream(false)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(err.toFile()).start();
  }

  private static long entriesIn(Path log) {
    try {
      return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8).size() - 2 : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  @Test
  void sigkillMidwayThenResume() throws Exception {
    Path in = Cli.numbers(dir, 0, LINES);
    Path out = dir.resolve("out.txt");
    Path log = dir.resolve("run.log");
    Process first = start(command(in, out, log), dir.resolve("err1.txt"));
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> entriesIn(log) >= 800);
    List<ProcessHandle> workers = first.descendants().toList();
    first.destroyForcibly(); // SIGKILL
    assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).isEqualTo(137);
    long before = entriesIn(log);
    assertThat(before).as("killed midway").isBetween(800L, LINES - 100L);
    assertThat(workers).isNotEmpty();
    await().atMost(Duration.ofSeconds(10)).until(() -> workers.stream().noneMatch(ProcessHandle::isAlive));

    Cli.Result summary = resumeAndCheck(in, out, log);
    assertThat(summary.err()).contains("procpool: resuming from " + log + ": " + before + " items done before");
  }

  @Test
  void sigintMidwayExits130ThenResume() throws Exception {
    Path in = Cli.numbers(dir, 0, LINES);
    Path out = dir.resolve("out.txt");
    Path log = dir.resolve("run.log");
    // a shell without job control starts background commands with SIGINT ignored, and the JVM keeps
    // it so; perl (part of every Debian) puts the default back before it becomes the JVM
    List<String> cmd = new ArrayList<>(List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die \"exec: $!\""));
    cmd.addAll(command(in, out, log));
    Path err = dir.resolve("err1.txt");
    Process first = start(cmd, err);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> entriesIn(log) >= 600);
    List<ProcessHandle> workers = first.descendants().toList();
    new ProcessBuilder("kill", "-INT", Long.toString(first.pid())).start().waitFor();
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).isEqualTo(130);
    await().atMost(Duration.ofSeconds(10)).until(() -> workers.stream().noneMatch(ProcessHandle::isAlive));

    String firstErr = Files.readString(err);
    assertThat(firstErr).contains("procpool: interrupted: finishing the running items")
        .contains("interrupted: the rest did not run (add --resume to go on)");
    long before = entriesIn(log);
    assertThat(before).isLessThan(LINES);
    String summaryLine = firstErr.lines().filter(l -> l.startsWith("procpool: ") && l.contains(" items in ")).findFirst().orElseThrow();
    assertThat(summaryLine).startsWith("procpool: " + before + " items in ");
    // the interrupted run's output and job log agree already
    assertThat(Cli.lines(out)).hasSize((int) Cli.entries(log).stream().filter(e -> e.status() == Status.OK).count());
    resumeAndCheck(in, out, log);
  }

  /** Resumes in this JVM, then checks output, job log and summary against what Flaky does. */
  private Cli.Result resumeAndCheck(Path in, Path out, Path log) {
    Map<Long, String> earlier = Cli.latestStatus(log);
    List<String> cmd = command(in, out, log, "--resume");
    Cli.Result r = Cli.run(cmd.subList(cmd.indexOf("run"), cmd.size()).toArray(String[]::new));
    assertThat(r.exit()).as(r.err()).isEqualTo(1);

    Map<Long, String> expected = LongStream.range(0, LINES).boxed().collect(Collectors.toMap(n -> n, Flaky::expected));
    List<JobLogEntry> entries = Cli.entries(log);
    assertThat(entries).extracting(JobLogEntry::index).doesNotHaveDuplicates().hasSize(LINES);
    assertThat(Cli.latestStatus(log)).isEqualTo(expected);

    List<String> okLines = LongStream.range(0, LINES).filter(n -> Flaky.expected(n).equals("ok")).mapToObj(n -> "sq=" + n * n).toList();
    List<String> output = Cli.lines(out);
    assertThat(output).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(okLines);
    // the output is in job log order, and every job log line records the output's length at that point
    List<String> okInLogOrder = entries.stream().filter(e -> e.status() == Status.OK).map(e -> "sq=" + e.index() * e.index()).toList();
    assertThat(output).isEqualTo(okInLogOrder);
    assertThat(entries.get(entries.size() - 1).outputEnd()).isEqualTo(out.toFile().length());

    long ranNow = LINES - earlier.size();
    Map<String, Long> now = LongStream.range(0, LINES).filter(n -> !earlier.containsKey(n))
        .mapToObj(Flaky::expected).collect(Collectors.groupingBy(s -> s, Collectors.counting()));
    assertThat(r.err()).contains(String.format("procpool: %d items in ", ranNow))
        .contains(String.format("%d ok, %d failed, %d crashed, %d timed out, 0 retried; %d skipped (done by an earlier run, %d of them not ok)",
            now.getOrDefault("ok", 0L), now.getOrDefault("failed", 0L), now.getOrDefault("crashed", 0L),
            now.getOrDefault("timeout", 0L), earlier.size(), earlier.values().stream().filter(s -> !s.equals("ok")).count()));
    return r;
  }
}
