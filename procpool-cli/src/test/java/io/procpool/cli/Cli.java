package io.procpool.cli;

import io.procpool.cli.fns.Flaky;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/** Runs the command in this JVM as a user would type it, and reads its files. */
final class Cli {
  private Cli() {}

  /**
   * What a run printed and returned.
   *
   * @param exit the exit code
   * @param out stdout
   * @param err stderr
   */
  record Result(int exit, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  static Result run(String... args) {
    return runWithInput("", args);
  }

  static Result runWithInput(String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    ProcpoolCommand command = new ProcpoolCommand(in, new PrintWriter(out, true), new PrintWriter(err, true), false, false);
    int exit = ProcpoolCommand.commandLine(command).execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  /** The directory of the test classes (where the test functions are), for --cp. */
  static String testClasses() {
    try {
      return Path.of(Flaky.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path numbers(Path dir, long from, long toExclusive) throws IOException {
    Path file = dir.resolve("numbers-" + from + "-" + toExclusive + ".txt");
    Files.writeString(file, LongStream.range(from, toExclusive).mapToObj(Long::toString).collect(Collectors.joining("\n", "", "\n")));
    return file;
  }

  static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The job log's entries, in file order. */
  static List<JobLogEntry> entries(Path joblog) {
    List<String> lines = lines(joblog);
    List<JobLogEntry> entries = new ArrayList<>();
    for (String line : lines.subList(2, lines.size())) {
      entries.add(JobLogEntry.parse(line));
    }
    return entries;
  }

  /** Each index's latest status. */
  static Map<Long, String> latestStatus(Path joblog) {
    Map<Long, String> m = new LinkedHashMap<>();
    for (JobLogEntry e : entries(joblog)) {
      m.put(e.index(), e.status().word());
    }
    return m;
  }
}
