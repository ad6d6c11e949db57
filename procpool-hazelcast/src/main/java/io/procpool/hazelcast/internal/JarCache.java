package io.procpool.hazelcast.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's jars by content hash: the jars drivers sent (kept in a folder as {@code
 * <sha256>.jar}, written atomically, checked against their hash on arrival) and the agent's own
 * class path (hashed at start, so that a driver never sends the jars the agent already has). The
 * folder is bounded: after a jar arrives, the least recently used sent jars that no open session
 * uses ({@link #pin}) are deleted until the folder holds at most its limit (the newest jar is kept
 * even if it alone is larger). Thread-safe: a concurrent map, files that appear whole or not at
 * all, and pins and pruning under this object's monitor (no I/O but the deletions under it).
 */
public final class JarCache {
  private static final Logger LOG = LoggerFactory.getLogger(JarCache.class);
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  /** The default bound of the folder of sent jars. */
  public static final long DEFAULT_LIMIT = 2L << 30;
  private final Path dir;
  private final long limit;
  private final Map<String, Path> known = new ConcurrentHashMap<>();
  /** How many open sessions use each jar (guarded by this). */
  private final Map<String, Integer> pins = new java.util.HashMap<>();

  /** @param dir where jars are kept; created if missing */
  public JarCache(Path dir) throws IOException {
    this(dir, DEFAULT_LIMIT);
  }

  /**
   * @param dir where jars are kept; created if missing
   * @param limit the most bytes of sent jars kept in {@code dir}, positive
   */
  public JarCache(Path dir, long limit) throws IOException {
    if (limit < 1) {
      throw new IllegalArgumentException("jar cache limit: " + limit + " bytes (expected: >= 1)");
    }
    this.limit = limit;
    this.dir = Files.createDirectories(dir);
    try (var s = Files.list(dir)) {
      s.forEach(p -> {
        String n = p.getFileName().toString();
        if (n.endsWith(".jar") && SHA256.matcher(n.substring(0, n.length() - 4)).matches()) {
          known.put(n.substring(0, n.length() - 4), p);
        }
      });
    }
  }

  /** Records the jars of {@code classPath} (the agent's own) by hash; unreadable entries are skipped. */
  public void addOwn(String classPath) {
    for (String s : classPath.split(File.pathSeparator)) {
      Path p = Paths.get(s);
      if (s.endsWith(".jar") && Files.isRegularFile(p)) {
        try {
          known.putIfAbsent(ClassPathBundle.sha256(p), p);
        } catch (IOException e) {
          LOG.debug("cannot hash {}: {}", p, e.toString());
        }
      }
    }
  }

  /** The hashes of {@code wanted} this cache does not hold. */
  public List<String> missing(List<ClassPathBundle.Entry> wanted) {
    List<String> out = new ArrayList<>();
    for (ClassPathBundle.Entry e : wanted) {
      if (!known.containsKey(e.sha256)) {
        out.add(e.sha256);
      }
    }
    return out;
  }

  /** The file of a held jar, or null. */
  public Path file(String sha256) {
    return known.get(sha256);
  }

  /**
   * Stores a jar a driver sent.
   *
   * @throws IOException if its content does not have the hash it was sent under, or it cannot be written
   */
  public Path put(String sha256, byte[] jar) throws IOException {
    if (!SHA256.matcher(sha256).matches()) {
      throw new IOException("not a SHA-256 in hex: " + sha256);
    }
    String actual = java.util.HexFormat.of().formatHex(ClassPathBundle.digest().digest(jar));
    if (!actual.equals(sha256)) {
      throw new IOException("a jar sent as " + sha256 + " has the hash " + actual);
    }
    Path target = dir.resolve(sha256 + ".jar");
    if (!Files.exists(target)) {
      Path tmp = Files.createTempFile(dir, sha256.substring(0, 12), ".part");
      try {
        Files.write(tmp, jar);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    known.put(sha256, target);
    touch(target);
    prune(sha256);
    return target;
  }

  /**
   * Marks the jars {@code hashes} as used by one more session (they are not pruned while pinned)
   * and as recently used. Call before checking which are {@link #missing}, and {@link #unpin} the
   * same list once the session ends (or was not opened).
   */
  public void pin(List<String> hashes) {
    synchronized (this) {
      for (String h : hashes) {
        pins.merge(h, 1, Integer::sum);
      }
    }
    for (String h : hashes) {
      Path p = known.get(h);
      if (p != null && p.startsWith(dir)) {
        touch(p);
      }
    }
  }

  /** Ends one session's use of {@code hashes} (see {@link #pin}). */
  public synchronized void unpin(List<String> hashes) {
    for (String h : hashes) {
      pins.computeIfPresent(h, (k, n) -> n > 1 ? n - 1 : null);
    }
  }

  private static void touch(Path p) {
    try {
      Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
    } catch (IOException e) {
      // the jar is still there; only its age for pruning is off
    }
  }

  /** Deletes the least recently used unpinned sent jars, except {@code keep}, while the folder holds more than the limit. */
  private synchronized void prune(String keep) {
    List<Path> jars = new ArrayList<>();
    Map<Path, long[]> info = new java.util.HashMap<>(); // size, last modified
    long total = 0;
    try (var s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String n = p.getFileName().toString();
        if (!n.endsWith(".jar") || !SHA256.matcher(n.substring(0, n.length() - 4)).matches()) {
          continue;
        }
        try {
          long size = Files.size(p);
          info.put(p, new long[] {size, Files.getLastModifiedTime(p).toMillis()});
          jars.add(p);
          total += size;
        } catch (IOException e) {
          // gone meanwhile
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot list the jar cache {}: {}", dir, e.toString());
      return;
    }
    if (total <= limit) {
      return;
    }
    jars.sort(java.util.Comparator.comparingLong(p -> info.get(p)[1]));
    for (Path p : jars) {
      if (total <= limit) {
        break;
      }
      String n = p.getFileName().toString();
      String hash = n.substring(0, n.length() - 4);
      if (hash.equals(keep) || pins.containsKey(hash)) {
        continue;
      }
      try {
        Files.deleteIfExists(p);
        known.remove(hash, p);
        total -= info.get(p)[0];
        LOG.info("removed jar {} from the jar cache (least recently used; the cache holds at most {} bytes)", n, limit);
      } catch (IOException e) {
        LOG.debug("cannot delete {}: {}", p, e.toString());
      }
    }
  }
}
