package io.tollgate.loadtest.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One latency's distribution: an HdrHistogram in microseconds (3 significant digits, up to one hour) for
 * percentiles and the CDF, plus exact running sums for mean and std. Memory stays the same whatever the
 * number of samples. Not thread-safe: one recorder per event loop or an outside lock.
 */
public final class LatencyStats {

  static final long HIGHEST_MICROS = 3_600_000_000L;

  private final Histogram histogram = new Histogram(1, HIGHEST_MICROS, 3);
  private long count;
  private double mean;
  private double m2; // Welford's sum of squared deviations: stable where sum-of-squares is not
  private long min = Long.MAX_VALUE;
  private long max = Long.MIN_VALUE;

  public void recordMicros(long micros) {
    long v = Math.max(0, Math.min(HIGHEST_MICROS, micros));
    histogram.recordValue(v);
    count++;
    double delta = v - mean;
    mean += delta / count;
    m2 += delta * (v - mean);
    min = Math.min(min, v);
    max = Math.max(max, v);
  }

  public void recordNanos(long nanos) {
    recordMicros(Math.round(nanos / 1000.0));
  }

  public long count() {
    return count;
  }

  /** numpy-style percentile (linear interpolation between the two nearest ranks), in microseconds. */
  public double percentileMicros(double percentile) {
    return percentilesMicros(new double[] {percentile})[0];
  }

  /** Several percentiles in one pass over the histogram, in microseconds, in the order asked. */
  public double[] percentilesMicros(double[] percentiles) {
    double[] out = new double[percentiles.length];
    if (count == 0) {
      java.util.Arrays.fill(out, Double.NaN);
      return out;
    }
    for (int i = 0; i < percentiles.length; i++) {
      double index = percentiles[i] / 100.0 * (count - 1);
      long lo = (long) Math.floor(index);
      long hi = (long) Math.ceil(index);
      double vlo = valueAtRank(lo);
      double vhi = hi == lo ? vlo : valueAtRank(hi);
      out[i] = vlo + (vhi - vlo) * (index - lo);
    }
    return out;
  }

  /** The value of the sample at 0-based rank r in sorted order, at the histogram's precision. */
  double valueAtRank(long rank) {
    if (rank <= 0) {
      return min;
    }
    if (rank >= count - 1) {
      return max;
    }
    long seen = 0;
    for (HistogramIterationValue v : histogram.recordedValues()) {
      seen += v.getCountAtValueIteratedTo();
      if (seen > rank) {
        long value = histogram.lowestEquivalentValue(v.getValueIteratedTo());
        return Math.max(min, Math.min(max, value));
      }
    }
    return max;
  }

  public Summary summaryMillis() {
    if (count == 0) {
      return Summary.EMPTY;
    }
    double[] p = percentilesMicros(new double[] {50, 90, 99, 99.9});
    double std = Math.sqrt(m2 / count);
    return new Summary(count, mean / 1000, std / 1000, p[0] / 1000, p[1] / 1000, p[2] / 1000, p[3] / 1000,
        min / 1000.0, max / 1000.0);
  }

  /** Points of the cumulative distribution, (milliseconds, fraction ≤), at most about {@code maxPoints}. */
  public List<double[]> cdfMillis(int maxPoints) {
    List<double[]> points = new ArrayList<>();
    if (count == 0) {
      return points;
    }
    long step = Math.max(1, count / maxPoints);
    long seen = 0;
    long lastEmitted = -1;
    for (HistogramIterationValue v : histogram.recordedValues()) {
      seen += v.getCountAtValueIteratedTo();
      if (seen - Math.max(0, lastEmitted) >= step || seen == count) {
        double value = Math.max(min, Math.min(max, histogram.highestEquivalentValue(v.getValueIteratedTo())));
        points.add(new double[] {value / 1000.0, seen / (double) count});
        lastEmitted = seen;
      }
    }
    return points;
  }

  /** The histogram in HdrHistogram's compressed form, base64: lets later tools recompute any percentile. */
  public String encodedHistogram() {
    ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
    int length = histogram.encodeIntoCompressedByteBuffer(buffer);
    byte[] bytes = new byte[length];
    buffer.flip();
    buffer.get(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  public void add(LatencyStats other) {
    if (other.count == 0) {
      return;
    }
    histogram.add(other.histogram);
    long n = count + other.count;
    double delta = other.mean - mean;
    m2 = m2 + other.m2 + delta * delta * count * other.count / n; // Chan et al.'s parallel merge
    mean = mean + delta * other.count / n;
    count = n;
    min = Math.min(min, other.min);
    max = Math.max(max, other.max);
  }
}
