package io.procpool.internal.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers' class-data archive (HotSpot dynamic AppCDS) for {@code ProcessPool.Builder.startupCache}.
 * One archive per java command, class path (with each jar's size and date) and JVM options, named
 * by a hash of them. When it exists, every worker maps it ({@code -XX:SharedArchiveFile}); when it
 * does not, the pool's first worker records it at exit ({@code -XX:ArchiveClassesAtExit}) into a
 * temporary file that {@link #recorded} moves into place if the worker exited normally, so that
 * no pool ever maps a half-written archive. CDS logging is switched off in the workers: a stale or
 * unusable archive is ignored silently, as HotSpot does without {@code -Xshare:on}. A used archive
 * is touched and a new one prunes the directory ({@link StartupCacheDirectory}). Thread-safe.
 */
final class StartupCache {
  private static final Logger LOG = LoggerFactory.getLogger(StartupCache.class);

  /** Options for every worker (appended to the argfile, before the user's options). */
  final List<String> workerOptions;
  /** Options for the worker that records, or null when none records. */
  final List<String> recorderOptions;
  private final Path archive;
  private final Path recording;

  private StartupCache(List<String> workerOptions, List<String> recorderOptions, Path archive, Path recording) {
    this.workerOptions = workerOptions;
    this.recorderOptions = recorderOptions;
    this.archive = archive;
    this.recording = recording;
  }

  /** The cache for these settings, or null when it cannot or should not be used. */
  static StartupCache of(Path dir, String javaCommand, String classpath, List<String> jvmOptions) {
    for (String o : jvmOptions) {
      if (o.contains("Xshare") || o.contains("SharedArchiveFile") || o.contains("ArchiveClassesAtExit")
          || o.contains("AOTCache") || o.contains("AOTMode")) {
        LOG.debug("startupCache not used: the JVM options choose their own archive ({})", o);
        return null;
      }
    }
    List<String> entries = new ArrayList<>();
    boolean jarsOnly = true;
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      update(sha, javaCommand);
      update(sha, System.getProperty("java.version"));
      for (String e : classpath.split(File.pathSeparator)) {
        if (e.isEmpty()) {
          continue;
        }
        Path p = Path.of(e).toAbsolutePath();
        update(sha, p.toString());
        if (Files.isRegularFile(p)) {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          update(sha, a.size() + "/" + a.lastModifiedTime().toMillis());
        } else if (Files.isDirectory(p)) {
          jarsOnly = false;
        }
        entries.add(e);
      }
      for (String o : jvmOptions) {
        update(sha, o);
      }
      Files.createDirectories(dir);
      String key = HexFormat.of().formatHex(sha.digest(), 0, 12);
      Path archive = dir.resolve("procpool-" + key + ".jsa").toAbsolutePath();
      List<String> quiet = List.of("-Xlog:cds*=off");
      if (Files.isRegularFile(archive)) {
        StartupCacheDirectory.touch(archive); // used: pruning keeps it
        List<String> opts = new ArrayList<>(quiet);
        opts.add("-XX:SharedArchiveFile=" + archive);
        return new StartupCache(opts, null, archive, null);
      }
      if (!jarsOnly) {
        LOG.debug("startupCache: no archive is recorded for a class path with directories ({})", entries);
        return null;
      }
      Path recording = archive.resolveSibling(
          archive.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
      return new StartupCache(quiet, List.of("-XX:ArchiveClassesAtExit=" + recording), archive, recording);
    } catch (IOException | NoSuchAlgorithmException | RuntimeException e) {
      LOG.debug("startupCache not used: {}", e.toString());
      return null;
    }
  }

  private static void update(MessageDigest sha, String s) {
    sha.update(String.valueOf(s).getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
  }

  /**
   * Called once the recording worker has exited: moves a complete archive into place, else
   * deletes what was written. Does nothing for a cache that does not record.
   */
  void recorded(int exitCode) {
    if (recording == null) {
      return;
    }
    try {
      if (exitCode == 0 && Files.isRegularFile(recording) && Files.size(recording) > 0) {
        Files.move(recording, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LOG.debug("startupCache: recorded {}", archive);
        StartupCacheDirectory.prune(archive.getParent(), StartupCacheDirectory.KEEP, StartupCacheDirectory.MAX_MIB << 20);
      } else {
        Files.deleteIfExists(recording);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("startupCache: could not keep {}: {}", recording, e.toString());
      try {
        Files.deleteIfExists(recording);
      } catch (IOException ignored) {
        // best effort
      }
    }
  }
}
