package io.procpool.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Median / min / max, nearest-rank percentiles and rounding, computed as the Python reference does. */
public final class Stats {
  private Stats() {}

  /** The median (mean of the two middle values for an even count), as Python's statistics.median. */
  public static double median(double[] xs) {
    if (xs.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    double[] s = xs.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2.0;
  }

  /** Nearest-rank percentile of sorted values: k = ceil(p/100 * n), the k-th smallest. */
  public static double percentile(double[] sorted, double p) {
    int k = Math.max(1, (int) Math.ceil(p / 100.0 * sorted.length));
    return sorted[k - 1];
  }

  public static double min(double[] xs) {
    return Arrays.stream(xs).min().orElseThrow();
  }

  public static double max(double[] xs) {
    return Arrays.stream(xs).max().orElseThrow();
  }

  public static double mean(double[] xs) {
    return Arrays.stream(xs).average().orElseThrow();
  }

  /** Rounds {@code x} to {@code digits} decimal places (half-even, as Python's round); NaN stays NaN. */
  public static double round(double x, int digits) {
    if (!Double.isFinite(x)) {
      return x;
    }
    return new BigDecimal(x).setScale(digits, RoundingMode.HALF_EVEN).doubleValue();
  }

  /** {"median", "min", "max"} rounded to {@code digits} places. */
  public static ObjectNode summary(double[] xs, int digits) {
    return JsonLines.obj()
        .put("median", round(median(xs), digits))
        .put("min", round(min(xs), digits))
        .put("max", round(max(xs), digits));
  }

  /** The values rounded to {@code digits} places, as a list for JSON. */
  public static List<Double> rounded(double[] xs, int digits) {
    List<Double> out = new ArrayList<>(xs.length);
    for (double x : xs) {
      out.add(round(x, digits));
    }
    return out;
  }

  public static double[] toArray(List<Double> xs) {
    double[] a = new double[xs.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = xs.get(i);
    }
    return a;
  }
}
