package io.procpool.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Median / min / max and nearest-rank percentiles, computed as the Python reference does. */
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

  /** {"median", "min", "max"} rounded to {@code digits} places. */
  public static Json.Obj summary(double[] xs, int digits) {
    return Json.obj()
        .with("median", Json.round(median(xs), digits))
        .with("min", Json.round(min(xs), digits))
        .with("max", Json.round(max(xs), digits));
  }

  /** The values rounded to {@code digits} places, as a list for JSON. */
  public static List<Double> rounded(double[] xs, int digits) {
    List<Double> out = new ArrayList<>(xs.length);
    for (double x : xs) {
      out.add(Json.round(x, digits));
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
