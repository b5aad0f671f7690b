package io.tollgate.loadtest.gateway;

import io.tollgate.loadtest.metrics.JsonNumbers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * What the gateway process did while the load ran. Values are NaN ("n/a") where their source was not given
 * or not readable; {@code notes} says why.
 *
 * @param rssGrowthMb      peak RSS during the run − RSS before the load started
 * @param cpuSeconds       CPU time the process used during the run
 * @param cpuCores         cpuSeconds / wall seconds: average cores busy
 * @param eventLoopLagMaxMs largest lag the metrics endpoint reported
 * @param eventLoopLagMeanMs mean lag over the run, from a histogram's _sum/_count, else the mean of readings
 */
public record GatewayFigures(Long pid, String metricsUrl, double rssStartMb, double rssPeakMb, double rssEndMb,
    double rssGrowthMb, double heapStartMb, double heapPeakMb, double heapEndMb, double cpuSeconds,
    double cpuCores, double eventLoopLagMaxMs, double eventLoopLagMeanMs, List<String> lagMetrics,
    List<String> notes, List<GatewaySample> samples) {

  public GatewayFigures {
    lagMetrics = List.copyOf(lagMetrics);
    notes = List.copyOf(notes);
    samples = List.copyOf(samples);
  }

  public JsonObject toJson() {
    JsonArray s = new JsonArray();
    samples.forEach(x -> s.add(x.toJson()));
    return new JsonObject()
        .put("pid", pid)
        .put("metricsUrl", metricsUrl)
        .put("rssStartMb", JsonNumbers.finite(rssStartMb))
        .put("rssPeakMb", JsonNumbers.finite(rssPeakMb))
        .put("rssEndMb", JsonNumbers.finite(rssEndMb))
        .put("rssGrowthMb", JsonNumbers.finite(rssGrowthMb))
        .put("heapStartMb", JsonNumbers.finite(heapStartMb))
        .put("heapPeakMb", JsonNumbers.finite(heapPeakMb))
        .put("heapEndMb", JsonNumbers.finite(heapEndMb))
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
        JsonNumbers.read(json, "rssStartMb"), JsonNumbers.read(json, "rssPeakMb"), JsonNumbers.read(json, "rssEndMb"),
        JsonNumbers.read(json, "rssGrowthMb"), JsonNumbers.read(json, "heapStartMb"),
        JsonNumbers.read(json, "heapPeakMb"), JsonNumbers.read(json, "heapEndMb"),
        JsonNumbers.read(json, "cpuSeconds"), JsonNumbers.read(json, "cpuCores"),
        JsonNumbers.read(json, "eventLoopLagMaxMs"), JsonNumbers.read(json, "eventLoopLagMeanMs"),
        strings(json.getJsonArray("lagMetrics")), strings(json.getJsonArray("notes")), samples);
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
