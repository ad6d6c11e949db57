package io.procpool.hazelcast.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's jar cache: stored by hash, checked, and bounded (least recently used first, never a jar in use). */
class JarCacheTest {
  private static byte[] jar(int seed, int size) {
    byte[] b = new byte[size];
    java.util.Arrays.fill(b, (byte) seed);
    return b;
  }

  private static String hash(byte[] b) {
    return HexFormat.of().formatHex(ClassPathBundle.digest().digest(b));
  }

  /** Puts {@code b} and dates it {@code minutesAgo} back (its last use, for pruning). */
  private static String put(JarCache c, byte[] b, int minutesAgo) throws IOException {
    String h = hash(b);
    Path p = c.put(h, b);
    Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() - minutesAgo * 60_000L));
    return h;
  }

  @Test
  void aJarWhoseContentDoesNotMatchItsHashIsRefused(@TempDir Path dir) throws IOException {
    JarCache c = new JarCache(dir);
    assertThatThrownBy(() -> c.put(hash(jar(1, 10)), jar(2, 10))).isInstanceOf(IOException.class).hasMessageContaining("has the hash");
    assertThatThrownBy(() -> c.put("not-a-hash", jar(1, 10))).isInstanceOf(IOException.class).hasMessageContaining("SHA-256");
    assertThat(c.file(hash(jar(1, 10)))).isNull();
  }

  @Test
  void overItsLimitTheLeastRecentlyUsedUnpinnedJarsGoFirst(@TempDir Path dir) throws IOException {
    JarCache c = new JarCache(dir, 2500);
    String oldest = put(c, jar(1, 1000), 30);
    String pinned = put(c, jar(2, 1000), 20);
    c.pin(List.of(pinned));
    Files.setLastModifiedTime(c.file(pinned), FileTime.fromMillis(System.currentTimeMillis() - 40 * 60_000L)); // the oldest now
    String newest = put(c, jar(3, 1000), 0); // 3000 bytes > 2500: one must go
    assertThat(c.file(oldest)).as("least recently used, not pinned").isNull();
    assertThat(Files.exists(dir.resolve(oldest + ".jar"))).isFalse();
    assertThat(c.file(pinned)).as("in use by a session").isNotNull();
    assertThat(c.file(newest)).isNotNull();
    assertThat(c.missing(List.of(new ClassPathBundle.Entry(oldest, "a.jar", 1000, null)))).containsExactly(oldest);

    c.unpin(List.of(pinned));
    put(c, jar(4, 1000), 0);
    assertThat(c.file(pinned)).as("unpinned and the least recently used").isNull();
  }

  @Test
  void theNewestJarStaysEvenIfAloneItIsOverTheLimitAndAReopenedCacheKnowsItsJars(@TempDir Path dir) throws IOException {
    JarCache c = new JarCache(dir, 100);
    String big = put(c, jar(5, 1000), 0);
    assertThat(c.file(big)).isNotNull();
    assertThat(new JarCache(dir, 100).file(big)).isEqualTo(dir.resolve(big + ".jar"));
    assertThatThrownBy(() -> new JarCache(dir, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
  }
}
