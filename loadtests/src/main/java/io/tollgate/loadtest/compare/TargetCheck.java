package io.tollgate.loadtest.compare;

import io.tollgate.loadtest.metrics.JsonNumbers;
import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * One of the gateway's performance targets, judged on one phase.
 *
 * @param target      e.g. "added TTFT p50"
 * @param where       the conditions it was measured under, e.g. "phase steady, 500 concurrent streams"
 * @param measured    the figure
 * @param limit       the bound
 * @param atMost      true: measured must be &lt; limit (latency, memory); false: &gt;= limit (throughput ratio)
 */
public record TargetCheck(String target, String where, double measured, double limit, String unit,
    boolean atMost) {

  public boolean known() {
    return !Double.isNaN(measured);
  }

  public boolean met() {
    return known() && (atMost ? measured < limit : measured >= limit);
  }

  /** How far it is from the bound: positive means missed by that much. */
  public double missedBy() {
    return atMost ? measured - limit : limit - measured;
  }

  public String verdict() {
    if (!known()) {
      return "n/a (not measured)";
    }
    String bound = (atMost ? "< " : ">= ") + fmt(limit) + unit;
    if (met()) {
      return "met: " + fmt(measured) + unit + " (target " + bound + ")";
    }
    return "MISSED by " + fmt(missedBy()) + unit + ": " + fmt(measured) + unit + " (target " + bound + ")";
  }

  private static String fmt(double v) {
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v)
        : Math.abs(v) >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.3g", v);
  }

  public JsonObject toJson() {
    return new JsonObject().put("target", target).put("where", where).put("measured", JsonNumbers.finite(measured))
        .put("limit", limit).put("unit", unit).put("atMost", atMost).put("met", met()).put("verdict", verdict());
  }
}
