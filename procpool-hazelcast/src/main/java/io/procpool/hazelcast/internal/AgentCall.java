package io.procpool.hazelcast.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * One request from a driver to an agent, carried by Hazelcast's executor service: its kind, the
 * driver's id, a payload of plain bytes and the payload's signature. Hazelcast reads only these
 * four fields (no Java serialization); the agent checks the signature before it looks at the
 * payload, and answers with {@code signature || body}, signed over the request's signature too
 * (so an answer cannot be replayed for another request). Immutable once sent; runs on a Hazelcast
 * executor thread of the agent.
 */
public final class AgentCall implements Callable<byte[]>, IdentifiedDataSerializable, HazelcastInstanceAware {
  /** Open a driver's session: its settings and class path (answer: ready, or the jars missing). */
  public static final byte OPEN = 1;
  /** One jar of the driver's class path, by its hash. */
  public static final byte JAR = 2;
  /** Run a batch: {@code int items, batch body}; answer: the result body. */
  public static final byte BATCH = 3;
  /**
   * Run several batches sent together: {@code int n, n × (int length, BATCH payload)}; answer:
   * {@code int n, n × (int length, result body)}, in the same order.
   */
  public static final byte BATCHES = 7;
  /** Close the session: its workers finish and exit. */
  public static final byte CLOSE = 4;
  /** Terminate the session: its workers are killed. */
  public static final byte TERMINATE = 5;
  /** The session's worker figures. */
  public static final byte STATS = 6;

  private byte kind;
  private String driverId;
  private byte[] payload;
  private byte[] signature;
  private transient HazelcastInstance instance;

  /** For Hazelcast's deserialization. */
  public AgentCall() {}

  /** A signed request. */
  public static AgentCall signed(Signer signer, byte kind, String driverId, byte[] payload) {
    AgentCall c = new AgentCall();
    c.kind = kind;
    c.driverId = driverId;
    c.payload = payload;
    c.signature = signer.sign(new byte[] {kind}, driverId.getBytes(StandardCharsets.UTF_8), payload);
    return c;
  }

  /** A request with the given signature, right or not (for tests of the agents' checks). */
  static AgentCall withSignature(byte kind, String driverId, byte[] payload, byte[] signature) {
    AgentCall c = new AgentCall();
    c.kind = kind;
    c.driverId = driverId;
    c.payload = payload;
    c.signature = signature;
    return c;
  }

  /** Whether this request was signed with {@code signer}'s secret. */
  public boolean verify(Signer signer) {
    return driverId != null && payload != null
        && signer.verify(signature, new byte[] {kind}, driverId.getBytes(StandardCharsets.UTF_8), payload);
  }

  /** The signed answer to this request: {@code signature || body}. */
  public byte[] answer(Signer signer, byte[] body) {
    byte[] mac = signer.sign(new byte[] {kind}, driverId.getBytes(StandardCharsets.UTF_8), signature, body);
    byte[] out = Arrays.copyOf(mac, Signer.LENGTH + body.length);
    System.arraycopy(body, 0, out, Signer.LENGTH, body.length);
    return out;
  }

  /**
   * The body of an answer to this request, checked.
   *
   * @throws SecurityException if the answer is not signed with {@code signer}'s secret
   */
  public byte[] body(Signer signer, byte[] answer) {
    if (answer == null || answer.length < Signer.LENGTH) {
      throw new SecurityException("an answer without a signature: the member is not an agent of this cluster's secret");
    }
    byte[] mac = Arrays.copyOf(answer, Signer.LENGTH);
    byte[] body = Arrays.copyOfRange(answer, Signer.LENGTH, answer.length);
    if (!signer.verify(mac, new byte[] {kind}, driverId.getBytes(StandardCharsets.UTF_8), signature, body)) {
      throw new SecurityException("an answer with a wrong signature: the member does not hold this cluster's secret");
    }
    return body;
  }

  public byte kind() {
    return kind;
  }

  public String driverId() {
    return driverId;
  }

  public byte[] payload() {
    return payload;
  }

  @Override
  public byte[] call() throws Exception {
    Object agent = instance == null ? null : instance.getUserContext().get(AgentRuntime.USER_CONTEXT_KEY);
    if (!(agent instanceof AgentRuntime)) {
      throw new IllegalStateException("this Hazelcast member runs no procpool agent");
    }
    return ((AgentRuntime) agent).handle(this);
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance instance) {
    this.instance = instance;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeByte(kind);
    out.writeString(driverId);
    out.writeByteArray(payload);
    out.writeByteArray(signature);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    kind = in.readByte();
    driverId = in.readString();
    payload = in.readByteArray();
    signature = in.readByteArray();
  }

  @Override
  public int getFactoryId() {
    return CallFactory.ID;
  }

  @Override
  public int getClassId() {
    return CallFactory.AGENT_CALL;
  }
}
