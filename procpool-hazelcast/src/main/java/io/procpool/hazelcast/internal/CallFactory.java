package io.procpool.hazelcast.internal;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/** Makes procpool's Hazelcast messages by id: registered on every member and client. Stateless. */
public final class CallFactory implements DataSerializableFactory {
  /** procpool's factory id ("pp" in ASCII, plus one). */
  public static final int ID = 0x7070_0001;
  static final int AGENT_CALL = 1;

  @Override
  public IdentifiedDataSerializable create(int typeId) {
    return typeId == AGENT_CALL ? new AgentCall() : null;
  }
}
