package io.procpool.hazelcast.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procpool.internal.wire.BatchCodec;
import io.procpool.internal.wire.Buf;
import io.procpool.internal.wire.EncodedFunction;
import io.procpool.internal.wire.SerialFilters;
import io.procpool.internal.wire.WireCodec;
import java.io.IOException;
import java.util.HashMap;
import org.junit.jupiter.api.Test;

/** A call's function bytes travel with its first batch only; the agent puts them back into every batch body. */
class BundleFunctionsTest {
  private final BatchCodec messages = new BatchCodec(new WireCodec(getClass().getClassLoader(), SerialFilters.defaultFilter()));
  private final EncodedFunction fn = new EncodedFunction(42L, new byte[] {9, 8, 7, 6, 5}, null);

  private byte[] payload(long batchId, EncodedFunction f, boolean carry, Object... items) {
    Buf out = new Buf(64);
    out.writeInt(items.length);
    messages.writeBatch(out, batchId, f, carry, items, new HashMap<>());
    return out.toByteArray();
  }

  private static byte[] body(byte[] payload) {
    return java.util.Arrays.copyOfRange(payload, 4, payload.length);
  }

  @Test
  void laterBatchesGetTheBytesOfTheFirstAndEqualBodiesSentWithThem() throws IOException {
    byte[][] sent = {payload(1, fn, true, 10L), payload(2, fn, false, 20L, "x"), payload(3, fn, false)};
    Object[] bodies = BundleFunctions.bodies(sent);
    assertThat(sent[1].length).isLessThan(payload(2, fn, true, 20L, "x").length);
    assertThat((byte[]) bodies[0]).isEqualTo(body(payload(1, fn, true, 10L)));
    assertThat((byte[]) bodies[1]).isEqualTo(body(payload(2, fn, true, 20L, "x")));
    assertThat((byte[]) bodies[2]).isEqualTo(body(payload(3, fn, true)));
  }

  @Test
  void aBatchWithoutItsFunctionsBytesAndNoEarlierCarrierIsRefusedByName() {
    EncodedFunction other = new EncodedFunction(43L, new byte[] {1}, null);
    assertThatThrownBy(() -> BundleFunctions.bodies(new byte[][] {payload(5, fn, false, 1L)}))
        .isInstanceOf(IOException.class).hasMessageContaining("batch 5").hasMessageContaining("function's bytes");
    assertThatThrownBy(() -> BundleFunctions.bodies(new byte[][] {payload(5, fn, true, 1L), payload(6, other, false, 1L)}))
        .isInstanceOf(IOException.class).hasMessageContaining("batch 6");
    assertThatThrownBy(() -> BundleFunctions.bodies(new byte[][] {new byte[7]})).isInstanceOf(IOException.class)
        .hasMessageContaining("too short");
  }
}
