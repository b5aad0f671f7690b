package io.tollgate.loadtest.metrics;

import io.vertx.core.json.JsonObject;

/**
 * The figures vLLM's bench prints for one latency, in milliseconds. Mean and std (population, like numpy's
 * default) are exact; median and percentiles are numpy-style linear interpolation between ranks, read from an
 * HdrHistogram with 3 significant digits (so within 0.1% of the exact value).
 */
public record Summary(long count, double mean, double std, double median, double p90, double p99, double p999,
    double min, double max) {

  public static final Summary EMPTY = new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
      Double.NaN, Double.NaN, Double.NaN);

  /** A percentile by name as the figures table and the regression check use them. */
  public double get(String stat) {
    return switch (stat) {
      case "mean" -> mean;
      case "std" -> std;
      case "median", "p50" -> median;
      case "p90" -> p90;
      case "p99" -> p99;
      case "p99.9", "p999" -> p999;
      case "min" -> min;
      case "max" -> max;
      default -> throw new IllegalArgumentException("unknown statistic " + stat);
    };
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("count", count)
        .put("mean", JsonNumbers.finite(mean))
        .put("std", JsonNumbers.finite(std))
        .put("median", JsonNumbers.finite(median))
        .put("p90", JsonNumbers.finite(p90))
        .put("p99", JsonNumbers.finite(p99))
        .put("p99.9", JsonNumbers.finite(p999))
        .put("min", JsonNumbers.finite(min))
        .put("max", JsonNumbers.finite(max));
  }

  public static Summary fromJson(JsonObject json) {
    if (json == null) {
      return EMPTY;
    }
    return new Summary(json.getLong("count", 0L), JsonNumbers.read(json, "mean"), JsonNumbers.read(json, "std"),
        JsonNumbers.read(json, "median"), JsonNumbers.read(json, "p90"), JsonNumbers.read(json, "p99"),
        JsonNumbers.read(json, "p99.9"), JsonNumbers.read(json, "min"), JsonNumbers.read(json, "max"));
  }
}
