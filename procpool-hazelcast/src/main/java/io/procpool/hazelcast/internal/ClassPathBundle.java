package io.procpool.hazelcast.internal;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * A driver's class path as content-addressed jars: every jar by its SHA-256, every class folder
 * packed into a jar with fixed dates and sorted entries (so that the same classes give the same
 * hash), and the {@code Class-Path} of manifest-only jars (Surefire's, an executable jar's)
 * followed. Agents keep jars by hash and are sent only those they miss. Transport-free. Immutable
 * once built; {@link #of} caches per class path and is thread-safe.
 */
public final class ClassPathBundle {
  /** One jar: its hash, its name (for people reading the cache), its size, and where the driver has it. */
  public static final class Entry {
    public final String sha256;
    public final String name;
    public final long size;
    /** The jar's file on the driver, or null on the agent's side. */
    public final Path file;

    public Entry(String sha256, String name, long size, Path file) {
      this.sha256 = sha256;
      this.name = name;
      this.size = size;
      this.file = file;
    }
  }

  private static final Object LOCK = new Object();
  private static String cachedFor;
  private static ClassPathBundle cached;

  private final List<Entry> entries;

  private ClassPathBundle(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  public List<Entry> entries() {
    return entries;
  }

  /** The entry of {@code sha256}, or null. */
  public Entry find(String sha256) {
    for (Entry e : entries) {
      if (e.sha256.equals(sha256)) {
        return e;
      }
    }
    return null;
  }

  /**
   * The bundle of {@code classPath} (in the platform's format), built once per JVM and class path.
   *
   * @throws UncheckedIOException if an entry cannot be read
   */
  public static ClassPathBundle of(String classPath, Path workDir) {
    synchronized (LOCK) {
      if (classPath.equals(cachedFor)) {
        return cached;
      }
    }
    ClassPathBundle b = build(classPath, workDir);
    synchronized (LOCK) {
      cachedFor = classPath;
      cached = b;
    }
    return b;
  }

  private static ClassPathBundle build(String classPath, Path workDir) {
    Set<Path> files = new LinkedHashSet<>();
    for (String s : classPath.split(File.pathSeparator)) {
      if (!s.isEmpty()) {
        expand(Paths.get(s).toAbsolutePath().normalize(), files, 0);
      }
    }
    List<Entry> out = new ArrayList<>();
    try {
      Files.createDirectories(workDir);
      for (Path p : files) {
        Path jar = Files.isDirectory(p) ? packFolder(p, workDir) : p;
        String sha = sha256(jar);
        out.add(new Entry(sha, p.getFileName() + (Files.isDirectory(p) ? ".jar" : ""), Files.size(jar), jar));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the class path to send it to the agents: " + e, e);
    }
    return new ClassPathBundle(out);
  }

  /** Adds {@code p} and, for a jar, the entries of its manifest's {@code Class-Path}. */
  private static void expand(Path p, Set<Path> into, int depth) {
    if (!Files.exists(p) || !into.add(p) || Files.isDirectory(p) || depth > 3) {
      return;
    }
    try (JarFile jar = new JarFile(p.toFile())) {
      Manifest m = jar.getManifest();
      String cp = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
      if (cp == null) {
        return;
      }
      for (String ref : cp.trim().split("\\s+")) {
        if (ref.isEmpty()) {
          continue;
        }
        Path target;
        try {
          java.net.URI uri = p.toUri().resolve(ref);
          target = Paths.get(uri);
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
          continue;
        }
        expand(target.normalize(), into, depth + 1);
      }
    } catch (IOException e) {
      // not a jar (a resource file on the class path): sent as it is
    }
  }

  /** Packs a class folder into a jar in {@code workDir} whose bytes depend only on the folder's content. */
  private static Path packFolder(Path dir, Path workDir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JarOutputStream jar = new JarOutputStream(bytes)) {
      for (Path f : files) {
        String name = dir.relativize(f).toString().replace(File.separatorChar, '/');
        if (name.equals("META-INF/MANIFEST.MF")) {
          continue;
        }
        JarEntry e = new JarEntry(name);
        e.setTime(315532800000L); // 1980-01-01: fixed, so the hash follows the content only
        jar.putNextEntry(e);
        Files.copy(f, jar);
        jar.closeEntry();
      }
    }
    byte[] b = bytes.toByteArray();
    String sha = HexFormat.of().formatHex(digest().digest(b));
    Path out = workDir.resolve(dir.getFileName() + "-" + sha.substring(0, 16) + ".jar");
    if (!Files.exists(out)) {
      Path tmp = Files.createTempFile(workDir, "pack", ".tmp");
      Files.write(tmp, b);
      Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    return out;
  }

  /** The SHA-256 of a file, in lower-case hex. */
  public static String sha256(Path file) throws IOException {
    MessageDigest d = digest();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        d.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }

  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
