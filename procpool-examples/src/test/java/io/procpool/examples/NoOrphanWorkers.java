package io.procpool.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** After each test, checks that this JVM has no child process left: every pool was closed. */
final class NoOrphanWorkers implements AfterEachCallback {
  @Override
  public void afterEach(ExtensionContext context) {
    assertNone(context.getDisplayName());
  }

  /** Fails if this JVM still has a live child process. */
  static void assertNone(String when) {
    List<String> alive =
        ProcessHandle.current().children()
            .filter(ProcessHandle::isAlive)
            .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
            .toList();
    assertThat(alive).as("worker processes left running after %s", when).isEmpty();
  }
}
