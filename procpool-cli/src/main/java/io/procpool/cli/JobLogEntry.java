package io.procpool.cli;

/**
 * One line of the job log: {@code index TAB status TAB millis TAB output_end TAB error}.
 *
 * @param index the input line, 0-based
 * @param status how it ended
 * @param millis how long the function ran, or -1 when not known (failures)
 * @param outputEnd the length in bytes of the output file once this item's output line (if any)
 *     was written, or -1 when the output is not a file
 * @param error a one-line error, or "" for {@code ok}
 */
public record JobLogEntry(long index, Status status, long millis, long outputEnd, String error) {
  /** The first line of every job log; names the format and its version. */
  public static final String MAGIC = "# procpool job log 1";
  /** The second line: the column names. */
  public static final String COLUMNS = "index\tstatus\tmillis\toutput_end\terror";
  /** The longest error text kept in the log. */
  static final int MAX_ERROR = 300;

  /**
   * Returns the entry as one line, without the line terminator. Tabs, line breaks and other control
   * characters in the error become spaces; a long error is cut.
   *
   * @return the line
   */
  public String format() {
    return index + "\t" + status.word() + "\t" + (millis < 0 ? "-" : Long.toString(millis)) + "\t"
        + (outputEnd < 0 ? "-" : Long.toString(outputEnd)) + "\t" + oneLine(error);
  }

  /**
   * Parses a line written by {@link #format()}.
   *
   * @param line the line without terminator
   * @return the entry
   * @throws IllegalArgumentException if the line is not an entry
   */
  public static JobLogEntry parse(String line) {
    String[] f = line.split("\t", 5);
    if (f.length != 5) {
      throw new IllegalArgumentException("expected 5 tab-separated fields");
    }
    return new JobLogEntry(Long.parseLong(f[0]), Status.of(f[1]), number(f[2]), number(f[3]), f[4]);
  }

  private static long number(String s) {
    return s.equals("-") ? -1 : Long.parseLong(s);
  }

  /**
   * Makes a message fit on one short line.
   *
   * @param s any text, may be null
   * @return the text with control characters as spaces, at most {@link #MAX_ERROR} characters
   */
  static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_ERROR));
    for (int i = 0; i < s.length() && b.length() < MAX_ERROR; i++) {
      char c = s.charAt(i);
      b.append(Character.isISOControl(c) ? ' ' : c);
    }
    if (s.length() > MAX_ERROR) {
      b.setLength(MAX_ERROR - 3);
      b.append("...");
    }
    return b.toString().strip();
  }
}
