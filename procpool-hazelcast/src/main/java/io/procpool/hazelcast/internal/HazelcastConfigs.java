package io.procpool.hazelcast.internal;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import java.time.Duration;
import java.util.List;

/**
 * The Hazelcast configuration of an agent (member) and of a driver (client): TCP-IP join with the
 * listed addresses (no multicast, no auto-detection), members bound to one interface, fast
 * heartbeats so that a dead agent or driver is noticed within seconds, no phone-home, logging
 * through SLF4J, and procpool's message factory. Stateless.
 */
public final class HazelcastConfigs {
  /** The executor service that carries {@link AgentCall}s. */
  public static final String EXECUTOR = "procpool";
  /** Heartbeat period of members and clients. */
  public static final Duration HEARTBEAT = Duration.ofSeconds(1);
  /** Silence after which a member or client counts as gone (a cut-off machine; a killed one is seen at once). */
  public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(5);

  private HazelcastConfigs() {}

  private static void common(java.util.Properties p) {
    p.setProperty("hazelcast.phone.home.enabled", "false");
    p.setProperty("hazelcast.logging.type", System.getProperty("hazelcast.logging.type", "slf4j"));
    p.setProperty("hazelcast.shutdownhook.enabled", "false");
  }

  /** The member configuration of an agent. */
  public static Config member(String clusterName, String iface, int port, List<String> join, int processes,
      AgentRuntime runtime) {
    Config c = new Config();
    c.setClusterName(clusterName);
    c.setInstanceName("procpool-agent-" + iface + "-" + port);
    java.util.Properties p = c.getProperties();
    common(p);
    p.setProperty("hazelcast.socket.bind.any", "false");
    p.setProperty("hazelcast.heartbeat.interval.seconds", String.valueOf(HEARTBEAT.toSeconds()));
    p.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(HEARTBEAT_TIMEOUT.toSeconds()));
    p.setProperty("hazelcast.client.max.no.heartbeat.seconds", String.valueOf(HEARTBEAT_TIMEOUT.toSeconds()));
    p.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    p.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    NetworkConfig n = c.getNetworkConfig();
    n.setPort(port).setPortAutoIncrement(false);
    n.getInterfaces().setEnabled(true).addInterface(iface);
    JoinConfig j = n.getJoin();
    j.getMulticastConfig().setEnabled(false);
    j.getAutoDetectionConfig().setEnabled(false);
    j.getTcpIpConfig().setEnabled(true).setMembers(join.isEmpty() ? List.of(iface + ":" + port) : join);
    c.getSerializationConfig().addDataSerializableFactory(CallFactory.ID, new CallFactory());
    JavaSerializationFilterConfig filter = new JavaSerializationFilterConfig();
    filter.setDefaultsDisabled(false);
    filter.getWhitelist().addPrefixes("com.hazelcast.", "java.lang.", "java.util.", "java.time.", "java.math.");
    c.getSerializationConfig().setJavaSerializationFilterConfig(filter);
    c.getExecutorConfig(EXECUTOR).setPoolSize(Math.max(16, processes * 4 + 8)).setStatisticsEnabled(false);
    c.getUserContext().put(AgentRuntime.USER_CONTEXT_KEY, runtime);
    return c;
  }

  /** The client configuration of a driver. */
  public static ClientConfig client(String clusterName, List<String> members, Duration connectTimeout, String name) {
    ClientConfig c = new ClientConfig();
    c.setClusterName(clusterName);
    c.setInstanceName(name);
    java.util.Properties p = c.getProperties();
    common(p);
    p.setProperty("hazelcast.client.heartbeat.interval", String.valueOf(HEARTBEAT.toMillis()));
    p.setProperty("hazelcast.client.heartbeat.timeout", String.valueOf(HEARTBEAT_TIMEOUT.toMillis()));
    p.setProperty("hazelcast.client.statistics.enabled", "false");
    c.getNetworkConfig().setAddresses(members).setRedoOperation(false);
    c.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(connectTimeout.toMillis())
        .setInitialBackoffMillis(100).setMaxBackoffMillis(1000);
    c.getSerializationConfig().addDataSerializableFactory(CallFactory.ID, new CallFactory());
    return c;
  }
}
