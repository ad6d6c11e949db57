package io.procpool.internal.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the workers' start-up archives live when the caller did not choose, and how many are kept
 * there. The default is per user: {@code $XDG_CACHE_HOME/procpool}, else {@code ~/.cache/procpool}
 * ({@code %LOCALAPPDATA%\procpool} on Windows); the system property {@value #PROPERTY} or the
 * environment variable {@value #ENV} names another directory, or turns the cache off with {@code
 * off}. The directory holds at most {@value #KEEP} archives and {@value #MAX_MIB} MiB, the least
 * recently used go first. Stateless; thread-safe.
 */
public final class StartupCacheDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(StartupCacheDirectory.class);

  /** System property: a directory, or {@code off}. */
  public static final String PROPERTY = "procpool.startupCache";
  /** Environment variable: a directory, or {@code off}. */
  public static final String ENV = "PROCPOOL_STARTUP_CACHE";
  /** Archives kept in one directory at most. */
  static final int KEEP = 8;
  /** Bytes of archives kept in one directory at most, in MiB. */
  static final long MAX_MIB = 1024;
  /** A recording left this long (its worker was killed while it wrote) is deleted. */
  static final Duration STALE_RECORDING = Duration.ofHours(1);

  private StartupCacheDirectory() {}

  /** The default directory in this JVM's environment, or null when the cache is turned off. */
  public static Path fromEnvironment() {
    return resolve(System.getProperty(PROPERTY), System.getenv(), System.getProperty("user.home"),
        System.getProperty("os.name", ""));
  }

  /**
   * The default directory, or null when the cache is turned off.
   *
   * @param property the value of {@value #PROPERTY}, or null
   * @param env the environment ({@value #ENV}, {@code XDG_CACHE_HOME}, {@code LOCALAPPDATA})
   * @param userHome the user's home directory, or null
   * @param osName the operating system's name
   */
  static Path resolve(String property, Map<String, String> env, String userHome, String osName) {
    String chosen = blankToNull(property) != null ? property : blankToNull(env.get(ENV));
    if (chosen != null) {
      String c = chosen.trim();
      switch (c.toLowerCase(Locale.ROOT)) {
        case "off":
        case "false":
        case "none":
        case "0":
          return null;
        default:
          return Path.of(c).toAbsolutePath();
      }
    }
    if (osName.toLowerCase(Locale.ROOT).startsWith("windows") && blankToNull(env.get("LOCALAPPDATA")) != null) {
      return Path.of(env.get("LOCALAPPDATA"), "procpool");
    }
    String xdg = blankToNull(env.get("XDG_CACHE_HOME"));
    if (xdg != null && Path.of(xdg).isAbsolute()) { // the XDG spec: a relative value is ignored
      return Path.of(xdg, "procpool");
    }
    if (blankToNull(userHome) == null) {
      return null;
    }
    return Path.of(userHome, ".cache", "procpool");
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /**
   * Deletes the least recently used archives of {@code dir} beyond {@code keep} of them or beyond
   * {@code maxBytes} in all, and recordings older than {@link #STALE_RECORDING}. Best effort: a
   * file another program deletes first, or cannot delete, is skipped.
   *
   * @return how many files were deleted
   */
  static int prune(Path dir, int keep, long maxBytes) {
    List<Archive> archives = new ArrayList<>();
    int deleted = 0;
    long now = System.currentTimeMillis();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (!name.startsWith("procpool-")) {
          continue;
        }
        if (name.endsWith(".tmp")) {
          if (now - attributes(p).modified() > STALE_RECORDING.toMillis() && deleteQuietly(p)) {
            deleted++;
          }
        } else if (name.endsWith(".jsa")) {
          archives.add(attributes(p));
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("startupCache: could not list {}: {}", dir, e.toString());
      return deleted;
    }
    archives.sort(Comparator.comparingLong(Archive::modified).reversed()); // most recently used first
    long bytes = 0;
    for (int i = 0; i < archives.size(); i++) {
      Archive a = archives.get(i);
      if (i >= keep || (i > 0 && bytes + a.size() > maxBytes)) {
        if (deleteQuietly(a.path())) {
          deleted++;
          LOG.debug("startupCache: removed the least recently used archive {}", a.path());
        }
      } else {
        bytes += a.size();
      }
    }
    return deleted;
  }

  /** A file of the cache with its date and size, read once (0 for what cannot be read). */
  private record Archive(Path path, long modified, long size) {}

  private static Archive attributes(Path p) {
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      return new Archive(p, a.lastModifiedTime().toMillis(), a.size());
    } catch (IOException e) {
      return new Archive(p, 0, 0);
    }
  }

  /** Marks an archive as used now, so that pruning keeps it. Best effort. */
  static void touch(Path archive) {
    try {
      Files.setLastModifiedTime(archive, FileTime.fromMillis(System.currentTimeMillis()));
    } catch (IOException | RuntimeException e) {
      // read-only cache or a race with pruning: the archive is still mapped as it is
    }
  }

  private static boolean deleteQuietly(Path p) {
    try {
      return Files.deleteIfExists(p);
    } catch (IOException e) {
      return false;
    }
  }
}
