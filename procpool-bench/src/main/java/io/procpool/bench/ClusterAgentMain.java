package io.procpool.bench;

import io.procpool.hazelcast.Agent;
import java.nio.file.Path;

/**
 * One agent JVM of the cluster benchmark ({@link ClusterAgents} starts it with the bench jar as
 * class path): {@code ClusterAgentMain <cluster> <port> <join,...> <secretFile> <processes>
 * <cacheDir>}. Prints {@code AGENT READY <address>} once its member runs. It reads its stdin and
 * kills its workers and exits at end of file, so it dies with the benchmark JVM, however that ends
 * (the benchmark keeps the pipe open and never writes to it). Its workers run with procpool's
 * default JVM options, as the local {@code ProcessPool} the benchmark compares with.
 */
public final class ClusterAgentMain {
  private ClusterAgentMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println("usage: ClusterAgentMain <cluster> <port> <join,...> <secretFile> <processes> <cacheDir>");
      System.exit(2);
    }
    Agent agent = Agent.builder().clusterName(args[0]).interfaceAddress("127.0.0.1").port(Integer.parseInt(args[1]))
        .join(args[2].split(",")).secretFile(Path.of(args[3])).processes(Integer.parseInt(args[4]))
        .cacheDirectory(Path.of(args[5])).build();
    Runtime.getRuntime().addShutdownHook(new Thread(agent::kill, "agent-shutdown"));
    System.out.println("AGENT READY " + agent.address() + " pid " + ProcessHandle.current().pid());
    System.out.flush();
    while (System.in.read() >= 0) {
      // the benchmark JVM holds the other end; end of file: it closed it or died
    }
    agent.kill();
    Runtime.getRuntime().halt(0);
  }
}
