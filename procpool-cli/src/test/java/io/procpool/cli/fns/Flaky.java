package io.procpool.cli.fns;

import io.procpool.SerializableFunction;

/**
 * A function that misbehaves on chosen lines, so that every status of the job log shows up. For the
 * number n on the line: n % 500 == 7 calls System.exit(3) (crashed); n % 1000 == 13 sleeps 5 s,
 * far past any test's --timeout (timeout); n % 97 == 0 throws (failed); otherwise returns "sq=" +
 * n * n (ok).
 */
public class Flaky implements SerializableFunction<String, String> {
  private static final long serialVersionUID = 1L;

  /**
   * The status {@link Flaky} gives line {@code n}.
   *
   * @param n the number
   * @return ok, failed, crashed or timeout
   */
  public static String expected(long n) {
    if (n % 500 == 7) {
      return "crashed";
    }
    if (n % 1000 == 13) {
      return "timeout";
    }
    if (n % 97 == 0) {
      return "failed";
    }
    return "ok";
  }

  @Override
  public String apply(String line) throws Exception {
    long n = Long.parseLong(line.trim());
    switch (expected(n)) {
      case "crashed" -> System.exit(3);
      case "timeout" -> Thread.sleep(5_000);
      case "failed" -> throw new IllegalArgumentException("no good: " + n);
      default -> pause();
    }
    return "sq=" + n * n;
  }

  /** Extra time an ok line takes; none here. */
  protected void pause() throws InterruptedException {}
}
