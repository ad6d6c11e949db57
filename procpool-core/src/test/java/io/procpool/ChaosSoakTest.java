package io.procpool;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chaos test at ten times the size: 100,000 tasks while workers are SIGKILLed every 300 ms,
 * with and without retries. Not in the default run: {@code mvn -pl procpool-core test -Pstress}
 * (CI runs it when time allows).
 */
@Tag("stress")
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ChaosSoakTest {
  private static final int TASKS = Integer.getInteger("procpool.soak.tasks", 100_000);

  @Test
  void withRetriesEveryResultArrivesExactlyOnceAndCorrect() throws Exception {
    ChaosTest.withRetries(TASKS);
  }

  @Test
  void withoutRetriesEveryTaskEndsWithAResultOrACrash() throws Exception {
    ChaosTest.withoutRetries(TASKS);
  }
}
