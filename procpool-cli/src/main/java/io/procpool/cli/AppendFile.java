package io.procpool.cli;

import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A file written line by line, each line in one {@code write} call straight to the operating system
 * (no buffer in this JVM), so that a line is in the file once {@link #appendLine} returns, even if
 * this process is killed right after. It knows the file's length, which the job log records.
 */
final class AppendFile implements Closeable {
  private final Path path;
  private final FileOutputStream out;
  private long length;

  private AppendFile(Path path, FileOutputStream out, long length) {
    this.path = path;
    this.out = out;
    this.length = length;
  }

  /**
   * Opens {@code path} for appending at its current end, creating it if needed.
   *
   * @param path the file
   * @return the open file
   * @throws IOException if it cannot be opened
   */
  static AppendFile append(Path path) throws IOException {
    FileOutputStream out = new FileOutputStream(path.toFile(), true);
    return new AppendFile(path, out, out.getChannel().size());
  }

  /**
   * Creates or empties {@code path}.
   *
   * @param path the file
   * @return the open, empty file
   * @throws IOException if it cannot be opened
   */
  static AppendFile truncate(Path path) throws IOException {
    return new AppendFile(path, new FileOutputStream(path.toFile(), false), 0);
  }

  /**
   * Writes {@code line} and a line feed.
   *
   * @param line the text
   * @return the file's length afterwards
   */
  long appendLine(String line) {
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      out.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
    }
    length += bytes.length;
    return length;
  }

  /** @return the file's length as written so far */
  long length() {
    return length;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
