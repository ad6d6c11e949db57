package io.procpool.hazelcast.internal;

import com.hazelcast.cluster.Member;
import io.procpool.internal.Batch;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The driver's view of one agent: its member, its address and number of workers once its session
 * is open, and the batches it holds now. Guarded by the {@link AgentSet}'s lock (every field but
 * the final ones).
 */
final class AgentLink {
  final Member member;
  final UUID uuid;
  /** Index of this agent in the pool (worker ids are derived from it). */
  final int index;
  String address;
  int processes;
  long pid;
  boolean ready;
  boolean gone;
  /** Batches sent and not answered, by batch id, with what the driver fails itself (items it could not encode). */
  final Map<Long, Sent> inflight = new HashMap<>();

  AgentLink(Member member, int index) {
    this.member = member;
    this.uuid = member.getUuid();
    this.index = index;
    this.address = member.getAddress().getHost() + ":" + member.getAddress().getPort();
  }

  /** One batch on its way: the batch, the items the driver fails itself, when it was sent. */
  static final class Sent {
    final Batch batch;
    final Map<Integer, Throwable> localFailures;
    final long sentNanos;

    Sent(Batch batch, Map<Integer, Throwable> localFailures, long sentNanos) {
      this.batch = batch;
      this.localFailures = localFailures;
      this.sentNanos = sentNanos;
    }
  }

  @Override
  public String toString() {
    return "agent " + address;
  }
}
