package io.procpool.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * What {@code --resume} (or {@code --resume-failed}) finds in the job log and the output of an
 * earlier run, and how it repairs them before appending:
 *
 * <ul>
 *   <li>a last job log line without its line feed (the run died while writing it) is cut off;
 *   <li>the output is cut back to the length that the last complete job log line records: bytes
 *       past it belong to items whose job log line was never written, so those items run again;
 *   <li>items whose latest status counts as done are skipped: every status with {@code --resume},
 *       only {@code ok} with {@code --resume-failed}.
 * </ul>
 *
 * An output shorter than the job log records, or a file that is not a procpool job log, is a {@link
 * UsageException}: the two files do not belong together, and nothing is changed.
 *
 * @param done the indexes to skip
 * @param previous how many items of each status the earlier runs left (latest status per item)
 * @param joblogKeep the job log's length in bytes after the repair
 * @param joblogTorn the bytes of a torn last job log line that the repair removes
 * @param outputKeep the output's length in bytes after the repair
 * @param outputDropped the output bytes past {@code outputKeep} that the repair removes
 */
record ResumePlan(
    BitSet done, Map<Status, Integer> previous, long joblogKeep, long joblogTorn, long outputKeep, long outputDropped) {

  /** A plan for a fresh start: nothing done, both files emptied. */
  static ResumePlan fresh() {
    return new ResumePlan(new BitSet(), new EnumMap<>(Status.class), 0, 0, 0, 0);
  }

  /**
   * Reads the job log and checks the output against it, without changing either file.
   *
   * @param joblog the job log of the earlier run
   * @param output its output file
   * @param rerunFailed {@code --resume-failed}: only {@code ok} items count as done
   * @return the plan
   * @throws UsageException if the files cannot be read or do not belong together
   */
  static ResumePlan read(Path joblog, Path output, boolean rerunFailed) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(joblog);
    } catch (NoSuchFileException e) {
      long outSize = size(output);
      if (outSize > 0) {
        throw new UsageException("cannot resume: the job log " + joblog + " does not exist but the output " + output
            + " is not empty (run without --resume to start over)");
      }
      return fresh();
    } catch (IOException e) {
      throw new UsageException("cannot read the job log " + joblog + ": " + e.getMessage());
    }
    int complete = lastLineFeed(bytes) + 1;
    String text = new String(bytes, 0, complete, StandardCharsets.UTF_8);
    Map<Long, Status> latest = new HashMap<>();
    long confirmed = 0;
    int lineNo = 0;
    for (String line : complete == 0 ? new String[0] : text.split("\n", -1)) {
      lineNo++;
      if (line.isEmpty() && lineNo > 1) {
        continue;
      }
      if (lineNo == 1) {
        if (!line.equals(JobLogEntry.MAGIC)) {
          throw new UsageException(joblog + " is not a procpool job log (its first line is not '" + JobLogEntry.MAGIC + "')");
        }
        continue;
      }
      if (line.startsWith("#") || line.equals(JobLogEntry.COLUMNS)) {
        continue;
      }
      JobLogEntry e;
      try {
        e = JobLogEntry.parse(line);
      } catch (IllegalArgumentException ex) {
        throw new UsageException("line " + lineNo + " of the job log " + joblog + " is malformed: " + ex.getMessage());
      }
      if (e.outputEnd() < 0) {
        throw new UsageException("the job log " + joblog + " was written without --output: cannot resume into " + output);
      }
      if (e.outputEnd() < confirmed) {
        throw new UsageException("line " + lineNo + " of the job log " + joblog + " records a shorter output than the line before it");
      }
      if (e.index() > Integer.MAX_VALUE) {
        throw new UsageException("line " + lineNo + " of the job log " + joblog + " has an index out of range: " + e.index());
      }
      confirmed = e.outputEnd();
      latest.put(e.index(), e.status());
    }
    long outSize = size(output);
    if (outSize < confirmed) {
      throw new UsageException("cannot resume: the output " + output + " has " + outSize + " bytes but the job log "
          + joblog + " records " + confirmed + " (do they belong to the same run?)");
    }
    BitSet done = new BitSet();
    Map<Status, Integer> previous = new EnumMap<>(Status.class);
    latest.forEach((index, status) -> {
      previous.merge(status, 1, Integer::sum);
      if (status == Status.OK || !rerunFailed) {
        done.set(index.intValue());
      }
    });
    return new ResumePlan(done, previous, complete, bytes.length - complete, confirmed, outSize - confirmed);
  }

  /**
   * Cuts the job log and the output back to what the plan keeps.
   *
   * @param joblog the job log
   * @param output the output
   * @throws IOException if a file cannot be cut
   */
  void repair(Path joblog, Path output) throws IOException {
    if (joblogTorn > 0) {
      cut(joblog, joblogKeep);
    }
    if (outputDropped > 0) {
      cut(output, outputKeep);
    }
  }

  private static void cut(Path file, long length) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(length);
    }
  }

  private static int lastLineFeed(byte[] bytes) {
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static long size(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      throw new UsageException("cannot read the output " + file + ": " + e.getMessage());
    }
  }

  /** @return how many items the earlier runs finished that this run skips */
  int skipped() {
    return done.cardinality();
  }

  /**
   * Returns how many skipped items did not end ok ({@code --resume} keeps failures as they are);
   * they make the exit code 1 as if they had failed in this run.
   *
   * @return the skipped items whose latest status is not {@code ok}
   */
  int skippedNotOk() {
    return skipped() - previous.getOrDefault(Status.OK, 0);
  }
}
