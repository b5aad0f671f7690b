package io.tollgate.loadtest.scenario;

import io.tollgate.loadtest.client.Endpoint;
import io.tollgate.loadtest.client.Target;
import io.tollgate.loadtest.metrics.GoodputSlo;
import io.tollgate.loadtest.run.ClientSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a run needs, resolved (scenario defaults applied, options validated).
 *
 * @param model             null: ask the first target's {@code /v1/models}
 * @param concurrencySweep  non-empty: one phase per level, each with that max concurrency
 * @param numRequests       per target and phase; 0 with a duration
 * @param simUrl            a vLLM simulator's base URL for /sim/stats and /sim/faults, or null
 * @param reportDir         where to write the report, or null for none
 */
public record RunSettings(Scenario scenario, List<Target> targets, String model, Endpoint endpoint,
    double requestRate, double burstiness, int maxConcurrency, List<Integer> concurrencySweep, long numRequests,
    Duration duration, int warmup, int inputLen, int outputLen, double rangeRatio, int prefixLen, int numPrefixes,
    Path promptsFile, long seed, boolean ignoreEos, GoodputSlo slo, long readDelayMs, double abortFraction,
    long firstTokenHoldMs, RampSettings ramp, Long gatewayPid, String gatewayMetricsUrl, long sampleIntervalMs,
    String simUrl, ClientSettings client, long requestTimeoutMs, boolean initialTest, Path reportDir,
    String command) {

  public RunSettings {
    targets = List.copyOf(targets);
    concurrencySweep = List.copyOf(concurrencySweep);
  }

  public RunSettings withModel(String model) {
    return new RunSettings(scenario, targets, model, endpoint, requestRate, burstiness, maxConcurrency,
        concurrencySweep, numRequests, duration, warmup, inputLen, outputLen, rangeRatio, prefixLen, numPrefixes,
        promptsFile, seed, ignoreEos, slo, readDelayMs, abortFraction, firstTokenHoldMs, ramp, gatewayPid,
        gatewayMetricsUrl, sampleIntervalMs, simUrl, client, requestTimeoutMs, initialTest, reportDir, command);
  }

  public RunSettings withSlo(GoodputSlo slo) {
    return new RunSettings(scenario, targets, model, endpoint, requestRate, burstiness, maxConcurrency,
        concurrencySweep, numRequests, duration, warmup, inputLen, outputLen, rangeRatio, prefixLen, numPrefixes,
        promptsFile, seed, ignoreEos, slo, readDelayMs, abortFraction, firstTokenHoldMs, ramp, gatewayPid,
        gatewayMetricsUrl, sampleIntervalMs, simUrl, client, requestTimeoutMs, initialTest, reportDir, command);
  }

  /** The settings as they go in result.json (no API keys). */
  public JsonObject toJson() {
    JsonArray t = new JsonArray();
    targets.forEach(x -> t.add(new JsonObject().put("label", x.label()).put("baseUrl", x.baseUrl())
        .put("apiKey", x.hasKey() ? "(set)" : "(none)")));
    JsonObject json = new JsonObject()
        .put("scenario", scenario.cliName())
        .put("targets", t)
        .put("model", model)
        .put("endpoint", endpoint.path())
        .put("requestRate", Double.isInfinite(requestRate) ? "inf" : requestRate)
        .put("burstiness", burstiness)
        .put("maxConcurrency", maxConcurrency)
        .put("concurrencySweep", new JsonArray(List.copyOf(concurrencySweep)))
        .put("numRequests", numRequests)
        .put("durationSeconds", duration == null ? null : duration.toMillis() / 1000.0)
        .put("warmup", warmup)
        .put("inputLen", inputLen)
        .put("outputLen", outputLen)
        .put("rangeRatio", rangeRatio)
        .put("prefixLen", prefixLen)
        .put("numPrefixes", numPrefixes)
        .put("promptsFile", promptsFile == null ? null : promptsFile.toString())
        .put("seed", seed)
        .put("ignoreEos", ignoreEos)
        .put("goodput", slo.toJson())
        .put("readDelayMs", readDelayMs)
        .put("abortFraction", abortFraction)
        .put("firstTokenHoldMs", firstTokenHoldMs)
        .put("gatewayPid", gatewayPid)
        .put("gatewayMetricsUrl", gatewayMetricsUrl)
        .put("simUrl", simUrl)
        .put("clientEventLoops", client.eventLoops())
        .put("receiveBufferBytes", client.receiveBufferBytes())
        .put("requestTimeoutMs", requestTimeoutMs);
    if (ramp != null) {
      json.put("ramp", ramp.toJson());
    }
    return json;
  }
}
