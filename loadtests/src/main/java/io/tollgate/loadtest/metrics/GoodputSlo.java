package io.tollgate.loadtest.metrics;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;

/**
 * Service-level objectives for goodput (DistServe), as vLLM's {@code --goodput ttft:MS tpot:MS e2el:MS}: a
 * completed request is good when every SLO given holds ({@code value <= slo}). NaN = not set. A request with
 * one output token has no TPOT; vLLM counts its TPOT as 0 for goodput, and so do we.
 */
public record GoodputSlo(double ttftMs, double tpotMs, double e2elMs) {

  public static final GoodputSlo NONE = new GoodputSlo(Double.NaN, Double.NaN, Double.NaN);

  public boolean isSet() {
    return !Double.isNaN(ttftMs) || !Double.isNaN(tpotMs) || !Double.isNaN(e2elMs);
  }

  /** Parses {@code ttft:500 tpot:50}; keys ttft, tpot, e2el; values in ms, >= 0. */
  public static GoodputSlo parse(List<String> items) {
    double ttft = Double.NaN;
    double tpot = Double.NaN;
    double e2el = Double.NaN;
    if (items == null) {
      return NONE;
    }
    for (String raw : items) {
      for (String item : raw.split("[,\\s]+")) {
        if (item.isBlank()) {
          continue;
        }
        int colon = item.indexOf(':');
        if (colon < 0) {
          throw new IllegalArgumentException("goodput SLO '" + item + "' must be KEY:MS, e.g. ttft:500");
        }
        String key = item.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        double value;
        try {
          value = Double.parseDouble(item.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("goodput SLO '" + item + "' has no number of milliseconds");
        }
        if (!(value >= 0) || Double.isInfinite(value)) {
          throw new IllegalArgumentException("goodput SLO '" + item + "' must be a finite number >= 0");
        }
        switch (key) {
          case "ttft" -> ttft = value;
          case "tpot" -> tpot = value;
          case "e2el" -> e2el = value;
          default -> throw new IllegalArgumentException(
              "goodput SLO key '" + key + "' is not one of ttft, tpot, e2el");
        }
      }
    }
    return new GoodputSlo(ttft, tpot, e2el);
  }

  /** Whether one completed request meets every SLO; tpotMs is 0 for output length <= 1. */
  public boolean isGood(double ttftMsOfRequest, double tpotMsOfRequest, double e2elMsOfRequest) {
    return (Double.isNaN(ttftMs) || ttftMsOfRequest <= ttftMs)
        && (Double.isNaN(tpotMs) || tpotMsOfRequest <= tpotMs)
        && (Double.isNaN(e2elMs) || e2elMsOfRequest <= e2elMs);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (!Double.isNaN(ttftMs)) {
      sb.append("ttft:").append(fmt(ttftMs)).append(' ');
    }
    if (!Double.isNaN(tpotMs)) {
      sb.append("tpot:").append(fmt(tpotMs)).append(' ');
    }
    if (!Double.isNaN(e2elMs)) {
      sb.append("e2el:").append(fmt(e2elMs)).append(' ');
    }
    return sb.toString().trim();
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  public JsonObject toJson() {
    return new JsonObject().put("ttftMs", JsonNumbers.finite(ttftMs)).put("tpotMs", JsonNumbers.finite(tpotMs))
        .put("e2elMs", JsonNumbers.finite(e2elMs));
  }

  public static GoodputSlo fromJson(JsonObject json) {
    if (json == null) {
      return NONE;
    }
    return new GoodputSlo(JsonNumbers.read(json, "ttftMs"), JsonNumbers.read(json, "tpotMs"),
        JsonNumbers.read(json, "e2elMs"));
  }
}
