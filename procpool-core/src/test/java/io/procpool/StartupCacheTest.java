package io.procpool;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.testing.Processes;
import io.procpool.testing.Tasks;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ProcessPool.Builder.startupCache}: recorded once, then used; never in the way. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StartupCacheTest {

  @Test
  void aClassPathWithDirectoriesRecordsNothingAndThePoolWorks(@TempDir Path cache) throws Exception {
    // Surefire's class path holds target/classes: HotSpot cannot archive from directories
    try (ProcessPool pool = ProcessPool.builder().processes(1).startupCache(cache).build()) {
      assertThat(pool.map(Tasks::square, List.of(1, 2, 3))).containsExactly(1, 4, 9);
    }
    try (Stream<Path> files = Files.list(cache)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void theFirstPoolRecordsTheArchiveAndTheNextStartsFromIt(@TempDir Path dir) throws Exception {
    String cp = jarsOnlyClassPath(dir);
    Path cache = dir.resolve("cache");
    List<String> cmd = List.of(Processes.java(), "-cp", cp, "io.procpool.testing.StartupCacheMain", cache.toString());

    String first = Processes.runToEnd(cmd);
    assertThat(first).contains("result [1, 4, 9]", "from archive false");
    List<Path> archives = archives(cache);
    // in place when the first program has ended: close() waits until the recording is moved there
    assertThat(archives).singleElement().satisfies(a -> {
      assertThat(a.getFileName().toString()).endsWith(".jsa");
      assertThat(Files.size(a)).isPositive();
    });

    String second = Processes.runToEnd(cmd);
    assertThat(second).contains("result [1, 4, 9]", "from archive true").doesNotContain("warning");
    assertThat(archives(cache)).isEqualTo(archives);
  }

  @Test
  void onByDefaultInTheUsersCacheDirectory(@TempDir Path dir) throws Exception {
    String cp = jarsOnlyClassPath(dir);
    Path xdg = dir.resolve("xdg");
    Map<String, String> env = env(xdg, null);
    List<String> cmd = List.of(Processes.java(), "-cp", cp, "io.procpool.testing.StartupCacheMain", "default");

    assertThat(Processes.runToEnd(cmd, env)).contains("result [1, 4, 9]", "from archive false");
    assertThat(archives(xdg.resolve("procpool"))).singleElement()
        .satisfies(a -> assertThat(a.getFileName().toString()).startsWith("procpool-").endsWith(".jsa"));
    assertThat(Processes.runToEnd(cmd, env)).contains("result [1, 4, 9]", "from archive true");
  }

  @Test
  void theEnvironmentOrTheBuilderTurnsItOff(@TempDir Path dir) throws Exception {
    String cp = jarsOnlyClassPath(dir);
    Path xdg = dir.resolve("xdg");
    Map<String, String> off = env(xdg, "off");
    String main = "io.procpool.testing.StartupCacheMain";
    assertThat(Processes.runToEnd(List.of(Processes.java(), "-cp", cp, main, "default"), off))
        .contains("result [1, 4, 9]", "from archive false");
    assertThat(xdg).doesNotExist();

    Map<String, String> on = env(xdg, null);
    assertThat(Processes.runToEnd(List.of(Processes.java(), "-cp", cp, main, "none"), on))
        .contains("result [1, 4, 9]", "from archive false");
    assertThat(xdg).doesNotExist();
  }

  @Test
  void jvmOptionsThatChooseTheirOwnArchiveWin(@TempDir Path cache) throws Exception {
    try (ProcessPool pool = ProcessPool.builder().processes(1).startupCache(cache).jvmOptions("-Xshare:off").build()) {
      String args = pool.apply(() -> String.join(" ",
          java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
      assertThat(args).contains("-Xshare:off").doesNotContain("SharedArchiveFile", "ArchiveClassesAtExit");
    }
  }

  /** A child's environment: its XDG cache directory, and PROCPOOL_STARTUP_CACHE set to {@code cache} (null: unset). */
  private static Map<String, String> env(Path xdg, String cache) {
    Map<String, String> env = new HashMap<>();
    env.put("XDG_CACHE_HOME", xdg.toString());
    env.put("PROCPOOL_STARTUP_CACHE", cache);
    return env;
  }

  private static List<Path> archives(Path cache) throws IOException {
    try (Stream<Path> files = Files.list(cache)) {
      return files.sorted().toList();
    }
  }

  /** The test JVM's class path with every directory packed into a jar (HotSpot archives jars only). */
  private static String jarsOnlyClassPath(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    int n = 0;
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(e);
      if (Files.isDirectory(p)) {
        Path jar = dir.resolve("dir" + (n++) + ".jar");
        jar(p, jar);
        out.add(jar.toString());
      } else if (Files.isRegularFile(p)) {
        out.add(p.toString());
      }
    }
    return String.join(File.pathSeparator, out);
  }

  private static void jar(Path root, Path jar) throws IOException {
    try (OutputStream os = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(os);
        Stream<Path> files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        j.putNextEntry(new JarEntry(root.relativize(f).toString().replace(File.separatorChar, '/')));
        Files.copy(f, j);
        j.closeEntry();
      }
    }
  }
}
