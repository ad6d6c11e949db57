package io.procpool.cli;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The job log being written: one {@link JobLogEntry} line per item as it ends, each appended to the
 * file with a single write (see {@link AppendFile}), after the item's output line.
 */
final class JobLog implements Closeable {
  private final AppendFile file;

  private JobLog(AppendFile file) {
    this.file = file;
  }

  /**
   * Opens a job log: appends to it when {@code resume}, else starts it anew. Writes the two header
   * lines when the file is empty.
   *
   * @param path the file
   * @param resume keep what is there
   * @return the open log
   * @throws IOException if it cannot be written
   */
  static JobLog open(Path path, boolean resume) throws IOException {
    AppendFile f = resume ? AppendFile.append(path) : AppendFile.truncate(path);
    if (f.length() == 0) {
      f.appendLine(JobLogEntry.MAGIC);
      f.appendLine(JobLogEntry.COLUMNS);
    }
    return new JobLog(f);
  }

  /**
   * Appends one entry.
   *
   * @param entry the item's record
   */
  void record(JobLogEntry entry) {
    file.appendLine(entry.format());
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
