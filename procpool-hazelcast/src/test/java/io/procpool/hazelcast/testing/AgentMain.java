package io.procpool.hazelcast.testing;

import io.procpool.hazelcast.Agent;
import java.nio.file.Path;

/**
 * An agent JVM for tests: {@code AgentMain <cluster> <port> <join,...> <secretFile> <processes>
 * <cacheDir>}. Prints {@code AGENT READY <address>} once its member runs; exits when its stdin
 * closes (the test JVM died: no orphan) and stops gracefully on SIGTERM.
 */
public final class AgentMain {
  private AgentMain() {}

  public static void main(String[] args) throws Exception {
    Agent agent = Agent.builder().clusterName(args[0]).interfaceAddress("127.0.0.1").port(Integer.parseInt(args[1]))
        .join(args[2].split(",")).secretFile(Path.of(args[3])).processes(Integer.parseInt(args[4]))
        .cacheDirectory(Path.of(args[5])).jvmOptions("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1").build();
    Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "agent-shutdown"));
    System.out.println("AGENT READY " + agent.address());
    System.out.flush();
    while (System.in.read() >= 0) {
      // stdin stays open while the test JVM lives
    }
    agent.kill();
    Runtime.getRuntime().halt(0);
  }
}
