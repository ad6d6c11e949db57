package io.procpool.cli;

/** The exit codes of the {@code procpool} command. */
public final class ExitCodes {
  /** Every item succeeded. */
  public static final int OK = 0;
  /** At least one item failed, crashed its worker or timed out (or the input could not be read to its end). */
  public static final int FAILED = 1;
  /** A usage error: bad options, a missing or unsuitable class, an unreadable file. Nothing ran. */
  public static final int USAGE = 2;
  /** Interrupted by Ctrl-C (SIGINT), 128 + 2 as shells report it. */
  public static final int INTERRUPTED = 130;

  private ExitCodes() {}
}
