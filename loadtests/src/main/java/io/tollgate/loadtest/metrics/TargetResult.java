package io.tollgate.loadtest.metrics;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every figure of one target in one phase, with vLLM's definitions. Latency summaries are in milliseconds,
 * throughputs per second of {@code durationSeconds} (phase start → last request finished).
 *
 * @param sent                   requests handed to the HTTP client (warm-up excluded)
 * @param completed              requests that streamed to {@code [DONE]} with at least one token chunk
 * @param failed                 requests that did not (see {@code failures})
 * @param aborted                streams the client cut on purpose (aborts scenario)
 * @param goodput                good requests per second, NaN when no SLO was given
 * @param estimatedOutputLengths completed requests without a usage chunk, whose length was counted from chunks
 * @param ttftCdf                points (ms, fraction) of TTFT's cumulative distribution
 * @param histograms             HdrHistogram (µs) of ttft, tpot, itl and e2el, compressed and base64-encoded
 */
public record TargetResult(String label, String baseUrl, double durationSeconds, long sent, long completed,
    long failed, long aborted, long totalInputTokens, long totalOutputTokens, double requestThroughput,
    double outputThroughput, double totalTokenThroughput, double goodput, long goodRequests, int peakConcurrency,
    long estimatedOutputLengths, Map<String, Long> failures, Map<String, String> failureExamples, Summary ttft,
    Summary tpot, Summary itl, Summary e2el, List<double[]> ttftCdf, List<TimelinePoint> timeline,
    Map<String, String> histograms) {

  public TargetResult {
    failures = Map.copyOf(failures);
    failureExamples = Map.copyOf(failureExamples);
    ttftCdf = List.copyOf(ttftCdf);
    timeline = List.copyOf(timeline);
    histograms = Map.copyOf(histograms);
  }

  public Summary latency(String metric) {
    return switch (metric) {
      case "ttft" -> ttft;
      case "tpot" -> tpot;
      case "itl" -> itl;
      case "e2el" -> e2el;
      default -> throw new IllegalArgumentException("unknown latency " + metric);
    };
  }

  /** Failed share of the requests that ended (aborted ones excluded), 0..1. */
  public double failureRate() {
    long ended = completed + failed;
    return ended == 0 ? 0 : failed / (double) ended;
  }

  public JsonObject toJson() {
    JsonObject failuresJson = new JsonObject();
    new java.util.TreeMap<>(failures).forEach(failuresJson::put);
    JsonObject examples = new JsonObject();
    new java.util.TreeMap<>(failureExamples).forEach(examples::put);
    JsonArray cdf = new JsonArray();
    ttftCdf.forEach(p -> cdf.add(new JsonArray().add(p[0]).add(p[1])));
    JsonObject hist = new JsonObject();
    histograms.forEach(hist::put);
    return new JsonObject()
        .put("label", label)
        .put("baseUrl", baseUrl)
        .put("durationSeconds", durationSeconds)
        .put("sent", sent)
        .put("completed", completed)
        .put("failed", failed)
        .put("aborted", aborted)
        .put("totalInputTokens", totalInputTokens)
        .put("totalOutputTokens", totalOutputTokens)
        .put("requestThroughput", JsonNumbers.finite(requestThroughput))
        .put("outputThroughput", JsonNumbers.finite(outputThroughput))
        .put("totalTokenThroughput", JsonNumbers.finite(totalTokenThroughput))
        .put("goodput", JsonNumbers.finite(goodput))
        .put("goodRequests", goodRequests)
        .put("peakConcurrency", peakConcurrency)
        .put("estimatedOutputLengths", estimatedOutputLengths)
        .put("failures", failuresJson)
        .put("failureExamples", examples)
        .put("ttftMs", ttft.toJson())
        .put("tpotMs", tpot.toJson())
        .put("itlMs", itl.toJson())
        .put("e2elMs", e2el.toJson())
        .put("ttftCdf", cdf)
        .put("timeline", TimelinePoint.toJson(timeline))
        .put("histogramsMicros", hist);
  }

  public static TargetResult fromJson(JsonObject json) {
    Map<String, Long> failures = new LinkedHashMap<>();
    JsonObject f = json.getJsonObject("failures", new JsonObject());
    f.fieldNames().forEach(k -> failures.put(k, f.getLong(k)));
    Map<String, String> examples = new LinkedHashMap<>();
    JsonObject e = json.getJsonObject("failureExamples", new JsonObject());
    e.fieldNames().forEach(k -> examples.put(k, e.getString(k)));
    List<double[]> cdf = new ArrayList<>();
    JsonArray c = json.getJsonArray("ttftCdf", new JsonArray());
    for (int i = 0; i < c.size(); i++) {
      JsonArray p = c.getJsonArray(i);
      cdf.add(new double[] {p.getDouble(0), p.getDouble(1)});
    }
    Map<String, String> hist = new LinkedHashMap<>();
    JsonObject h = json.getJsonObject("histogramsMicros", new JsonObject());
    h.fieldNames().forEach(k -> hist.put(k, h.getString(k)));
    return new TargetResult(json.getString("label"), json.getString("baseUrl"),
        JsonNumbers.read(json, "durationSeconds"), json.getLong("sent", 0L), json.getLong("completed", 0L),
        json.getLong("failed", 0L), json.getLong("aborted", 0L), json.getLong("totalInputTokens", 0L),
        json.getLong("totalOutputTokens", 0L), JsonNumbers.read(json, "requestThroughput"),
        JsonNumbers.read(json, "outputThroughput"), JsonNumbers.read(json, "totalTokenThroughput"),
        JsonNumbers.read(json, "goodput"), json.getLong("goodRequests", 0L), json.getInteger("peakConcurrency", 0),
        json.getLong("estimatedOutputLengths", 0L), failures, examples,
        Summary.fromJson(json.getJsonObject("ttftMs")), Summary.fromJson(json.getJsonObject("tpotMs")),
        Summary.fromJson(json.getJsonObject("itlMs")), Summary.fromJson(json.getJsonObject("e2elMs")), cdf,
        TimelinePoint.fromJson(json.getJsonArray("timeline")), hist);
  }
}
