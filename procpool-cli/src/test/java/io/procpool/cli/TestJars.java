package io.procpool.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Compiles a class at test time and packs it into a jar that is on no class path. */
final class TestJars {
  private TestJars() {}

  static Path compile(Path dir, String className, String source) throws IOException {
    Path src = dir.resolve("src");
    Path classes = dir.resolve("classes");
    Path file = src.resolve(className.replace('.', '/') + ".java");
    Files.createDirectories(file.getParent());
    Files.createDirectories(classes);
    Files.writeString(file, source);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    String cp = Path.of(io.procpool.SerializableFunction.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
    int rc = javac.run(null, null, null, "-cp", cp, "-d", classes.toString(), file.toString());
    if (rc != 0) {
      throw new IllegalStateException("javac failed for " + className);
    }
    Path jar = dir.resolve("app.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        var walk = Files.walk(classes)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
        Files.copy(p, out);
        out.closeEntry();
      }
    }
    return jar;
  }
}
