package io.procpool.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.procpool.AsyncResult;
import io.procpool.ProcessPool;
import io.procpool.SerializableFunction;
import io.procpool.TaskTimeoutException;
import io.procpool.WorkerCrashedException;
import io.procpool.internal.wire.FrameChannel;
import io.procpool.internal.wire.Protocol;
import io.procpool.internal.wire.ResultLog;
import io.procpool.testing.Processes;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Results a worker holds back to share one socket write ({@link ResultLog}): they reach the caller
 * exactly once even when the worker dies while holding them, and a crash or a timeout is still
 * charged to the task that was running.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HeldResultsTest {
  @TempDir Path tmp;

  /** Appends {@code i} to {@code file}, then halts the JVM if {@code i == crashAt}. */
  static Integer record(String file, int crashAt, Integer i) throws IOException {
    Files.writeString(Path.of(file), i + "\n", StandardOpenOption.APPEND, StandardOpenOption.CREATE);
    if (i == crashAt) {
      Runtime.getRuntime().halt(7);
    }
    return i;
  }

  @Test
  void logRoundTripAndFlushThroughASocket() throws Exception {
    ByteBuffer map = ByteBuffer.allocateDirect(ResultLog.FILE_SIZE);
    ResultLog log = ResultLog.over(map);
    assertThat(ResultLog.heldFrames(map)).isEmpty();
    for (int i = 0; i < 3; i++) {
      byte[] body = ("result " + i).getBytes(StandardCharsets.UTF_8);
      assertThat(log.append(Protocol.RESULT, body, body.length)).isTrue();
    }
    assertThat(log.heldFrames()).isEqualTo(3);
    List<FrameChannel.Frame> held = ResultLog.heldFrames(map);
    assertThat(held).extracting(f -> new String(f.body, f.off, f.len, StandardCharsets.UTF_8))
        .containsExactly("result 0", "result 1", "result 2");
    assertThat(log.append(Protocol.RESULT, new byte[ResultLog.CAPACITY], ResultLog.CAPACITY)).isFalse();

    Path sock = tmp.resolve("s");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(sock));
      SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(sock));
      SocketChannel accepted = server.accept();
      try (FrameChannel out = new FrameChannel(client); FrameChannel in = new FrameChannel(accepted)) {
        log.flush(out);
        assertThat(log.heldFrames()).isZero();
        assertThat(ResultLog.heldFrames(map)).isEmpty(); // nothing is held once it was written
        for (int i = 0; i < 3; i++) {
          FrameChannel.Frame f = in.read();
          assertThat(f.type).isEqualTo(Protocol.RESULT);
          assertThat(new String(f.body, f.off, f.len, StandardCharsets.UTF_8)).isEqualTo("result " + i);
        }
      }
    }
  }

  @Test
  void staleLogFilesOfDeadJvmsAreSweptAndOthersKept() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor(); // reaped by this JVM: its pid is not alive
    Path dead = tmp.resolve("procpool-" + gone.pid() + "-0123456789abcdef-w1");
    Path live = tmp.resolve("procpool-" + ProcessHandle.current().pid() + "-0123456789abcdef-w2");
    Path other = tmp.resolve("procpool-notes.txt");
    for (Path p : List.of(dead, live, other)) {
      Files.writeString(p, "x");
    }
    ResultLog.sweep(tmp);
    assertThat(dead).doesNotExist();
    assertThat(live).exists();
    assertThat(other).exists();
  }

  /** Result-log files of this JVM's pools (none once every pool has closed or its workers mapped them). */
  static List<Path> ourLogFiles() throws IOException {
    Path dir = ResultLog.directory(Path.of(System.getProperty("java.io.tmpdir")));
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      String mine = ResultLog.PREFIX + ProcessHandle.current().pid() + "-";
      return files.filter(p -> p.getFileName().toString().startsWith(mine)).collect(Collectors.toList());
    }
  }

  @Test
  void aCorruptLogYieldsTheFramesBeforeTheDamage() {
    ByteBuffer map = ByteBuffer.allocateDirect(ResultLog.FILE_SIZE);
    ResultLog log = ResultLog.over(map);
    log.append(Protocol.RESULT, new byte[] {1, 2}, 2);
    log.append(Protocol.RESULT, new byte[] {3}, 1);
    map.putInt(ResultLog.HEADER + 7, 1_000_000); // the second frame's length now runs past the end
    assertThat(ResultLog.heldFrames(map)).hasSize(1);
    map.putInt(4, -5); // a nonsense count
    assertThat(ResultLog.heldFrames(map)).isEmpty();
    map.putInt(0, 0); // no magic
    assertThat(ResultLog.heldFrames(map)).isEmpty();
  }

  /**
   * A worker that dies while it holds results: every other task's result arrives once, the crash is
   * charged to the task that halted, and no task runs twice. Repeated until a crash happened while
   * results were held (almost always the first round: holding is stretched by system properties).
   */
  @Test
  void crashWhileHoldingResultsLosesNothingAndRunsNothingTwice() throws Exception {
    Path file = tmp.resolve("runs.txt");
    long recoveredBefore = WorkerExits.RESULTS_RECOVERED.get();
    List<Long> pids = new ArrayList<>();
    try (ProcessPool pool =
        ProcessPool.builder()
            .processes(1)
            .jvmOptions("-Dprocpool.worker.maxHoldMicros=60000000", "-Dprocpool.worker.maxHeld=100000")
            .build()) {
      int rounds = 0;
      while (rounds < 3 || (WorkerExits.RESULTS_RECOVERED.get() == recoveredBefore && rounds < 20)) {
        int base = rounds * 100;
        int crashAt = base + 60;
        String f = file.toString();
        SerializableFunction<Integer, Integer> task = i -> record(f, crashAt, i);
        List<AsyncResult<Integer>> results = new ArrayList<>();
        for (int i = base; i < base + 80; i++) {
          results.add(pool.applyAsync(task, i));
        }
        for (int i = base; i < base + 80; i++) {
          AsyncResult<Integer> r = results.get(i - base);
          if (i == crashAt) {
            assertThatThrownBy(() -> r.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isExactlyInstanceOf(WorkerCrashedException.class)
                .hasMessageContaining("exited with code 7");
          } else {
            assertThat(r.get(30, TimeUnit.SECONDS)).as("task %d", i).isEqualTo(i);
          }
        }
        pids.addAll(pool.workerPids());
        rounds++;
      }
      Map<String, Long> runs =
          Files.readAllLines(file).stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
      assertThat(runs).hasSize(rounds * 80);
      assertThat(runs.values()).as("runs per task").containsOnly(1L);
      assertThat(WorkerExits.RESULTS_RECOVERED.get())
          .as("results taken from a dead worker's log in %d rounds", rounds)
          .isGreaterThan(recoveredBefore);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> Processes.alive(pids).isEmpty());
    await().atMost(Duration.ofSeconds(10)).until(() -> ourLogFiles().isEmpty());
  }

  /**
   * With results held back, the pool's clock can run ahead of the worker's: a quick task whose result
   * was held must not be charged with a later task's timeout.
   */
  @Test
  void timeoutIsChargedToTheTaskThatRanTooLong() throws Exception {
    List<Long> pids;
    try (ProcessPool pool =
        ProcessPool.builder()
            .processes(1)
            .taskTimeout(Duration.ofMillis(300))
            .jvmOptions("-Dprocpool.worker.maxHoldMicros=60000000", "-Dprocpool.worker.maxHeld=100000")
            .build()) {
      pids = pool.workerPids();
      List<AsyncResult<Integer>> quick = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        quick.add(pool.applyAsync(io.procpool.testing.Tasks::square, i));
      }
      AsyncResult<Object> slow = pool.applyAsync(io.procpool.testing.Tasks::spinIgnoringInterrupts, 20_000L);
      List<AsyncResult<Integer>> after = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        after.add(pool.applyAsync(io.procpool.testing.Tasks::square, i));
      }
      for (int i = 0; i < 30; i++) {
        assertThat(quick.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i * i);
      }
      assertThatThrownBy(() -> slow.get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isExactlyInstanceOf(TaskTimeoutException.class);
      for (int i = 0; i < 5; i++) {
        assertThat(after.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i * i);
      }
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> Processes.alive(pids).isEmpty());
  }
}
