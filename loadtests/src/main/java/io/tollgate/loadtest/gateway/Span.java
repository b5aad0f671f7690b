package io.tollgate.loadtest.gateway;

import io.tollgate.loadtest.metrics.JsonNumbers;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** A quantity over the measured run: its value at the start, its peak, its value at the end (NaN = n/a). */
public record Span(double start, double peak, double end) {

  public static final Span NONE = new Span(Double.NaN, Double.NaN, Double.NaN);

  /** Peak − start: how much it grew under load. */
  public double growth() {
    return peak - start;
  }

  static Span of(List<GatewaySample> samples, ToDoubleFunction<GatewaySample> value) {
    if (samples.isEmpty()) {
      return NONE;
    }
    double peak = Double.NaN;
    for (GatewaySample s : samples) {
      double v = value.applyAsDouble(s);
      if (!Double.isNaN(v)) {
        peak = Double.isNaN(peak) ? v : Math.max(peak, v);
      }
    }
    return new Span(value.applyAsDouble(samples.get(0)), peak, value.applyAsDouble(samples.get(samples.size() - 1)));
  }

  public JsonObject toJson() {
    return new JsonObject().put("start", JsonNumbers.finite(start)).put("peak", JsonNumbers.finite(peak))
        .put("end", JsonNumbers.finite(end)).put("growth", JsonNumbers.finite(growth()));
  }

  public static Span fromJson(JsonObject json) {
    if (json == null) {
      return NONE;
    }
    return new Span(JsonNumbers.read(json, "start"), JsonNumbers.read(json, "peak"), JsonNumbers.read(json, "end"));
  }
}
