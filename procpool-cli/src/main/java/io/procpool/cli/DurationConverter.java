package io.procpool.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses durations as people write them: {@code 500ms}, {@code 5s}, {@code 1.5s}, {@code 2m},
 * {@code 1h}, or ISO-8601 ({@code PT5S}). A bare number is rejected: the unit must be explicit.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

  /** Creates the converter; picocli calls this. */
  public DurationConverter() {}

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /**
   * Parses one duration.
   *
   * @param value the text, e.g. {@code 300ms}
   * @return the positive duration
   * @throws TypeConversionException if the text is not a positive duration
   */
  public static Duration parse(String value) {
    String v = value.trim().toLowerCase(java.util.Locale.ROOT);
    Duration d;
    Matcher m = SIMPLE.matcher(v);
    if (m.matches()) {
      double n = Double.parseDouble(m.group(1));
      double millis =
          switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1_000;
            case "m" -> n * 60_000;
            default -> n * 3_600_000;
          };
      d = Duration.ofNanos(Math.round(millis * 1_000_000));
    } else {
      try {
        d = Duration.parse(value.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw new TypeConversionException(
            "'" + value + "' is not a duration (examples: 500ms, 5s, 1.5s, 2m, 1h)");
      }
    }
    if (d.isZero() || d.isNegative()) {
      throw new TypeConversionException("'" + value + "' must be longer than zero");
    }
    return d;
  }
}
