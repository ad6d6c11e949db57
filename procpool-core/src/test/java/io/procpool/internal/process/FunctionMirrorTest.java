package io.procpool.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.internal.wire.Protocol;
import org.junit.jupiter.api.Test;

/** The parent's mirror of a worker's function cache evicts what the worker's cache evicts. */
class FunctionMirrorTest {
  @Test
  void aFunctionGoesOnceThenAgainOnlyAfterItWasEvictedOrForgotten() {
    FunctionMirror m = new FunctionMirror();
    assertThat(m.send(1)).isTrue();
    assertThat(m.send(1)).isFalse();
    for (long k = 2; k <= Protocol.FUNCTION_CACHE + 1; k++) {
      assertThat(m.send(k)).as("key %d", k).isTrue();
    }
    assertThat(m.send(1)).as("evicted: the worker's cache of the same size dropped it too").isTrue();
    m.forget();
    assertThat(m.send(1)).isTrue();
  }
}
