package io.procpool.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * Where result lines go: a file ({@code --output}), whose length the job log records after every
 * line, or a stream (stdout), flushed after every line.
 */
abstract class OutputSink implements Closeable {

  /**
   * Writes one result line and makes sure it left this process.
   *
   * @param line the result
   * @return the output file's length afterwards, or -1 for a stream
   */
  abstract long writeLine(String line);

  /** @return the output file's length, or -1 for a stream */
  abstract long position();

  /**
   * A sink over an open file.
   *
   * @param file the file, positioned at its end
   * @return the sink
   */
  static OutputSink of(AppendFile file) {
    return new OutputSink() {
      @Override
      long writeLine(String line) {
        return file.appendLine(line);
      }

      @Override
      long position() {
        return file.length();
      }

      @Override
      public void close() throws IOException {
        file.close();
      }
    };
  }

  /**
   * A sink over a writer, such as stdout; closing it only flushes.
   *
   * @param out the writer
   * @return the sink
   */
  static OutputSink of(PrintWriter out) {
    return new OutputSink() {
      @Override
      long writeLine(String line) {
        out.print(line);
        out.print('\n');
        out.flush();
        return -1;
      }

      @Override
      long position() {
        return -1;
      }

      @Override
      public void close() {
        out.flush();
      }
    };
  }
}
