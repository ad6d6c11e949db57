package io.procpool.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether the command's stderr is a terminal, which decides whether a progress bar is drawn. */
final class Terminal {
  private Terminal() {}

  /**
   * Tells whether stderr is a terminal. On Linux, from where {@code /proc/self/fd/2} points (a
   * {@code /dev/pts/N} or {@code /dev/ttyN}); elsewhere, {@code System.console() != null} (which on
   * Java 17 also needs stdin and stdout to be a terminal, so a bar is drawn less often).
   *
   * @return true if a progress bar may be drawn on stderr
   */
  static boolean stderrIsTerminal() {
    Path fd2 = Path.of("/proc/self/fd/2");
    if (Files.isSymbolicLink(fd2)) {
      try {
        String target = Files.readSymbolicLink(fd2).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
      } catch (IOException | UnsupportedOperationException | SecurityException e) {
        return false;
      }
    }
    return System.console() != null;
  }
}
