package io.procpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procpool.testing.Tasks;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Backend-agnostic configuration through {@link PoolBuilder}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PoolBuilderTest {

  static Stream<PoolBuilder<?>> builders() {
    return Stream.of(ProcessPool.builder(), ThreadPool.builder());
  }

  /** Code that does not care which backend runs it. */
  static Pool start(PoolBuilder<?> builder, ProgressListener listener) {
    return builder.processes(2).initializer(() -> System.setProperty("ready", "yes")).progressListener(listener).build();
  }

  @ParameterizedTest
  @MethodSource("builders")
  void theSharedSettingsWorkOnEveryBackend(PoolBuilder<?> builder) {
    List<Progress> events = new CopyOnWriteArrayList<>();
    try (Pool pool = start(builder, events::add)) {
      assertThat(pool.processes()).isEqualTo(2);
      assertThat(pool.map(x -> System.getProperty("ready"), List.of(1, 2, 3), 1)).containsOnly("yes");
    }
    assertThat(events).isNotEmpty();
  }

  @ParameterizedTest
  @MethodSource("builders")
  void badSettingsAreRejectedAtTheCall(PoolBuilder<?> builder) {
    assertThatThrownBy(() -> builder.processes(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("processes: 0");
    assertThatThrownBy(() -> builder.initializer(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("initializer");
    assertThatThrownBy(() -> builder.progressListener(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("listener");
    assertThatThrownBy(() -> builder.imapLookahead(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxItems: 0");
    assertThatThrownBy(() -> builder.imapLookahead(-5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxItems: -5");
    try (Pool pool = builder.processes(1).build()) {
      assertThat(pool.apply(Tasks::square, 6)).isEqualTo(36);
    }
  }
}
