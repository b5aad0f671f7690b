package io.tollgate.loadtest.gateway;

import io.tollgate.loadtest.metrics.JsonNumbers;
import io.vertx.core.json.JsonObject;

/**
 * One reading of the gateway process; NaN where a source is missing.
 *
 * @param seconds        since sampling started
 * @param rssMb          resident memory (VmRSS)
 * @param heapUsedMb     Java heap in use (hsperfdata, else {@code jvm_memory_used_bytes{area="heap"}})
 * @param oldGenMb       old generation in use (hsperfdata, generational collectors only)
 * @param cpuSeconds     process CPU time so far (user + system)
 * @param eventLoopLagMs current event-loop lag from the metrics endpoint
 */
public record GatewaySample(double seconds, double rssMb, double heapUsedMb, double oldGenMb, double cpuSeconds,
    double eventLoopLagMs) {

  public JsonObject toJson() {
    return new JsonObject().put("t", Math.round(seconds * 1000) / 1000.0)
        .put("rssMb", JsonNumbers.finite(rssMb))
        .put("heapUsedMb", JsonNumbers.finite(heapUsedMb))
        .put("oldGenMb", JsonNumbers.finite(oldGenMb))
        .put("cpuSeconds", JsonNumbers.finite(cpuSeconds))
        .put("eventLoopLagMs", JsonNumbers.finite(eventLoopLagMs));
  }

  public static GatewaySample fromJson(JsonObject json) {
    return new GatewaySample(JsonNumbers.read(json, "t"), JsonNumbers.read(json, "rssMb"),
        JsonNumbers.read(json, "heapUsedMb"), JsonNumbers.read(json, "oldGenMb"), JsonNumbers.read(json, "cpuSeconds"),
        JsonNumbers.read(json, "eventLoopLagMs"));
  }
}
