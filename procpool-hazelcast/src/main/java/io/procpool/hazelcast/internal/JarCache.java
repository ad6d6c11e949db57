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
 * class path (hashed at start, so that a driver never sends the jars the agent already has).
 * Thread-safe: a concurrent map, and files that appear whole or not at all.
 */
public final class JarCache {
  private static final Logger LOG = LoggerFactory.getLogger(JarCache.class);
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private final Path dir;
  private final Map<String, Path> known = new ConcurrentHashMap<>();

  /** @param dir where jars are kept; created if missing */
  public JarCache(Path dir) throws IOException {
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
    return target;
  }
}
