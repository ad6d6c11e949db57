package io.procpool.hazelcast.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Agent JVMs for one test class: started before the class's own {@code @BeforeAll} methods and
 * stopped after its {@code @AfterAll} methods (so that a suite's shared pool is made and ended
 * while the agents run), leaving no process behind. Register it as a static field with {@code
 * @RegisterExtension}.
 */
public final class ClusterExtension implements BeforeAllCallback, AfterAllCallback {
  private final int agents;
  private final int processes;
  private ClusterFixture fixture;

  public ClusterExtension(int agents, int processes) {
    this.agents = agents;
    this.processes = processes;
  }

  public ClusterFixture fixture() {
    return fixture;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    fixture = new ClusterFixture(context.getRequiredTestClass().getSimpleName() + "-" + ProcessHandle.current().pid(),
        processes).reserve(agents);
    fixture.startAgents(agents);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (fixture != null) {
      fixture.close();
    }
  }
}
