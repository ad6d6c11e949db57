package io.procpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Bad input ends with one clear line on stderr, exit code 2, no stack trace, and nothing run. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UsageErrorsTest {
  @TempDir Path dir;

  private Cli.Result runWith(String className, String... more) throws IOException {
    Path in = Cli.numbers(dir, 0, 3);
    String[] base = {"run", "--class", className, "--cp", Cli.testClasses(), "-i", in.toString(), "-o", dir.resolve("out.txt").toString()};
    String[] args = new String[base.length + more.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return Cli.run(args);
  }

  private static void assertUsageError(Cli.Result r, String fragment) {
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.errLines()).as(r.err()).hasSizeBetween(1, 2);
    assertThat(r.errLines().get(0)).startsWith("procpool: ").contains(fragment);
    assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception in thread");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void missingClass() throws IOException {
    assertUsageError(runWith("com.example.Nope"), "class com.example.Nope not found (check --classpath or --jar)");
  }

  @Test
  void classThatIsNotAFunction() throws IOException {
    assertUsageError(runWith("io.procpool.cli.fns.BadClasses$NotAFunction"),
        "does not implement io.procpool.SerializableFunction<String, ?>");
  }

  @Test
  void classWithoutNoArgConstructor() throws IOException {
    assertUsageError(runWith("io.procpool.cli.fns.BadClasses$NoDefaultConstructor"), "has no public no-arg constructor");
  }

  @Test
  void functionOfIntegers() throws IOException {
    assertUsageError(runWith("io.procpool.cli.fns.BadClasses$IntegerInput"), "takes java.lang.Integer");
  }

  @Test
  void constructorThatThrows() throws IOException {
    assertUsageError(runWith("io.procpool.cli.fns.BadClasses$ThrowingConstructor"),
        "the constructor of io.procpool.cli.fns.BadClasses$ThrowingConstructor threw java.lang.IllegalStateException: no config file");
  }

  @Test
  void abstractClass() throws IOException {
    assertUsageError(runWith("io.procpool.cli.fns.BadClasses$Abstract"), "is abstract");
  }

  @Test
  void missingInputFile() {
    Cli.Result r = Cli.run("run", "--class", "io.procpool.cli.fns.Square", "-i", dir.resolve("nope.txt").toString());
    assertUsageError(r, "the input file " + dir.resolve("nope.txt") + " does not exist");
  }

  @Test
  void unreadableInputFile() throws IOException {
    Path locked = Files.writeString(dir.resolve("locked.txt"), "1\n");
    assertThat(locked.toFile().setReadable(false, false)).isTrue();
    Cli.Result r = Cli.run("run", "--class", "io.procpool.cli.fns.Square", "-i", locked.toString());
    if (Files.isReadable(locked)) {
      // root reads every file: a directory is the unreadable input we can make here
      r = Cli.run("run", "--class", "io.procpool.cli.fns.Square", "-i", dir.toString());
      assertUsageError(r, "is a directory");
    } else {
      assertUsageError(r, "cannot read the input file");
    }
  }

  @Test
  void missingJarAndClasspathEntry() {
    assertUsageError(Cli.run("run", "--class", "a.B", "--jar", dir.resolve("app.jar").toString()), "cannot read the jar");
    assertUsageError(Cli.run("run", "--class", "a.B", "--cp", dir.resolve("nowhere").toString()), "class path entry not found");
  }

  @Test
  void missingRequiredOptionAndBadValues() {
    Cli.Result r = Cli.run("run");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("procpool: Missing required option: '--class=CLASS'").contains("Try 'procpool run --help'");
    r = Cli.run("run", "--class", "io.procpool.cli.fns.Square", "--timeout", "5");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("'5' is not a duration (examples: 500ms, 5s");
    assertThat(Cli.run("run", "--class", "io.procpool.cli.fns.Square", "-p", "0").err()).contains("--processes must be at least 1");
    assertThat(Cli.run("run", "--class", "io.procpool.cli.fns.Square", "--frobnicate").exit()).isEqualTo(2);
    assertThat(Cli.run("frobnicate").exit()).isEqualTo(2);
  }

  @Test
  void noSubcommandPrintsUsage() {
    Cli.Result r = Cli.run();
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("Usage: procpool").contains("Examples:");
  }

  @Test
  void resumeNeedsJoblogAndOutput() {
    assertUsageError(Cli.run("run", "--class", "io.procpool.cli.fns.Square", "--resume"), "--resume needs --joblog and --output");
    assertUsageError(
        Cli.run("run", "--class", "io.procpool.cli.fns.Square", "--resume", "--resume-failed", "--joblog", "j", "-o", "o"),
        "not both");
  }

  @Test
  void resumeFromSomethingThatIsNotAJobLog() throws IOException {
    Path log = Files.writeString(dir.resolve("log.txt"), "hello\n");
    assertUsageError(runWith("io.procpool.cli.fns.Square", "--joblog", log.toString(), "--resume"), "is not a procpool job log");
  }

  @Test
  void resumeWithAnOutputShorterThanTheJobLogSays() throws IOException {
    Path log = Files.writeString(dir.resolve("log.txt"), JobLogEntry.MAGIC + "\n" + JobLogEntry.COLUMNS + "\n0\tok\t1\t2\t\n");
    Files.writeString(dir.resolve("out.txt"), "");
    assertUsageError(runWith("io.procpool.cli.fns.Square", "--joblog", log.toString(), "--resume"), "has 0 bytes but the job log");
    assertThat(Files.readString(log)).endsWith("0\tok\t1\t2\t\n");
  }

  @Test
  void workerJvmsThatCannotStart() throws IOException {
    assertUsageError(runWith("io.procpool.cli.fns.Square", "-p", "1", "--jvm-option=-Xmx-1"), "cannot start the worker JVMs");
  }

  @Test
  void versionAndHelp() {
    Cli.Result v = Cli.run("--version");
    assertThat(v.exit()).isZero();
    assertThat(v.out()).startsWith("procpool " + VersionProvider.version()).doesNotContain("unknown").doesNotContain("${");
    for (String[] args : new String[][] {{"--help"}, {"run", "--help"}, {"demo", "--help"}, {"help", "run"}}) {
      Cli.Result h = Cli.run(args);
      assertThat(h.exit()).isZero();
      assertThat(h.out()).contains("Usage: procpool").contains("Examples:");
    }
  }
}
