package io.procpool.hazelcast.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Signatures of calls and answers, without a cluster: what the agents and drivers check first. */
class SignedCallsTest {
  private final Signer signer = new Signer("the-cluster-secret-0123".getBytes(StandardCharsets.UTF_8));
  private final Signer other = new Signer("another-secret-456789ab".getBytes(StandardCharsets.UTF_8));

  @Test
  void aSignedCallVerifiesAndATamperedOneDoesNot() {
    AgentCall c = AgentCall.signed(signer, AgentCall.BATCH, "driver-1", new byte[] {1, 2, 3});
    assertThat(c.verify(signer)).isTrue();
    assertThat(c.verify(other)).isFalse();
    AgentCall tampered = AgentCall.withSignature(AgentCall.BATCH, "driver-1", new byte[] {1, 2, 4}, signature(c));
    assertThat(tampered.verify(signer)).isFalse();
    AgentCall otherKind = AgentCall.withSignature(AgentCall.OPEN, "driver-1", new byte[] {1, 2, 3}, signature(c));
    assertThat(otherKind.verify(signer)).isFalse();
    assertThat(AgentCall.withSignature(AgentCall.BATCH, "driver-1", new byte[] {1, 2, 3}, null).verify(signer)).isFalse();
  }

  @Test
  void anAnswerIsBoundToItsRequestAndSecret() {
    AgentCall c = AgentCall.signed(signer, AgentCall.STATS, "driver-1", new byte[0]);
    byte[] answer = c.answer(signer, new byte[] {9, 9});
    assertThat(c.body(signer, answer)).containsExactly(9, 9);
    assertThatThrownBy(() -> c.body(other, answer)).isInstanceOf(SecurityException.class);
    AgentCall another = AgentCall.signed(signer, AgentCall.STATS, "driver-1", new byte[] {0});
    assertThatThrownBy(() -> another.body(signer, answer)).isInstanceOf(SecurityException.class)
        .hasMessageContaining("wrong signature");
    assertThatThrownBy(() -> c.body(signer, new byte[3])).isInstanceOf(SecurityException.class);
    byte[] flipped = answer.clone();
    flipped[flipped.length - 1] ^= 1;
    assertThatThrownBy(() -> c.body(signer, flipped)).isInstanceOf(SecurityException.class);
  }

  @Test
  void aShortSecretIsRefused() {
    assertThatThrownBy(() -> new Signer(new byte[15])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 16");
  }

  @Test
  void sessionSettingsRoundTrip() throws Exception {
    SessionSettings s = new SessionSettings("1@host", 2, 1500, 7, "java.base/*;!*", new byte[] {5}, 3,
        java.util.List.of(new ClassPathBundle.Entry("ab".repeat(32), "x.jar", 10, null)));
    SessionSettings r = SessionSettings.fromBytes(s.toBytes());
    assertThat(r.driver).isEqualTo("1@host");
    assertThat(r.retries).isEqualTo(2);
    assertThat(r.taskTimeoutMillis).isEqualTo(1500);
    assertThat(r.maxTasksPerChild).isEqualTo(7);
    assertThat(r.serialFilter).isEqualTo("java.base/*;!*");
    assertThat(r.initializer).containsExactly(5);
    assertThat(r.maxWorkers).isEqualTo(3);
    assertThat(r.classPath).singleElement().satisfies(e -> assertThat(e.sha256).isEqualTo("ab".repeat(32)));
  }

  private static byte[] signature(AgentCall c) {
    // the signature travels in the serialized form; recompute it the way signed() does
    return new Signer("the-cluster-secret-0123".getBytes(StandardCharsets.UTF_8)).sign(new byte[] {c.kind()},
        c.driverId().getBytes(StandardCharsets.UTF_8), c.payload());
  }
}
