package io.procpool.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code procpool} command: {@code procpool run} (a function over every line of a file, in
 * worker JVMs, with a job log and resume), {@code procpool agent} (a cluster agent that runs the
 * work of {@code ClusterPool}s) and {@code procpool demo}. Entry point of {@code procpool.jar}.
 */
@Command(
    name = "procpool",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    usageHelpWidth = 100,
    description = "Python's multiprocessing.Pool for the JVM, as a command: runs a Java function over input lines in worker JVMs.",
    subcommands = {RunCommand.class, AgentCommand.class, DemoCommand.class, CommandLine.HelpCommand.class},
    footerHeading = "%nExamples:%n",
    footer = {
      "  procpool run --class com.example.Square --cp classes/ -i in.txt -o out.txt \\",
      "      --joblog run.log",
      "  procpool run ... --joblog run.log --resume  # after Ctrl-C or a crash",
      "  procpool agent --secret-file secret         # runs ClusterPool work here",
      "  procpool demo                               # the tutorial, then speed-ups",
      "  procpool help run",
      "",
      "Exit codes: 0 ok, 1 some item failed, 2 usage error, 130 interrupted."
    })
public final class ProcpoolCommand implements Callable<Integer> {
  private final InputStream in;
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean signals;
  private final boolean progress;

  /**
   * Creates the command over the given streams.
   *
   * @param in the input of {@code run} when no {@code --input} is given
   * @param out stdout: results (without {@code --output}) and the demo's report
   * @param err stderr: messages, the summary and the progress bar
   * @param signals whether {@code run} handles Ctrl-C itself (only in a real process)
   * @param progress whether a progress bar may be drawn (stderr is a terminal)
   */
  public ProcpoolCommand(InputStream in, PrintWriter out, PrintWriter err, boolean signals, boolean progress) {
    this.in = in;
    this.out = out;
    this.err = err;
    this.signals = signals;
    this.progress = progress;
  }

  /**
   * Builds the picocli command line: usage errors print one line and the hint to use
   * {@code --help}, and return 2; a {@link UsageException} prints {@code procpool: <message>} and
   * returns 2; a failed write ({@link java.io.UncheckedIOException}) prints its message and returns
   * 1; anything else prints its stack trace and returns 1.
   *
   * @param command the command and its streams
   * @return the command line, ready to {@code execute}
   */
  public static CommandLine commandLine(ProcpoolCommand command) {
    CommandLine cl = new CommandLine(command);
    cl.setOut(command.out);
    cl.setErr(command.err);
    cl.setParameterExceptionHandler((ex, args) -> {
      PrintWriter e = ex.getCommandLine().getErr();
      e.println("procpool: " + ex.getMessage());
      e.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
      e.flush();
      return ExitCodes.USAGE;
    });
    cl.setExecutionExceptionHandler((ex, c, parsed) -> {
      PrintWriter e = c.getErr();
      if (ex instanceof UsageException) {
        e.println("procpool: " + ex.getMessage());
        e.flush();
        return ExitCodes.USAGE;
      }
      if (ex instanceof java.io.UncheckedIOException) {
        e.println("procpool: " + ex.getMessage());
        e.flush();
        return ExitCodes.FAILED;
      }
      e.println("procpool: internal error: " + ex);
      ex.printStackTrace(e);
      e.flush();
      return ExitCodes.FAILED;
    });
    return cl;
  }

  /**
   * Runs the command and exits with its exit code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8));
    PrintWriter err = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true);
    ProcpoolCommand command = new ProcpoolCommand(System.in, out, err, true, Terminal.stderrIsTerminal());
    int code = commandLine(command).execute(args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** With no subcommand: print the usage on stderr and return 2. */
  @Override
  public Integer call() {
    commandLine(this).usage(err);
    err.flush();
    return ExitCodes.USAGE;
  }

  /** @return the standard input */
  InputStream in() {
    return in;
  }

  /** @return the standard output */
  PrintWriter out() {
    return out;
  }

  /** @return the standard error */
  PrintWriter err() {
    return err;
  }

  /** @return whether Ctrl-C is handled by the command */
  boolean handleSignals() {
    return signals;
  }

  /** @return whether a progress bar may be drawn */
  boolean progressAllowed() {
    return progress;
  }
}
