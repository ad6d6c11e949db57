package io.procpool.internal.process;

import io.procpool.WorkerStartException;
import io.procpool.internal.wire.Protocol;
import io.procpool.internal.worker.WorkerMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Starts worker JVMs: writes the workers' {@code @argfile} once (class path, JVM defaults, startup
 * cache, user options), then starts one process per call with its id, the pool's address, the
 * parent's pid and its result log, and the token in its environment. Called by the thread that
 * starts the pool and by the supervisor (replacements); no lock of its own (it registers workers in
 * {@link PoolWorkers}).
 */
final class WorkerLauncher {
  private final PoolContext ctx;
  private final PoolWorkers workers;
  private final ResultLogFiles logs;
  private final WorkerServer server;
  /** Runs on the supervisor thread when a worker's process has exited. */
  private final Consumer<WorkerHandle> onExit;
  private Path argfile;
  /** The workers' class-data archive, or null (see {@link StartupCache}). */
  private StartupCache startupCache;

  WorkerLauncher(PoolContext ctx, PoolWorkers workers, ResultLogFiles logs, WorkerServer server,
      Consumer<WorkerHandle> onExit) {
    this.ctx = ctx;
    this.workers = workers;
    this.logs = logs;
    this.server = server;
    this.onExit = onExit;
  }

  /** Writes the workers' argfile into {@code dir}; {@code loader} finds the class path if the settings give none. */
  void writeArgfile(Path dir, ClassLoader loader) throws IOException {
    ProcessBackend.Settings settings = ctx.settings;
    String cp = settings.classpath != null ? settings.classpath : Classpath.discover(loader);
    List<String> lines = new ArrayList<>();
    lines.add("-cp");
    lines.add(quote(cp));
    lines.addAll(WorkerJvmDefaults.options(settings.jvmOptions, System.getenv(), settings.processes,
        Runtime.getRuntime().availableProcessors(), WorkerJvmDefaults::physicalMemory));
    lines.add("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"); // a selectable stdin: see Lifeline
    lines.add("-XX:ErrorFile=" + quote(System.getProperty("java.io.tmpdir") + "/procpool-worker-hs_err-%p.log"));
    lines.add("-Dprocpool.worker=true");
    if (settings.serialFilter != null) {
      lines.add(quote("-Dprocpool.serialFilter=" + settings.serialFilter));
    }
    if (settings.startupCache != null) {
      startupCache = StartupCache.of(settings.startupCache, javaCommand(), cp, settings.jvmOptions);
      if (startupCache != null) {
        for (String o : startupCache.workerOptions) {
          lines.add(quote(o));
        }
      }
    }
    for (String o : settings.jvmOptions) {
      lines.add(quote(o));
    }
    argfile = dir.resolve("worker.args");
    Files.write(argfile, lines, StandardCharsets.UTF_8);
  }

  /** Quotes one argument for a java {@code @argfile}. */
  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private String javaCommand() {
    if (ctx.settings.javaCommand != null) {
      return ctx.settings.javaCommand;
    }
    String exe = FileSystems.getDefault().getSeparator().equals("\\") ? "java.exe" : "java";
    return Paths.get(System.getProperty("java.home"), "bin", exe).toString();
  }

  /**
   * Starts one worker process and returns its handle; the worker connects back later ({@link
   * WorkerHandle#connected} completes, or fails after the start timeout, when its process is killed).
   *
   * @throws WorkerStartException if the pool is stopping or the process cannot be started
   */
  WorkerHandle launch() {
    return launch(false);
  }

  /**
   * Starts one worker process, as {@link #launch()}; a {@code spare} waits, connected and
   * initialised, until it takes a worker's place ({@link Spares}).
   *
   * @throws WorkerStartException if the pool is stopping or the process cannot be started
   */
  WorkerHandle launch(boolean spare) {
    int id = workers.reserveId();
    List<String> cmd = new ArrayList<>();
    cmd.add(javaCommand());
    cmd.add("@" + argfile);
    if (id == 1 && startupCache != null && startupCache.recorderOptions != null) {
      cmd.addAll(startupCache.recorderOptions); // the pool's first worker records the archive
    }
    cmd.add(WorkerMain.class.getName());
    cmd.add(Integer.toString(id));
    cmd.add(server.address());
    cmd.add(Long.toString(ProcessHandle.current().pid()));
    ResultLogFiles.Created log = logs.create(id);
    if (log != null) {
      cmd.add(log.file.toString());
    }
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put(Protocol.TOKEN_ENV, server.token());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      workers.launchFailed(id);
      logs.delete(log == null ? null : log.file);
      throw new WorkerStartException("cannot start a worker JVM with " + cmd.get(0) + ": " + e.getMessage(), e);
    }
    String poolName = ctx.poolName;
    String prefix = "[" + poolName.replaceFirst("-process$", "") + " worker-" + id + "] ";
    WorkerHandle w =
        new WorkerHandle(
            id,
            p,
            new OutputPump(p.getInputStream(), false, prefix, id, ctx.settings.outputHandler, poolName + "-worker-" + id + "-stdout"),
            new OutputPump(p.getErrorStream(), true, prefix, id, ctx.settings.outputHandler, poolName + "-worker-" + id + "-stderr"),
            log == null ? null : log.file,
            log == null ? null : log.map);
    if (!workers.launched(w, spare)) {
      logs.delete(w.resultLogFile);
      w.destroy(true); // the pool began to stop while this worker was being launched
      try {
        p.waitFor(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new WorkerStartException("the pool is stopping", null);
    }
    w.exitHandled = p.onExit().thenRunAsync(() -> onExit.accept(w), ctx.supervisor);
    ctx.scheduler.schedule(
        () -> {
          if (w.connected.completeExceptionally(
              new WorkerStartException(
                  w.label() + " did not connect back within " + ctx.settings.startTimeout.toSeconds() + " s" + w.lastLines(),
                  null))) {
            w.process.destroyForcibly();
          }
        },
        ctx.settings.startTimeout.toMillis(),
        TimeUnit.MILLISECONDS);
    return w;
  }

  /** Tells the startup cache how worker {@code w} exited (the first worker records the archive); supervisor thread. */
  void exited(WorkerHandle w, int code) {
    if (w.id == 1 && startupCache != null) {
      startupCache.recorded(code);
    }
  }
}
