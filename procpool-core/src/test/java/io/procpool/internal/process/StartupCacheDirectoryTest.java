package io.procpool.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the startup cache lives by default, how it is turned off, and how many archives it keeps. */
class StartupCacheDirectoryTest {
  private static final String LINUX = "Linux";

  @Test
  void theDefaultIsTheUsersXdgCacheElseDotCache() {
    assertThat(StartupCacheDirectory.resolve(null, Map.of("XDG_CACHE_HOME", "/var/cache/me"), "/home/me", LINUX))
        .isEqualTo(Path.of("/var/cache/me/procpool"));
    assertThat(StartupCacheDirectory.resolve(null, Map.of(), "/home/me", LINUX)).isEqualTo(Path.of("/home/me/.cache/procpool"));
    // the XDG spec: a relative XDG_CACHE_HOME is ignored
    assertThat(StartupCacheDirectory.resolve(null, Map.of("XDG_CACHE_HOME", "rel"), "/home/me", LINUX))
        .isEqualTo(Path.of("/home/me/.cache/procpool"));
    assertThat(StartupCacheDirectory.resolve(null, Map.of(), null, LINUX)).isNull();
  }

  @Test
  void thePropertyWinsOverTheEnvironmentAndOffTurnsItOff() {
    Map<String, String> env = Map.of("PROCPOOL_STARTUP_CACHE", "/env/dir", "XDG_CACHE_HOME", "/x");
    assertThat(StartupCacheDirectory.resolve(null, env, "/h", LINUX)).isEqualTo(Path.of("/env/dir"));
    assertThat(StartupCacheDirectory.resolve("/prop/dir", env, "/h", LINUX)).isEqualTo(Path.of("/prop/dir"));
    for (String off : List.of("off", "OFF", "false", "none", "0", " off ")) {
      assertThat(StartupCacheDirectory.resolve(off, env, "/h", LINUX)).as(off).isNull();
      assertThat(StartupCacheDirectory.resolve(null, Map.of("PROCPOOL_STARTUP_CACHE", off), "/h", LINUX)).as(off).isNull();
    }
    assertThat(StartupCacheDirectory.resolve("  ", env, "/h", LINUX)).as("a blank property is unset").isEqualTo(Path.of("/env/dir"));
  }

  @Test
  void windowsUsesLocalAppData() {
    assertThat(StartupCacheDirectory.resolve(null, Map.of("LOCALAPPDATA", "/appdata"), "/h", "Windows 11"))
        .isEqualTo(Path.of("/appdata", "procpool"));
  }

  @Test
  void pruningKeepsTheMostRecentlyUsedWithinCountAndSize(@TempDir Path dir) throws IOException {
    long now = System.currentTimeMillis();
    for (int i = 0; i < 6; i++) { // archive i was last used i minutes ago, 10 bytes each
      Path a = Files.write(dir.resolve("procpool-a" + i + ".jsa"), new byte[10]);
      Files.setLastModifiedTime(a, FileTime.fromMillis(now - i * 60_000L));
    }
    Path other = Files.write(dir.resolve("notes.txt"), new byte[100]);
    Path staleRecording = Files.write(dir.resolve("procpool-a9.jsa.1234.tmp"), new byte[10]);
    Files.setLastModifiedTime(staleRecording, FileTime.fromMillis(now - StartupCacheDirectory.STALE_RECORDING.toMillis() - 60_000));
    Path liveRecording = Files.write(dir.resolve("procpool-a8.jsa.5678.tmp"), new byte[10]);

    assertThat(StartupCacheDirectory.prune(dir, 4, 1000)).isEqualTo(3); // a4, a5 and the stale recording
    assertThat(names(dir)).containsExactlyInAnyOrder("procpool-a0.jsa", "procpool-a1.jsa", "procpool-a2.jsa",
        "procpool-a3.jsa", liveRecording.getFileName().toString(), other.getFileName().toString());

    assertThat(StartupCacheDirectory.prune(dir, 4, 25)).isEqualTo(2); // 25 bytes: two archives of 10
    assertThat(names(dir)).contains("procpool-a0.jsa", "procpool-a1.jsa").doesNotContain("procpool-a2.jsa", "procpool-a3.jsa");

    assertThat(StartupCacheDirectory.prune(dir, 4, 1)).as("the newest is kept even above the size").isEqualTo(1);
    assertThat(names(dir)).contains("procpool-a0.jsa").doesNotContain("procpool-a1.jsa");
  }

  @Test
  void aTouchedArchiveCountsAsRecentlyUsed(@TempDir Path dir) throws IOException {
    Path old = Files.write(dir.resolve("procpool-old.jsa"), new byte[1]);
    Files.setLastModifiedTime(old, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    Path newer = Files.write(dir.resolve("procpool-new.jsa"), new byte[1]);
    Files.setLastModifiedTime(newer, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
    StartupCacheDirectory.touch(old);
    StartupCacheDirectory.prune(dir, 1, 1000);
    assertThat(names(dir)).containsExactly("procpool-old.jsa");
  }

  @Test
  void aMissingDirectoryIsNotAnError(@TempDir Path dir) {
    assertThat(StartupCacheDirectory.prune(dir.resolve("absent"), 8, 1 << 20)).isZero();
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toList());
    }
  }
}
