package io.procpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.cli.fns.Flaky;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code procpool run} driven in this JVM through picocli, as a user would type it. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RunTest {
  private static final String SQUARE = "io.procpool.cli.fns.Square";
  private static final String FLAKY = "io.procpool.cli.fns.Flaky";

  @TempDir Path dir;

  @Test
  void stdinToStdout() {
    Cli.Result r = Cli.runWithInput("1\n2\n3\n", "run", "--class", SQUARE, "--cp", Cli.testClasses(), "-p", "1");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("1\n4\n9\n");
    assertThat(r.err()).contains("procpool: 3 items in ").contains("3 ok, 0 failed, 0 crashed, 0 timed out, 0 retried");
  }

  @Test
  void startupCacheIsAcceptedAndNeverInTheWay() {
    // the test classes are a directory, from which HotSpot cannot archive: the run goes on without one
    Cli.Result r = Cli.runWithInput("1\n2\n3\n", "run", "--class", SQUARE, "--cp", Cli.testClasses(), "-p", "1",
        "--startup-cache", dir.resolve("cds").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("1\n4\n9\n");
  }

  @Test
  void fileToFileWithJobLog() throws IOException {
    Path in = Cli.numbers(dir, 0, 200);
    Path out = dir.resolve("out.txt");
    Path log = dir.resolve("run.log");
    Cli.Result r = Cli.run("run", "--class", SQUARE, "--cp", Cli.testClasses(), "-i", in.toString(), "-o", out.toString(),
        "--joblog", log.toString(), "-p", "2", "--chunksize", "8");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Cli.lines(out)).isEqualTo(LongStream.range(0, 200).mapToObj(n -> Long.toString(n * n)).toList());
    List<String> logLines = Cli.lines(log);
    assertThat(logLines.get(0)).isEqualTo("# procpool job log 1");
    assertThat(logLines.get(1)).isEqualTo("index\tstatus\tmillis\toutput_end\terror");
    List<JobLogEntry> entries = Cli.entries(log);
    assertThat(entries).extracting(JobLogEntry::index).containsExactlyElementsOf(LongStream.range(0, 200).boxed().toList());
    assertThat(entries).allMatch(e -> e.status() == Status.OK && e.millis() >= 0);
    assertThat(entries.get(199).outputEnd()).isEqualTo(Files.size(out));
    assertThat(r.out()).isEmpty();
  }

  /** Every status: thrown exceptions, System.exit in the task, and a sleeper past the timeout. */
  @Test
  void failuresCrashesAndTimeouts() throws IOException {
    Path in = Cli.numbers(dir, 0, 520);
    Path out = dir.resolve("out.txt");
    Path log = dir.resolve("run.log");
    Cli.Result r = Cli.run("run", "--class", FLAKY, "--cp", Cli.testClasses(), "-i", in.toString(), "-o", out.toString(),
        "--joblog", log.toString(), "-p", "2", "--timeout", "1s");
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    Map<Long, String> expected = LongStream.range(0, 520).boxed().collect(Collectors.toMap(n -> n, Flaky::expected));
    assertThat(Cli.latestStatus(log)).isEqualTo(expected);
    assertThat(Cli.lines(out)).isEqualTo(
        LongStream.range(0, 520).filter(n -> Flaky.expected(n).equals("ok")).mapToObj(n -> "sq=" + n * n).toList());
    // 0, 97, ..., 485 failed (6); 7 and 507 crashed; 13 timed out
    assertThat(r.err()).contains("procpool: 520 items in ").contains("511 ok, 6 failed, 2 crashed, 1 timed out, 0 retried");
    assertThat(r.err()).contains("procpool: line 97: failed: java.lang.IllegalArgumentException: no good: 97");
    assertThat(r.err()).contains("procpool: line 7: crashed: worker-").contains("exited with code 3");
    assertThat(r.err()).contains("procpool: line 13: timeout: the task ran longer than the task timeout of 1000 ms");
    assertThat(Cli.entries(log)).filteredOn(e -> e.index() == 97).singleElement()
        .satisfies(e -> assertThat(e.error()).isEqualTo("java.lang.IllegalArgumentException: no good: 97"));
  }

  @Test
  void retriesAreCounted() throws IOException {
    Path in = Cli.numbers(dir, 5, 9); // 7 calls System.exit every time
    Cli.Result r = Cli.run("run", "--class", FLAKY, "--cp", Cli.testClasses(), "-i", in.toString(), "-p", "2", "--retries", "1");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEqualTo("sq=25\nsq=36\nsq=64\n");
    assertThat(r.err()).contains("3 ok, 0 failed, 1 crashed, 0 timed out, 1 retried");
  }

  @Test
  void unorderedWritesEveryResultOnceAndNamesFailuresByTheirLine() throws IOException {
    Path in = Cli.numbers(dir, 100, 520); // 194, 291, 388, 485 fail; 507 crashes
    Path out = dir.resolve("out.txt");
    Path log = dir.resolve("run.log");
    Cli.Result r = Cli.run("run", "--class", FLAKY, "--cp", Cli.testClasses(), "-i", in.toString(), "-o", out.toString(),
        "--joblog", log.toString(), "--unordered", "-p", "2", "--chunksize", "3");
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    // a crash fails its whole chunk: 507 takes 505 and 506 (lines 405-407, one chunk of 3) with it
    Map<Long, String> expected = LongStream.range(100, 520).boxed()
        .collect(Collectors.toMap(n -> n - 100, n -> n == 505 || n == 506 ? "crashed" : Flaky.expected(n)));
    List<String> ok = LongStream.range(100, 520).filter(n -> expected.get(n - 100).equals("ok")).mapToObj(n -> "sq=" + n * n).toList();
    assertThat(Cli.lines(out)).containsExactlyInAnyOrderElementsOf(ok);
    assertThat(Cli.latestStatus(log)).isEqualTo(expected);
    assertThat(r.err()).contains("procpool: line 94: failed: java.lang.IllegalArgumentException: no good: 194");
  }

  @Test
  void workerOutputGoesToStderrNotToTheResults() {
    Cli.Result r = Cli.runWithInput("a\nb\n", "run", "--class", "io.procpool.cli.fns.Chatty", "--cp", Cli.testClasses(), "-p", "1");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo("A\nB\n");
    assertThat(r.err()).contains("[worker-1] chatty saw a").contains("[worker-1] chatty saw b");
  }

  /**
   * The state a crash can leave: output lines whose job log line was never written, and a torn
   * last job log line. Resume cuts both off and runs those items again, so nothing is doubled.
   */
  @Test
  void resumeRepairsATornTail() throws IOException {
    Path in = Cli.numbers(dir, 0, 100);
    Path out = dir.resolve("out.txt");
    Path log = dir.resolve("run.log");
    String[] args = {"run", "--class", SQUARE, "--cp", Cli.testClasses(), "-i", in.toString(), "-o", out.toString(),
        "--joblog", log.toString(), "-p", "2"};
    assertThat(Cli.run(args).exit()).isZero();
    List<String> logLines = Cli.lines(log);
    // keep the job log up to index 59 and a torn half of the line for 60; the output keeps 0..79 and half a line
    String kept = String.join("\n", logLines.subList(0, 2 + 60)) + "\n" + logLines.get(62).substring(0, 4);
    Files.writeString(log, kept);
    List<String> outLines = Cli.lines(out);
    Files.writeString(out, String.join("\n", outLines.subList(0, 80)) + "\n" + "12");

    Cli.Result r = Cli.run(append(args, "--resume"));
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("resuming from " + log + ": 60 items done before (job log: 60 ok)")
        .contains("cut 102 bytes off the output that the job log does not confirm")
        .contains("cut a torn last line (4 bytes) off the job log")
        .contains("40 items in").contains("40 ok").contains("60 skipped");
    assertThat(Cli.lines(out)).isEqualTo(LongStream.range(0, 100).mapToObj(n -> Long.toString(n * n)).toList());
    assertThat(Cli.entries(log)).extracting(JobLogEntry::index).containsExactlyElementsOf(LongStream.range(0, 100).boxed().toList());
    assertThat(Cli.entries(log).get(99).outputEnd()).isEqualTo(Files.size(out));
  }

  @Test
  void resumeSkipsEverythingRecordedAndResumeFailedRerunsFailures() throws IOException {
    Path in = Cli.numbers(dir, 90, 100); // line 7 holds 97, which fails
    Path out = dir.resolve("out.txt");
    Path log = dir.resolve("run.log");
    String[] args = {"run", "--class", FLAKY, "--cp", Cli.testClasses(), "-i", in.toString(), "-o", out.toString(),
        "--joblog", log.toString(), "-p", "1"};
    assertThat(Cli.run(args).exit()).isEqualTo(1);
    assertThat(Cli.lines(out)).hasSize(9);

    Cli.Result again = Cli.run(append(args, "--resume"));
    assertThat(again.exit()).as("the job still has a failed item").isEqualTo(1);
    assertThat(again.err()).contains("0 items in").contains("10 skipped (done by an earlier run, 1 of them not ok)");

    Cli.Result failedAgain = Cli.run(append(args, "--resume-failed"));
    assertThat(failedAgain.exit()).isEqualTo(1);
    assertThat(failedAgain.err()).contains("1 items in").contains("0 ok, 1 failed").contains("9 skipped (done by an earlier run)");
    assertThat(Cli.lines(out)).hasSize(9).doesNotHaveDuplicates();
    assertThat(Cli.entries(log)).filteredOn(e -> e.index() == 7).hasSize(2).allMatch(e -> e.status() == Status.FAILED);
  }

  @Test
  void resumeWithoutAnEarlierRunStartsFromTheBeginning() throws IOException {
    Path in = Cli.numbers(dir, 0, 5);
    Path out = dir.resolve("out.txt");
    Path log = dir.resolve("run.log");
    Cli.Result r = Cli.run("run", "--class", SQUARE, "--cp", Cli.testClasses(), "-i", in.toString(), "-o", out.toString(),
        "--joblog", log.toString(), "--resume", "-p", "1");
    assertThat(r.exit()).isZero();
    assertThat(Cli.lines(out)).containsExactly("0", "1", "4", "9", "16");
  }

  @Test
  void aFreshRunEmptiesTheOutputAndJobLog() throws IOException {
    Path in = Cli.numbers(dir, 0, 3);
    Path out = Files.writeString(dir.resolve("out.txt"), "old\nstuff\n");
    Path log = Files.writeString(dir.resolve("run.log"), "old log\n");
    Cli.Result r = Cli.run("run", "--class", SQUARE, "--cp", Cli.testClasses(), "-i", in.toString(), "-o", out.toString(),
        "--joblog", log.toString(), "-p", "1");
    assertThat(r.exit()).isZero();
    assertThat(Cli.lines(out)).containsExactly("0", "1", "4");
    assertThat(Cli.entries(log)).hasSize(3);
  }

  /** A class that is only in a jar given with --jar: found by the command and by the workers. */
  @Test
  void classFromAJar() throws IOException {
    Path jar = TestJars.compile(dir, "com.example.Shout", """
        package com.example;
        public class Shout implements io.procpool.SerializableFunction<String, String> {
          public String apply(String s) { return s.toUpperCase() + "!"; }
        }
        """);
    Cli.Result r = Cli.runWithInput("hi\nyo\n", "run", "--class", "com.example.Shout", "--jar", jar.toString(), "-p", "1");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("HI!\nYO!\n");
  }

  private static String[] append(String[] args, String... more) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
