package io.tollgate.loadtest.metrics;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyStatsTest {

  /** numpy.percentile's default ("linear") on a sorted array. */
  static double numpyPercentile(long[] sorted, double p) {
    double index = p / 100 * (sorted.length - 1);
    int lo = (int) Math.floor(index);
    int hi = (int) Math.ceil(index);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (index - lo);
  }

  @Test
  void percentilesMatchNumpyWithinHistogramPrecision() {
    Random random = new Random(7);
    long[] values = new long[5001];
    LatencyStats stats = new LatencyStats();
    for (int i = 0; i < values.length; i++) {
      values[i] = 500 + (long) (Math.abs(random.nextGaussian()) * 40_000);
      stats.recordMicros(values[i]);
    }
    Arrays.sort(values);
    for (double p : new double[] {1, 25, 50, 90, 99, 99.9}) {
      double expected = numpyPercentile(values, p);
      assertEquals(expected, stats.percentileMicros(p), expected * 0.001, "p" + p);
    }
    double mean = Arrays.stream(values).average().orElseThrow();
    assertEquals(mean / 1000, stats.summaryMillis().mean(), 1e-9, "mean is exact");
    double variance = Arrays.stream(values).mapToDouble(v -> (v - mean) * (v - mean)).sum() / values.length;
    assertEquals(Math.sqrt(variance) / 1000, stats.summaryMillis().std(), 1e-9, "std is exact");
  }

  @Test
  void smallValuesAreExact() {
    LatencyStats stats = new LatencyStats();
    for (long v : new long[] {1, 2, 3, 4}) {
      stats.recordMicros(v);
    }
    assertEquals(2.5, stats.percentileMicros(50));
    assertEquals(1, stats.percentileMicros(0));
    assertEquals(4, stats.percentileMicros(100));
  }

  @Test
  void emptyIsNaN() {
    assertTrue(Double.isNaN(new LatencyStats().summaryMillis().median()));
  }

  @Test
  void cdfEndsAtOne() {
    LatencyStats stats = new LatencyStats();
    for (int i = 1; i <= 1000; i++) {
      stats.recordMicros(i * 100L);
    }
    List<double[]> cdf = stats.cdfMillis(50);
    assertTrue(cdf.size() <= 60);
    assertEquals(1.0, cdf.get(cdf.size() - 1)[1]);
    assertEquals(100.0, cdf.get(cdf.size() - 1)[0], 0.1);
    for (int i = 1; i < cdf.size(); i++) {
      assertTrue(cdf.get(i)[0] >= cdf.get(i - 1)[0] && cdf.get(i)[1] > cdf.get(i - 1)[1]);
    }
  }

  @Test
  void mergingEqualsRecordingTogether() {
    LatencyStats a = new LatencyStats();
    LatencyStats b = new LatencyStats();
    LatencyStats all = new LatencyStats();
    for (int i = 0; i < 100; i++) {
      (i % 3 == 0 ? a : b).recordMicros(i * 37L);
      all.recordMicros(i * 37L);
    }
    a.add(b);
    assertEquals(all.summaryMillis(), a.summaryMillis());
  }
}
