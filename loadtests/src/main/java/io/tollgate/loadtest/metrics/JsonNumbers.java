package io.tollgate.loadtest.metrics;

import io.vertx.core.json.JsonObject;

/** JSON has no NaN: a figure that does not exist (no samples, no SLO) is written as null and read back as NaN. */
public final class JsonNumbers {

  private JsonNumbers() {
  }

  public static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }

  public static double read(JsonObject json, String key) {
    if (json == null) {
      return Double.NaN;
    }
    Object v = json.getValue(key);
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
