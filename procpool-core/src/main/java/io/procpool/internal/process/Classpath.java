package io.procpool.internal.process;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Finds the class path a worker JVM needs: the caller's {@code java.class.path} (which covers a
 * plain class path, an executable jar's manifest {@code Class-Path}, and Surefire's manifest-only
 * jar) plus the URLs of the context class loader when it is a {@link URLClassLoader} (as under
 * {@code mvn exec:java}, where the application's classes are not on {@code java.class.path}),
 * plus the location of procpool itself.
 */
public final class Classpath {
  private Classpath() {}

  /** The class path for a worker of a pool created under {@code context}, in the platform's format. */
  public static String discover(ClassLoader context) {
    Set<String> entries = new LinkedHashSet<>();
    for (ClassLoader cl = context; cl != null && cl != ClassLoader.getSystemClassLoader(); cl = cl.getParent()) {
      if (cl instanceof URLClassLoader) {
        for (URL url : ((URLClassLoader) cl).getURLs()) {
          String p = toPath(url);
          if (p != null) {
            entries.add(p);
          }
        }
        break; // the application's own loader is enough; its parents belong to the host (Maven)
      }
    }
    String cp = System.getProperty("java.class.path", "");
    for (String e : cp.split(File.pathSeparator)) {
      if (!e.isEmpty()) {
        entries.add(e);
      }
    }
    String self = ownLocation();
    if (self != null) {
      entries.add(self);
    }
    return String.join(File.pathSeparator, entries);
  }

  private static String ownLocation() {
    try {
      URL url = Classpath.class.getProtectionDomain().getCodeSource().getLocation();
      return url == null ? null : toPath(url);
    } catch (SecurityException | NullPointerException e) {
      return null;
    }
  }

  private static String toPath(URL url) {
    if (!"file".equals(url.getProtocol())) {
      return null;
    }
    try {
      Path p = Paths.get(url.toURI());
      return p.toString();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }
}
