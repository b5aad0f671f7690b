package io.tollgate.loadtest.scenario;

import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * The ramp scenario's search: rates startRate, startRate × factor, … each held for stepDuration, stopping
 * after the first step in which fewer than kneeFraction of the requests met the goodput SLOs (or after
 * maxSteps).
 */
public record RampSettings(double factor, int maxSteps, Duration stepDuration, double kneeFraction) {

  public RampSettings {
    if (!(factor > 1)) {
      throw new IllegalArgumentException("--ramp-factor must be > 1");
    }
    if (maxSteps < 1) {
      throw new IllegalArgumentException("--ramp-max-steps must be >= 1");
    }
    if (stepDuration == null || stepDuration.isZero() || stepDuration.isNegative()) {
      throw new IllegalArgumentException("--step-duration must be > 0");
    }
    if (!(kneeFraction > 0 && kneeFraction <= 1)) {
      throw new IllegalArgumentException("--knee-fraction must be in (0, 1]");
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("factor", factor).put("maxSteps", maxSteps)
        .put("stepDurationSeconds", stepDuration.toMillis() / 1000.0).put("kneeFraction", kneeFraction);
  }
}
