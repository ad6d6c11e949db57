package io.procpool.hazelcast.internal;

import io.procpool.SerializableRunnable;
import java.time.Duration;
import java.util.List;

/** A {@code ClusterPool}'s settings, copied from its builder. Immutable. */
public final class ClusterSettings {
  public final String clusterName;
  public final List<String> members;
  public final byte[] secret;
  public final int retries;
  /** Null for none. */
  public final Duration taskTimeout;
  public final int maxTasksPerChild;
  /** Null for the default. */
  public final String serialFilter;
  /** Null for none. */
  public final SerializableRunnable initializer;
  /** How long {@code build()} waits for the cluster and its agents, and queued work waits when no agent is left. */
  public final Duration agentTimeout;
  /** How many agents {@code build()} waits for. */
  public final int minAgents;
  /** The workers asked for across the cluster, or 0 for every worker of every agent. */
  public final int workers;

  public ClusterSettings(String clusterName, List<String> members, byte[] secret, int retries, Duration taskTimeout,
      int maxTasksPerChild, String serialFilter, SerializableRunnable initializer, Duration agentTimeout, int minAgents, int workers) {
    this.clusterName = clusterName;
    this.members = List.copyOf(members);
    this.secret = secret.clone();
    this.retries = retries;
    this.taskTimeout = taskTimeout;
    this.maxTasksPerChild = maxTasksPerChild;
    this.serialFilter = serialFilter;
    this.initializer = initializer;
    this.agentTimeout = agentTimeout;
    this.minAgents = minAgents;
    this.workers = workers;
  }
}
