package io.tollgate.loadtest.compare;

import io.tollgate.loadtest.metrics.JsonNumbers;
import io.vertx.core.json.JsonObject;

/** One figure of target A and target B, and B / A (NaN when A is 0 or either is missing). */
public record FigureRatio(String key, String unit, double a, double b, double ratio) {

  public static double ratio(double a, double b) {
    if (Double.isNaN(a) || Double.isNaN(b) || a == 0) {
      return Double.NaN;
    }
    return b / a;
  }

  public JsonObject toJson() {
    return new JsonObject().put("key", key).put("unit", unit).put("a", JsonNumbers.finite(a))
        .put("b", JsonNumbers.finite(b)).put("ratio", JsonNumbers.finite(ratio));
  }
}
