package io.procpool.internal.process;

import io.procpool.internal.wire.Protocol;
import io.procpool.internal.wire.ResultLog;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of one pool's {@link ResultLog}s: names them (a random prefix, not the token: the names
 * are visible to all), creates one per worker, and deletes them (a worker's file as soon as it has
 * mapped it; what is left when the pool stops). Called by the launching thread, the acceptor, the
 * supervisor and stop; thread-safe (a concurrent set, no lock).
 */
final class ResultLogFiles {
  private static final Logger LOG = LoggerFactory.getLogger(ResultLogFiles.class);

  private final String prefix = ResultLog.PREFIX + ProcessHandle.current().pid() + "-" + Protocol.randomHex(8);
  /** Files not deleted yet. */
  private final Set<Path> files = ConcurrentHashMap.newKeySet();
  private final String poolName;
  private volatile Path directory;

  ResultLogFiles(String poolName) {
    this.poolName = poolName;
  }

  /** Picks the directory ({@code fallback} if shared memory is not available) and sweeps what dead pools left there. */
  void open(Path fallback) {
    directory = ResultLog.directory(fallback);
    ResultLog.sweepOnce(directory);
  }

  /** A created result log: its file and the pool's mapping of it. */
  static final class Created {
    final Path file;
    final MappedByteBuffer map;

    Created(Path file, MappedByteBuffer map) {
      this.file = file;
      this.map = map;
    }
  }

  /** Creates worker {@code id}'s result log; null if it cannot be (its results then go one write each). */
  Created create(int id) {
    Path file = directory.resolve(prefix + "-w" + id);
    try {
      MappedByteBuffer map = ResultLog.create(file);
      files.add(file);
      return new Created(file, map);
    } catch (IOException | RuntimeException e) {
      LOG.debug("{}: no result log for worker {} ({}); its results go one write each", poolName, id, e.toString());
      return null;
    }
  }

  /** Deletes {@code file} if it is not null. */
  void delete(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.debug("{}: cannot delete {}: {}", poolName, file, e.toString());
      }
      files.remove(file);
    }
  }

  /** Deletes every file not deleted yet. */
  void deleteAll() {
    for (Path f : new ArrayList<>(files)) {
      delete(f);
    }
  }
}
