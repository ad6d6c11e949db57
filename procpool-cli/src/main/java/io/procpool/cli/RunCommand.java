package io.procpool.cli;

import io.procpool.ProcessPool;
import io.procpool.WorkerStartException;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code procpool run}: applies the user's {@code SerializableFunction<String, ?>} to every input
 * line in worker JVMs and writes each result's {@code toString()} as one output line, with a job
 * log that {@code --resume} continues from. See docs/cli.md.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "Applies a Java function to every line of the input in worker JVMs and writes one result line per input line.",
      "The class must implement io.procpool.SerializableFunction<String, ?> and have a public no-arg constructor;"
          + " each worker creates one instance. Results are in input order unless --unordered."
          + " A failed item prints a message on stderr, is recorded in the job log, and has no output line.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  procpool run --class com.example.Resize --jar resize.jar -i urls.txt -o out.txt",
      "  seq 1000 | procpool run --class com.example.Square --cp classes/ -p 4 > sq.txt",
      "  procpool run --class com.example.Fetch --cp app.jar -i in.txt -o out.txt \\",
      "      --timeout 5s --retries 2 --joblog run.log",
      "  (after Ctrl-C or a crash: the same command with --resume runs only the rest)",
      "",
      "Job log: '# procpool job log 1', a column header, then one line per item as",
      "it ends: index, status (ok, failed, crashed, timeout), millis, output_end, error,",
      "separated by tabs. --resume skips every item in the job log; --resume-failed",
      "skips only the ok ones. Both need --joblog and --output.",
      "",
      "Exit codes: 0 every item ok; 1 some item not ok (with --resume, earlier runs' items count);",
      "2 usage error (nothing ran); 130 interrupted by Ctrl-C (a second Ctrl-C stops running items)."
    })
public final class RunCommand implements Callable<Integer> {

  @ParentCommand private ProcpoolCommand parent;

  @Option(names = "--class", required = true, paramLabel = "CLASS",
      description = "The function: a class implementing io.procpool.SerializableFunction<String, ?>.")
  String className;

  @Option(names = {"--classpath", "--cp"}, paramLabel = "PATH",
      description = "Where the class and its dependencies are (directories and jars, separated by '${sys:path.separator}').")
  String classpath;

  @Option(names = "--jar", paramLabel = "JAR", description = "A jar holding the class (added to --classpath).")
  Path jar;

  @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "Read lines from FILE (default: stdin). UTF-8.")
  Path input;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Write result lines to FILE (default: stdout). Emptied first, unless --resume.")
  Path output;

  @Option(names = {"-p", "--processes"}, paramLabel = "N",
      description = "Worker JVMs (default: ${DEFAULT-VALUE}, the number of processors).")
  int processes = Runtime.getRuntime().availableProcessors();

  @Option(names = "--chunksize", paramLabel = "N", defaultValue = "1",
      description = "Lines a worker takes at once (default: ${DEFAULT-VALUE}; with --timeout always 1).")
  int chunksize;

  @Option(names = {"-t", "--timeout"}, paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Longest time one line may take, e.g. 500ms, 5s, 2m. The item is interrupted, its worker killed if it does not stop.")
  Duration timeout;

  @Option(names = "--retries", paramLabel = "N", defaultValue = "0",
      description = "Run an item again, up to N times, when its worker crashed or it timed out (default: ${DEFAULT-VALUE}).")
  int retries;

  @Option(names = "--jvm-option", paramLabel = "OPT",
      description = "An option for the worker JVMs, e.g. --jvm-option=-Xmx256m (repeatable).")
  List<String> jvmOptions = new ArrayList<>();

  @Option(names = "--startup-cache", paramLabel = "DIR",
      description = "Keep the workers' class-data archive in DIR instead of the user cache directory (on by "
          + "default; PROCPOOL_STARTUP_CACHE=off turns it off): the first run records it, later runs start "
          + "workers about a quarter faster (needs a class path of jars).")
  Path startupCache;

  @Option(names = "--unordered", description = "Write results as they complete, not in input order.")
  boolean unordered;

  @Option(names = "--joblog", paramLabel = "FILE", description = "Record every item's status in FILE (see below).")
  Path joblog;

  @Option(names = "--resume", description = "Go on from an earlier run: skip the items in --joblog, append to --output.")
  boolean resume;

  @Option(names = "--resume-failed",
      description = "Like --resume, but run failed, crashed and timed-out items again.")
  boolean resumeFailed;

  @Option(names = "--no-progress", description = "No progress bar (it is drawn only when stderr is a terminal).")
  boolean noProgress;

  @Option(names = {"-v", "--verbose"}, description = "Show the pool's own log messages (worker starts, crashes, retries).")
  boolean verbose;

  /** Creates the command; picocli calls this. */
  public RunCommand() {}

  @Override
  public Integer call() throws IOException {
    checkOptions();
    if (verbose) {
      System.setProperty("org.slf4j.simpleLogger.log.io.procpool", "info");
    }
    try (UserFunction fn = UserFunction.load(className, classpath, jar)) {
      BufferedReader in = openInput();
      boolean continuing = resume || resumeFailed;
      ResumePlan plan = continuing ? ResumePlan.read(joblog, output, resumeFailed) : ResumePlan.fresh();
      if (continuing) {
        tellAboutResume(plan);
      }
      long total = -1;
      boolean showBar = !noProgress && parent.progressAllowed();
      if (showBar && input != null) {
        total = Math.max(0, countLines(input) - plan.skipped());
      }
      try (OutputSink sink = openOutput(plan, continuing);
          JobLog log = openJobLog(continuing)) {
        return run(fn, in, plan, sink, log, showBar, total);
      }
    }
  }

  private int run(UserFunction fn, BufferedReader in, ResumePlan plan, OutputSink sink, JobLog log,
      boolean showBar, long total) {
    RunCounters counters = new RunCounters();
    LineSource source = new LineSource(in, plan.done());
    ProgressBar bar = showBar
        ? ProgressBar.start(parent.err(), counters::ended, counters::notOk, total)
        : ProgressBar.none(parent.err());
    ProcessPool pool;
    try {
      pool = startPool(fn, bar);
    } catch (RuntimeException e) {
      source.stop();
      bar.close();
      throw e;
    }
    BatchRun batch = new BatchRun(pool, source, sink, log, counters, bar);
    Interrupts interrupts = parent.handleSignals()
        ? Interrupts.install(
            () -> {
              source.stop();
              bar.println("procpool: interrupted: finishing the running items (Ctrl-C again to stop them now)");
            },
            () -> {
              batch.terminated();
              bar.println("procpool: interrupted again: stopping the running items");
              pool.terminate();
            })
        : null;
    long retried;
    boolean finished = false;
    try {
      batch.run(new LineTask(fn.className()), chunksize, unordered);
      finished = true;
    } finally {
      retried = pool.stats().tasksRetried();
      if (finished) {
        pool.close();
      } else {
        pool.terminate();
      }
      bar.close();
      if (interrupts != null) {
        interrupts.close();
      }
    }
    boolean interrupted = source.isStopped();
    parent.err().println(counters.summary(retried, plan.skipped(), plan.skippedNotOk(), interrupted));
    parent.err().flush();
    if (interrupted) {
      return ExitCodes.INTERRUPTED;
    }
    // the exit code speaks for the whole job: items an earlier run left failed count too
    boolean allOk = counters.notOk() == 0 && plan.skippedNotOk() == 0 && batch.inputError() == null;
    return allOk ? ExitCodes.OK : ExitCodes.FAILED;
  }

  private ProcessPool startPool(UserFunction fn, ProgressBar bar) {
    WorkerOutput workerOutput = new WorkerOutput(bar);
    ProcessPool.Builder b = ProcessPool.builder()
        .processes(processes)
        .retries(retries)
        .classpath(workerClasspath(fn))
        .initializer(new IgnoreInterrupt())
        .outputHandler(workerOutput);
    if (timeout != null) {
      b.taskTimeout(timeout);
    }
    if (!jvmOptions.isEmpty()) {
      b.jvmOptions(jvmOptions.toArray(String[]::new));
    }
    if (startupCache != null) {
      b.startupCache(startupCache);
    }
    Thread t = Thread.currentThread();
    ClassLoader previous = t.getContextClassLoader();
    t.setContextClassLoader(fn.loader()); // the pool rebuilds the user's exceptions with it
    try {
      ProcessPool pool = b.build();
      workerOutput.started();
      return pool;
    } catch (WorkerStartException e) {
      // one line: what happened, then the JVM's own last words; the library's hint names its API
      List<String> lines = e.getMessage().lines().map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("(check") && !l.endsWith("lines:")).toList();
      String detail = lines.size() > 1 ? ": " + String.join(" / ", lines.subList(1, lines.size())) : "";
      throw new UsageException("cannot start the worker JVMs (check --jvm-option): " + lines.get(0) + detail);
    } finally {
      t.setContextClassLoader(previous);
    }
  }

  /** This command's own class path (its jar, or its classes and libraries in a test) plus the user's. */
  private static String workerClasspath(UserFunction fn) {
    Set<String> entries = new LinkedHashSet<>();
    for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (!e.isEmpty()) {
        entries.add(e);
      }
    }
    try {
      entries.add(Path.of(RunCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    } catch (URISyntaxException | RuntimeException e) {
      // java.class.path is enough
    }
    if (!fn.classpath().isEmpty()) {
      entries.add(fn.classpath());
    }
    return String.join(File.pathSeparator, entries);
  }

  private void checkOptions() {
    if (processes < 1) {
      throw new UsageException("--processes must be at least 1, not " + processes);
    }
    if (chunksize < 1) {
      throw new UsageException("--chunksize must be at least 1, not " + chunksize);
    }
    if (retries < 0) {
      throw new UsageException("--retries must be at least 0, not " + retries);
    }
    if (resume && resumeFailed) {
      throw new UsageException("give --resume or --resume-failed, not both");
    }
    if ((resume || resumeFailed) && (joblog == null || output == null)) {
      throw new UsageException((resume ? "--resume" : "--resume-failed") + " needs --joblog and --output");
    }
    if (joblog != null && output != null && joblog.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
      throw new UsageException("--joblog and --output must be different files");
    }
  }

  private BufferedReader openInput() {
    if (input == null) {
      return new BufferedReader(new InputStreamReader(parent.in(), StandardCharsets.UTF_8));
    }
    if (Files.isDirectory(input)) {
      throw new UsageException("the input " + input + " is a directory");
    }
    try {
      InputStream s = Files.newInputStream(input);
      return new BufferedReader(new InputStreamReader(s, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw new UsageException("the input file " + input + " does not exist");
    } catch (IOException e) {
      throw new UsageException("cannot read the input file " + input + ": " + e.getMessage());
    }
  }

  private OutputSink openOutput(ResumePlan plan, boolean continuing) {
    if (output == null) {
      return OutputSink.of(parent.out());
    }
    try {
      if (continuing) {
        plan.repair(joblog, output);
        return OutputSink.of(AppendFile.append(output));
      }
      return OutputSink.of(AppendFile.truncate(output));
    } catch (IOException e) {
      throw new UsageException("cannot write the output " + output + ": " + e.getMessage());
    }
  }

  private JobLog openJobLog(boolean continuing) {
    if (joblog == null) {
      return null;
    }
    try {
      return JobLog.open(joblog, continuing);
    } catch (IOException e) {
      throw new UsageException("cannot write the job log " + joblog + ": " + e.getMessage());
    }
  }

  private void tellAboutResume(ResumePlan plan) {
    StringBuilder b = new StringBuilder("procpool: resuming from " + joblog + ": " + plan.skipped() + " items done before");
    if (!plan.previous().isEmpty()) {
      List<String> parts = new ArrayList<>();
      plan.previous().forEach((s, n) -> parts.add(n + " " + s.word()));
      b.append(" (job log: ").append(String.join(", ", parts)).append(')');
    }
    if (plan.outputDropped() > 0) {
      b.append("; cut ").append(plan.outputDropped()).append(" bytes off the output that the job log does not confirm");
    }
    if (plan.joblogTorn() > 0) {
      b.append("; cut a torn last line (").append(plan.joblogTorn()).append(" bytes) off the job log");
    }
    parent.err().println(b);
    parent.err().flush();
  }

  private static long countLines(Path file) {
    long lines = 0;
    int last = '\n';
    byte[] buf = new byte[1 << 16];
    try (InputStream s = Files.newInputStream(file)) {
      for (int n; (n = s.read(buf)) > 0; ) {
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            lines++;
          }
        }
        last = buf[n - 1];
      }
    } catch (IOException e) {
      return -1;
    }
    return last == '\n' ? lines : lines + 1;
  }
}
