package io.procpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.procpool.testing.Processes;
import io.procpool.testing.Tasks;
import java.io.FileNotFoundException;
import java.io.NotSerializableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** What the caller sees when a task fails in each phase, and that the pool goes on afterwards. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessPoolFailureTest {
  private ProcessPool pool;

  @BeforeAll
  void start() {
    pool = ProcessPool.create(2);
  }

  @AfterAll
  void stop() {
    List<Long> pids = pool.workerPids();
    pool.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> Processes.alive(pids).isEmpty());
  }

  private void stillWorks() {
    assertThat(pool.map(Tasks::square, List.of(1, 2, 3, 4, 5))).containsExactly(1, 4, 9, 16, 25);
    await().atMost(Duration.ofSeconds(20)).until(() -> pool.workerPids().size() == 2);
  }

  @Test
  void checkedExceptionIsRebuiltWithWorkerFrames() {
    assertThatThrownBy(() -> pool.apply(Tasks::throwChecked, "no such file"))
        .isInstanceOf(TaskFailedException.class)
        .cause()
        .isExactlyInstanceOf(FileNotFoundException.class)
        .hasMessage("no such file");
    try {
      pool.apply(Tasks::throwChecked, "x");
    } catch (TaskFailedException e) {
      assertThat(e.getCause().getStackTrace()).anyMatch(f -> f.getMethodName().equals("throwChecked"));
    }
    stillWorks();
  }

  @Test
  void stackOverflowErrorArrives() {
    assertThatThrownBy(() -> pool.apply(Tasks::recurse, 0))
        .isInstanceOf(TaskFailedException.class)
        .cause()
        .isExactlyInstanceOf(StackOverflowError.class);
    stillWorks();
  }

  @Test
  void unserializableExceptionBecomesRemoteException() {
    assertThatThrownBy(() -> pool.apply(Tasks::throwUnserializable, "bad payload"))
        .isInstanceOf(TaskFailedException.class)
        .cause()
        .isExactlyInstanceOf(RemoteException.class)
        .satisfies(c -> {
          RemoteException r = (RemoteException) c;
          assertThat(r.remoteClassName()).isEqualTo(Tasks.UnserializableException.class.getName());
          assertThat(r.remoteMessage()).isEqualTo("bad payload");
          assertThat(r.getStackTrace()).anyMatch(f -> f.getMethodName().equals("throwUnserializable"));
        });
    stillWorks();
  }

  @Test
  void systemExitFailsTheTaskWithExitCodeAndTheWorkerIsReplaced() {
    List<Long> before = pool.workerPids();
    assertThatThrownBy(() -> pool.apply(Tasks::exitWith, 7))
        .isInstanceOf(TaskFailedException.class)
        .cause()
        .isExactlyInstanceOf(WorkerCrashedException.class)
        .hasMessageContaining("exited with code 7")
        .hasMessageContaining("System.exit")
        .satisfies(c -> assertThat(((WorkerCrashedException) c).exitCode()).isEqualTo(7));
    stillWorks();
    assertThat(pool.workerPids()).isNotEqualTo(before);
  }

  @Test
  void haltFailsTheTask() {
    assertThatThrownBy(() -> pool.apply(Tasks::haltWith, 3))
        .cause()
        .isExactlyInstanceOf(WorkerCrashedException.class)
        .hasMessageContaining("exited with code 3");
    stillWorks();
  }

  @Test
  void sigkillNamesTheSignalAndPid() {
    AsyncResult<Object> r = pool.applyAsync(Tasks::killSelf, "KILL");
    assertThatThrownBy(r::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isExactlyInstanceOf(WorkerCrashedException.class)
        .hasMessageContaining("signal 9")
        .hasMessageContaining("SIGKILL")
        .satisfies(c -> {
          WorkerCrashedException w = (WorkerCrashedException) c;
          assertThat(w.signal()).isEqualTo(9);
          assertThat(w.getMessage()).contains("pid " + w.pid());
        });
    stillWorks();
  }

  @Test
  void aDeathFailsOnlyTheTaskThatWasRunning() throws Exception {
    List<Object> items = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      items.add(i == 7 ? -1 : i);
    }
    try (ResultIterator<Object> it = pool.imap(x -> (Integer) x < 0 ? Tasks.exitWith(9) : Tasks.square((Integer) x), items)) {
      for (int i = 0; i < 20; i++) {
        if (i == 7) {
          int index = i;
          assertThatThrownBy(it::next)
              .isInstanceOf(TaskFailedException.class)
              .satisfies(e -> assertThat(((TaskFailedException) e).index()).isEqualTo(index))
              .cause()
              .isInstanceOf(WorkerCrashedException.class);
        } else {
          assertThat(it.next()).isEqualTo(i * i);
        }
      }
      assertThat(it.hasNext()).isFalse();
    }
    stillWorks();
  }

  @Test
  void unserializableFunctionNamesTheClass() {
    Tasks.Opaque captured = new Tasks.Opaque(3);
    assertThatThrownBy(() -> pool.map(x -> (Integer) x + captured.value, List.of(1, 2)))
        .isInstanceOf(TaskFailedException.class)
        .cause()
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining(Tasks.Opaque.class.getName());
    stillWorks();
  }

  @Test
  void unserializableArgumentFailsOnlyItsItem() {
    List<Object> items = Arrays.asList(1, new Tasks.Opaque(2), 3, new Tasks.FailsOnWrite(), 5);
    try (ResultIterator<Object> it = pool.imap(x -> x instanceof Integer ? Tasks.square((Integer) x) : "?", items, 5)) {
      assertThat(it.next()).isEqualTo(1);
      assertThatThrownBy(it::next).cause().isInstanceOf(NotSerializableException.class)
          .hasMessageContaining(Tasks.Opaque.class.getName());
      assertThat(it.next()).isEqualTo(9);
      assertThatThrownBy(it::next).cause().hasMessageContaining("FailsOnWrite refuses");
      assertThat(it.next()).isEqualTo(25);
    }
    stillWorks();
  }

  @Test
  void argumentThatFailsToDeserializeInTheWorker() {
    assertThatThrownBy(() -> pool.apply(x -> "ran", new Tasks.FailsOnRead()))
        .cause()
        .hasMessageContaining("FailsOnRead refuses to be read")
        .satisfies(c -> assertThat(c.getStackTrace()).anyMatch(f -> f.getClassName().contains("WorkerMain")));
    stillWorks();
  }

  @Test
  void argumentWhoseDeserializationKillsTheWorker() {
    assertThatThrownBy(() -> pool.apply(x -> "ran", new Tasks.ExitsOnRead()))
        .cause()
        .isExactlyInstanceOf(WorkerCrashedException.class)
        .hasMessageContaining("exited with code 42");
    stillWorks();
  }

  @Test
  void unserializableResultNamesTheClass() {
    assertThatThrownBy(() -> pool.apply(Tasks::returnOpaque, 1))
        .cause()
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining("result")
        .hasMessageContaining(Tasks.Opaque.class.getName());
    stillWorks();
  }

  @Test
  void closedPoolRejectsWorkButTheOpenOneDoesNot() {
    assertThatThrownBy(() -> pool.map(null, List.of(1))).isInstanceOf(NullPointerException.class).hasMessageContaining("fn");
    assertThatThrownBy(() -> pool.map(Tasks::square, List.of(1), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chunksize");
    stillWorks();
  }

  @Test
  void resultThatFailsToDeserializeInTheCaller() {
    assertThatThrownBy(() -> pool.apply(Tasks::returnUnreadable, 1))
        .cause()
        .isInstanceOf(java.io.InvalidObjectException.class)
        .hasMessageContaining("cannot be read in the caller");
    stillWorks();
  }

  @Test
  void exceptionThatCannotBeRebuiltInTheCallerBecomesRemoteException() {
    assertThatThrownBy(() -> pool.apply(Tasks::throwUnreadable, "lost in transit"))
        .cause()
        .isExactlyInstanceOf(RemoteException.class)
        .hasMessageContaining(Tasks.UnreadableException.class.getName())
        .hasMessageContaining("lost in transit");
    stillWorks();
  }
}
