package io.tollgate.loadtest.result;

import io.tollgate.loadtest.metrics.JsonNumbers;
import io.tollgate.loadtest.metrics.Summary;
import io.tollgate.loadtest.metrics.TargetResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The figures of one phase for each target (one, or two in a comparison).
 *
 * @param requestRate     offered arrivals per second per target (infinite = all at t = 0)
 * @param maxConcurrency  cap per target, 0 = none
 * @param notSent         per target: requests that had arrived but were still waiting for a concurrency slot when a
 *                        fixed-duration phase ended (never sent, so neither completed nor failed)
 * @param clientLagMs     how late the load generator's own event-loop timers fired: if this is large, latencies
 *                        include the client's delay, not only the server's
 * @param serverStats     the simulator's {@code /sim/stats} counters that changed during the phase, when known
 */
public record PhaseResult(String name, double requestRate, double burstiness, int maxConcurrency,
    List<TargetResult> targets, List<Long> notSent, Summary clientLagMs, JsonObject serverStats) {

  public PhaseResult {
    targets = List.copyOf(targets);
    notSent = List.copyOf(notSent);
  }

  public PhaseResult withServerStats(JsonObject stats) {
    return new PhaseResult(name, requestRate, burstiness, maxConcurrency, targets, notSent, clientLagMs, stats);
  }

  public JsonObject toJson() {
    JsonArray t = new JsonArray();
    targets.forEach(r -> t.add(r.toJson()));
    return new JsonObject()
        .put("name", name)
        .put("requestRate", Double.isInfinite(requestRate) ? "inf" : requestRate)
        .put("burstiness", burstiness)
        .put("maxConcurrency", maxConcurrency)
        .put("notSent", new JsonArray(new ArrayList<>(notSent)))
        .put("clientLagMs", clientLagMs.toJson())
        .put("serverStats", serverStats)
        .put("targets", t);
  }

  public static PhaseResult fromJson(JsonObject json) {
    List<TargetResult> targets = new ArrayList<>();
    JsonArray t = json.getJsonArray("targets", new JsonArray());
    for (int i = 0; i < t.size(); i++) {
      targets.add(TargetResult.fromJson(t.getJsonObject(i)));
    }
    List<Long> notSent = new ArrayList<>();
    JsonArray ns = json.getJsonArray("notSent", new JsonArray());
    for (int i = 0; i < ns.size(); i++) {
      notSent.add(ns.getLong(i));
    }
    Object rate = json.getValue("requestRate");
    double requestRate = rate instanceof Number n ? n.doubleValue() : Double.POSITIVE_INFINITY;
    return new PhaseResult(json.getString("name"), requestRate, JsonNumbers.read(json, "burstiness"),
        json.getInteger("maxConcurrency", 0), targets, notSent, Summary.fromJson(json.getJsonObject("clientLagMs")),
        json.getJsonObject("serverStats"));
  }
}
