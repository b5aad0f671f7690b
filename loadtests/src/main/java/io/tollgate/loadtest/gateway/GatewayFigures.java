package io.tollgate.loadtest.gateway;

import io.tollgate.loadtest.metrics.JsonNumbers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * What the gateway process did while the load ran, counted from the end of warm-up. Values are NaN ("n/a")
 * where their source was not given or not readable; {@code notes} says why.
 *
 * @param rssMb              resident memory (the target is on its growth: peak − start)
 * @param heapUsedMb         Java heap in use, garbage included: it saws up and down with young collections
 * @param oldGenMb           old generation in use: what survives collections, the JVM's leak indicator
 * @param cpuSeconds         CPU time the process used during the run
 * @param cpuCores           cpuSeconds / wall seconds: average cores busy
 * @param eventLoopLagMaxMs  largest lag the metrics endpoint reported
 * @param eventLoopLagMeanMs mean lag over the run, from a histogram's _sum/_count, else the mean of readings
 */
public record GatewayFigures(Long pid, String metricsUrl, Span rssMb, Span heapUsedMb, Span oldGenMb,
    double cpuSeconds, double cpuCores, double eventLoopLagMaxMs, double eventLoopLagMeanMs, List<String> lagMetrics,
    List<String> notes, List<GatewaySample> samples) {

  public GatewayFigures {
    lagMetrics = List.copyOf(lagMetrics);
    notes = List.copyOf(notes);
    samples = List.copyOf(samples);
  }

  public double rssGrowthMb() {
    return rssMb.growth();
  }

  public JsonObject toJson() {
    JsonArray s = new JsonArray();
    samples.forEach(x -> s.add(x.toJson()));
    return new JsonObject()
        .put("pid", pid)
        .put("metricsUrl", metricsUrl)
        .put("rssMb", rssMb.toJson())
        .put("heapUsedMb", heapUsedMb.toJson())
        .put("oldGenMb", oldGenMb.toJson())
        .put("cpuSeconds", JsonNumbers.finite(cpuSeconds))
        .put("cpuCores", JsonNumbers.finite(cpuCores))
        .put("eventLoopLagMaxMs", JsonNumbers.finite(eventLoopLagMaxMs))
        .put("eventLoopLagMeanMs", JsonNumbers.finite(eventLoopLagMeanMs))
        .put("lagMetrics", new JsonArray(new ArrayList<>(lagMetrics)))
        .put("notes", new JsonArray(new ArrayList<>(notes)))
        .put("samples", s);
  }

  public static GatewayFigures fromJson(JsonObject json) {
    if (json == null) {
      return null;
    }
    List<GatewaySample> samples = new ArrayList<>();
    JsonArray s = json.getJsonArray("samples", new JsonArray());
    for (int i = 0; i < s.size(); i++) {
      samples.add(GatewaySample.fromJson(s.getJsonObject(i)));
    }
    return new GatewayFigures(json.getLong("pid"), json.getString("metricsUrl"),
        Span.fromJson(json.getJsonObject("rssMb")), Span.fromJson(json.getJsonObject("heapUsedMb")),
        Span.fromJson(json.getJsonObject("oldGenMb")), JsonNumbers.read(json, "cpuSeconds"),
        JsonNumbers.read(json, "cpuCores"), JsonNumbers.read(json, "eventLoopLagMaxMs"),
        JsonNumbers.read(json, "eventLoopLagMeanMs"), strings(json.getJsonArray("lagMetrics")),
        strings(json.getJsonArray("notes")), samples);
  }

  private static List<String> strings(JsonArray array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      for (int i = 0; i < array.size(); i++) {
        out.add(array.getString(i));
      }
    }
    return out;
  }
}
