package io.tollgate.controlplane.alerts;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * One budget alert, as recorded once (whatever the number of control planes) and delivered to the
 * org's channels.
 *
 * @param periodId    the budget period's id ("d2026-11-25", "m2026-11")
 * @param kind        {@link #THRESHOLD} or {@link #FORECAST}
 * @param threshold   percent of the limit crossed; 0 for a forecast
 * @param limitMicros the limit it fired at (a raised limit re-arms: a new alert)
 * @param spentMicros spend when it fired
 * @param runsOutAt   a forecast's: when the budget runs out at the last 24 h's rate (null otherwise)
 * @param periodEnd   when the period ends (and the budget is whole again)
 */
public record Alert(long id, Budget budget, String periodId, String kind, int threshold, long limitMicros,
                    long spentMicros, Instant crossedAt, Instant runsOutAt, Instant periodEnd) {

  public static final String THRESHOLD = "threshold";
  public static final String FORECAST = "forecast";

  public Alert withId(long newId) {
    return new Alert(newId, budget, periodId, kind, threshold, limitMicros, spentMicros, crossedAt, runsOutAt,
        periodEnd);
  }

  /** As the API, the CLI and the generic webhook show it. */
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("org", budget.org()).put("kind", kind).put("scope", budget.scope())
        .put("key", "key".equals(budget.scope()) ? budget.scopeId() : null).put("period", periodId)
        .put("thresholdPercent", THRESHOLD.equals(kind) ? threshold : null)
        .put("limitUsd", limitUsd()).put("spentUsd", spentUsd())
        .put("at", crossedAt.toString())
        .put("runsOutAt", runsOutAt == null ? null : runsOutAt.toString())
        .put("periodEnd", periodEnd.toString());
  }

  public double limitUsd() {
    return limitMicros / 1_000_000.0;
  }

  public double spentUsd() {
    return spentMicros / 1_000_000.0;
  }
}
