package io.procpool.cli;

import io.procpool.WorkerStartException;
import io.procpool.hazelcast.Agent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code procpool agent}: starts a procpool {@link Agent} (a Hazelcast member that runs the work of
 * {@code ClusterPool}s on local worker JVMs) and keeps it running until Ctrl-C or SIGTERM, which
 * stop it gracefully (new work goes back to the drivers, running work finishes, the workers exit)
 * and end the command with 0. A second Ctrl-C or SIGTERM stops it at once. The agent's own log
 * lines (joined, drivers opening and closing pools, agents joining and leaving) are shown at INFO,
 * the rest of procpool's at WARN, Hazelcast's at WARN; all go to stderr.
 *
 * <p>Usage ({@code procpool agent --help}; the default of {@code --processes} is this machine's
 * number of processors, 2 here):
 *
 * <pre>
 * Usage: procpool agent [-hV] [--cache-dir=DIR] [--cache-limit=MB] [--cluster-name=NAME]
 *                       [--interface=ADDRESS] [-p=N] [--port=PORT] --secret-file=FILE
 *                       [--join=HOST:PORT[,HOST:PORT...]]... [--jvm-option=OPT]...
 * Runs a procpool agent: a cluster member that runs the work of ClusterPools on worker JVMs of this
 * machine.
 * The agent is a Hazelcast member; each driver (ClusterPool) gets one local pool, started with the
 * driver's class path. Start one per machine; the first starts a new cluster, the others --join it.
 * Every call must be signed with the cluster's secret. Runs until Ctrl-C or SIGTERM: then new work
 * goes back to the drivers, running work finishes, the workers exit (a second Ctrl-C stops at once).
 *
 *       --cluster-name=NAME   The cluster's name; agents and drivers must use the same one (default:
 *                               procpool).
 *       --port=PORT           The agent's port (default: 5701).
 *       --interface=ADDRESS   The interface to bind to and be known by (default: 127.0.0.1).
 *       --join=HOST:PORT[,HOST:PORT...]
 *                             Agents of the cluster to join (repeatable or comma-separated; default:
 *                               none, a new cluster).
 *   -p, --processes=N         Worker JVMs per driver's pool (default: 2, the number of processors).
 *       --secret-file=FILE    The file holding the cluster's shared secret, at least 16 bytes (a
 *                               trailing line break is ignored); drivers use the same.
 *       --jvm-option=OPT      An option for the worker JVMs, e.g. --jvm-option=-Xmx256m (repeatable).
 *       --cache-dir=DIR       Where the jars that drivers send are kept (default:
 *                               $XDG_CACHE_HOME/procpool/agent-jars, or ~/.cache/procpool/agent-jars).
 *       --cache-limit=MB      The most megabytes of sent jars the cache keeps; the least recently
 *                               used that no open pool uses go first (default: 2048).
 *   -h, --help                Show this help message and exit.
 *   -V, --version             Print version information and exit.
 *
 * Examples:
 *   head -c 32 /dev/urandom | base64 &gt; secret     # once; copy it to every machine
 *   procpool agent --secret-file secret --interface 10.0.0.5
 *   procpool agent --secret-file secret --interface 10.0.0.6 --join 10.0.0.5:5701
 *   procpool agent --secret-file secret --cluster-name crawl --port 5702 -p 8 \
 *       --jvm-option=-Xmx1g --cache-dir /var/cache/procpool
 *
 * Exit codes: 0 stopped by Ctrl-C or SIGTERM; 1 the agent stopped by itself;
 * 2 usage error or the agent could not start (port taken, not this machine's interface);
 * 130 stopped at once by a second Ctrl-C or SIGTERM.
 * </pre>
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "Runs a procpool agent: a cluster member that runs the work of ClusterPools on worker JVMs of this machine.",
      "The agent is a Hazelcast member; each driver (ClusterPool) gets one local pool, started with the driver's class path."
          + " Start one per machine; the first starts a new cluster, the others --join it."
          + " Every call must be signed with the cluster's secret."
          + " Runs until Ctrl-C or SIGTERM: then new work goes back to the drivers, running work finishes,"
          + " the workers exit (a second Ctrl-C stops at once).",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  head -c 32 /dev/urandom | base64 > secret     # once; copy it to every machine",
      "  procpool agent --secret-file secret --interface 10.0.0.5",
      "  procpool agent --secret-file secret --interface 10.0.0.6 --join 10.0.0.5:5701",
      "  procpool agent --secret-file secret --cluster-name crawl --port 5702 -p 8 \\",
      "      --jvm-option=-Xmx1g --cache-dir /var/cache/procpool",
      "",
      "Exit codes: 0 stopped by Ctrl-C or SIGTERM; 1 the agent stopped by itself;",
      "2 usage error or the agent could not start (port taken, not this machine's interface);",
      "130 stopped at once by a second Ctrl-C or SIGTERM."
    })
public final class AgentCommand implements Callable<Integer> {
  /** The smallest secret an agent accepts, as {@link Agent.Builder#secret} checks. */
  static final int MIN_SECRET_BYTES = 16;

  @ParentCommand private ProcpoolCommand parent;

  @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = "procpool",
      description = "The cluster's name; agents and drivers must use the same one (default: ${DEFAULT-VALUE}).")
  String clusterName;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "5701",
      description = "The agent's port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--interface", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "The interface to bind to and be known by (default: ${DEFAULT-VALUE}).")
  String interfaceAddress;

  @Option(names = "--join", paramLabel = "HOST:PORT", split = ",",
      description = "Agents of the cluster to join (repeatable or comma-separated; default: none, a new cluster).")
  List<String> join = new ArrayList<>();

  @Option(names = {"-p", "--processes"}, paramLabel = "N",
      description = "Worker JVMs per driver's pool (default: ${DEFAULT-VALUE}, the number of processors).")
  int processes = Runtime.getRuntime().availableProcessors();

  @Option(names = "--secret-file", required = true, paramLabel = "FILE",
      description = "The file holding the cluster's shared secret, at least 16 bytes (a trailing line break is"
          + " ignored); drivers use the same.")
  Path secretFile;

  @Option(names = "--jvm-option", paramLabel = "OPT",
      description = "An option for the worker JVMs, e.g. --jvm-option=-Xmx256m (repeatable).")
  List<String> jvmOptions = new ArrayList<>();

  @Option(names = "--cache-dir", paramLabel = "DIR",
      description = "Where the jars that drivers send are kept (default: $XDG_CACHE_HOME/procpool/agent-jars,"
          + " or ~/.cache/procpool/agent-jars).")
  Path cacheDirectory;

  @Option(names = "--cache-limit", paramLabel = "MB",
      description = "The most megabytes of sent jars the cache keeps; the least recently used that no open pool"
          + " uses go first (default: 2048).")
  long cacheLimitMb = 2048;

  /** Creates the command; picocli calls this. */
  public AgentCommand() {}

  @Override
  public Integer call() throws InterruptedException {
    checkOptions();
    checkSecretFile();
    showAgentLog();
    Agent agent = start();
    Thread hook = new Thread(agent::close, "procpool-agent-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return runUntilStopped(agent);
    } finally {
      agent.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook runs (and finds the agent closed)
      }
    }
  }

  /**
   * Waits for the first Ctrl-C or SIGTERM (or for the agent to stop by itself). A later signal,
   * while the agent finishes its running work, halts the JVM: its workers follow through their
   * lifeline, the drivers run the held work elsewhere.
   */
  private int runUntilStopped(Agent agent) throws InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    AtomicInteger signals = new AtomicInteger();
    Runnable onSignal = () -> {
      if (signals.incrementAndGet() == 1) {
        parent.err().println("procpool: stopping the agent: running work finishes (Ctrl-C again to stop at once)");
        parent.err().flush();
        stop.countDown();
      } else {
        parent.err().println("procpool: stopping the agent at once");
        parent.err().flush();
        Runtime.getRuntime().halt(ExitCodes.INTERRUPTED);
      }
    };
    Object previousInt = null;
    Object previousTerm = null;
    if (parent.handleSignals()) {
      previousInt = Signals.handle("INT", onSignal);
      previousTerm = Signals.handle("TERM", onSignal);
    }
    parent.err().println("procpool: the agent runs until Ctrl-C or SIGTERM");
    parent.err().flush();
    try {
      while (!stop.await(1, TimeUnit.SECONDS)) {
        if (agent.isStopped()) {
          parent.err().println("procpool: the agent " + agent.address() + " stopped by itself");
          parent.err().flush();
          return ExitCodes.FAILED;
        }
      }
      agent.close();
      return ExitCodes.OK;
    } finally {
      Signals.restore("INT", previousInt);
      Signals.restore("TERM", previousTerm);
    }
  }

  private Agent start() {
    Agent.Builder b = Agent.builder()
        .clusterName(clusterName)
        .interfaceAddress(interfaceAddress)
        .port(port)
        .join(join.toArray(String[]::new))
        .processes(processes)
        .jvmOptions(jvmOptions.toArray(String[]::new));
    try {
      b.secretFile(secretFile);
    } catch (UncheckedIOException e) {
      throw new UsageException("cannot read the secret file " + secretFile + ": " + reason(e.getCause()));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (cacheDirectory != null) {
      b.cacheDirectory(cacheDirectory);
    }
    b.cacheLimit(cacheLimitMb << 20);
    try {
      return b.build();
    } catch (WorkerStartException e) {
      throw new UsageException(oneLine(e.getMessage()));
    } catch (UncheckedIOException e) {
      throw new UsageException(oneLine(e.getMessage()) + " (check --cache-dir)");
    }
  }

  /**
   * Shows the agent's own log lines (INFO) and procpool's warnings on stderr; Hazelcast stays at
   * WARN, and logs through SLF4J from its first line on (before its configuration is read, it
   * would use java.util.logging). The command's simplelogger.properties keeps io.procpool at ERROR
   * for {@code run}; a setting given with {@code -D} wins. Must run before the agent's classes make
   * their loggers.
   */
  private static void showAgentLog() {
    setUnlessGiven("hazelcast.logging.type", "slf4j");
    setUnlessGiven("org.slf4j.simpleLogger.log.io.procpool", "warn");
    setUnlessGiven("org.slf4j.simpleLogger.log.io.procpool.agent", "info");
    setUnlessGiven("org.slf4j.simpleLogger.log.com.hazelcast", "warn");
  }

  private static void setUnlessGiven(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  private void checkOptions() {
    if (clusterName.isBlank()) {
      throw new UsageException("--cluster-name must not be empty");
    }
    if (port < 1 || port > 65535) {
      throw new UsageException("--port must be between 1 and 65535, not " + port);
    }
    if (cacheLimitMb < 1 || cacheLimitMb > (Long.MAX_VALUE >> 20)) {
      throw new UsageException("--cache-limit must be a positive number of megabytes, not " + cacheLimitMb);
    }
    if (interfaceAddress.isBlank()) {
      throw new UsageException("--interface must not be empty");
    }
    if (processes < 1) {
      throw new UsageException("--processes must be at least 1, not " + processes);
    }
    for (String member : join) {
      checkHostPort(member);
    }
  }

  private static void checkHostPort(String member) {
    int colon = member.lastIndexOf(':');
    String hint = "--join takes HOST:PORT[,HOST:PORT...], not '" + member + "'";
    if (colon <= 0 || colon == member.length() - 1) {
      throw new UsageException(hint);
    }
    int p;
    try {
      p = Integer.parseInt(member.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new UsageException(hint);
    }
    if (p < 1 || p > 65535) {
      throw new UsageException(hint + " (the port must be between 1 and 65535)");
    }
  }

  private void checkSecretFile() {
    if (Files.isDirectory(secretFile)) {
      throw new UsageException("the secret file " + secretFile + " is a directory");
    }
    if (!Files.exists(secretFile)) {
      throw new UsageException("the secret file " + secretFile + " does not exist"
          + " (make one with: head -c 32 /dev/urandom | base64 > " + secretFile + ")");
    }
    if (!Files.isReadable(secretFile)) {
      throw new UsageException("cannot read the secret file " + secretFile + ": permission denied");
    }
    try {
      long size = Files.size(secretFile);
      if (size < MIN_SECRET_BYTES) {
        throw new UsageException("the secret file " + secretFile + " has " + size + " bytes; use at least "
            + MIN_SECRET_BYTES + " (for example: head -c 32 /dev/urandom | base64 > " + secretFile + ")");
      }
    } catch (IOException e) {
      throw new UsageException("cannot read the secret file " + secretFile + ": " + reason(e));
    }
  }

  private static String reason(Throwable e) {
    if (e == null) {
      return "unknown error";
    }
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  private static String oneLine(String message) {
    return String.join(" / ", message.lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
  }
}
