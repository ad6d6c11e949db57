package io.procpool;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.testing.Processes;
import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ways a caller's JVM can be launched, each of which the workers must follow: a plain class
 * path and an executable jar whose manifest holds the class path. (Surefire is the JVM running
 * these tests; {@code mvn exec:java} is what the README's demo command uses.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LaunchModesTest {

  @Test
  void plainClassPath() throws Exception {
    String out = Processes.runToEnd(List.of(Processes.java(), "-cp", System.getProperty("java.class.path"), "io.procpool.testing.ParentMain", "return"));
    assertThat(out).contains("result [1, 4, 9]");
  }

  @Test
  void executableJarWithClassPathManifest(@TempDir Path dir) throws Exception {
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "io.procpool.testing.ParentMain");
    List<String> urls = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(e).toAbsolutePath();
      String url = p.toUri().toString();
      if (Files.isDirectory(p) && !url.endsWith("/")) {
        url += "/";
      }
      urls.add(url);
    }
    m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
    Path jar = dir.resolve("app.jar");
    try (OutputStream os = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(os, m)) {
      // a manifest-only jar, like Surefire's booter jar
    }
    String out = Processes.runToEnd(List.of(Processes.java(), "-jar", jar.toString(), "return"));
    assertThat(out).contains("result [1, 4, 9]");
  }
}
