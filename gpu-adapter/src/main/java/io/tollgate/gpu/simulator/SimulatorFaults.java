package io.tollgate.gpu.simulator;

import io.vertx.core.json.JsonObject;

/**
 * Failures the simulator injects, changeable while it runs ({@link VllmSimulator#faults(SimulatorFaults)},
 * {@code POST /sim/faults}). New values apply to new requests and to tokens not yet sent.
 *
 * @param errorRate                   fraction of generation requests answered {@code errorStatus} before any stream starts
 * @param errorStatus                 HTTP status of those answers (5xx), with vLLM's error JSON
 * @param stallBeforeFirstTokenMillis extra wait before each sequence's first token
 * @param failAfterTokens             &gt;= 0: after that many tokens a stream gets {@code data: {"error":…}} then
 *                                    {@code data: [DONE]} and ends (a non-streaming request gets a 500); -1 off
 * @param stallAfterTokens            &gt;= 0: after that many tokens nothing more is sent and the response never
 *                                    ends (the connection stays open, the sequence keeps its KV); -1 off
 * @param extraTokenDelayMillis       added to every inter-token gap
 */
public record SimulatorFaults(double errorRate, int errorStatus, long stallBeforeFirstTokenMillis,
    int failAfterTokens, int stallAfterTokens, double extraTokenDelayMillis) {

  private static final SimulatorFaults NONE = new SimulatorFaults(0, 500, 0, -1, -1, 0);

  public SimulatorFaults {
    if (!(errorRate >= 0 && errorRate <= 1)) {
      throw new IllegalArgumentException("errorRate must be in [0, 1]");
    }
    if (errorStatus < 400 || errorStatus > 599) {
      throw new IllegalArgumentException("errorStatus must be an HTTP error status (400-599)");
    }
    if (stallBeforeFirstTokenMillis < 0) {
      throw new IllegalArgumentException("stallBeforeFirstTokenMillis must be >= 0");
    }
    if (failAfterTokens < -1 || stallAfterTokens < -1) {
      throw new IllegalArgumentException("failAfterTokens and stallAfterTokens must be >= 0, or -1 for off");
    }
    if (!(extraTokenDelayMillis >= 0) || !Double.isFinite(extraTokenDelayMillis)) {
      throw new IllegalArgumentException("extraTokenDelayMillis must be >= 0");
    }
  }

  public static SimulatorFaults none() {
    return NONE;
  }

  public SimulatorFaults withErrorRate(double errorRate) {
    return new SimulatorFaults(errorRate, errorStatus, stallBeforeFirstTokenMillis, failAfterTokens,
        stallAfterTokens, extraTokenDelayMillis);
  }

  public SimulatorFaults withErrorStatus(int errorStatus) {
    return new SimulatorFaults(errorRate, errorStatus, stallBeforeFirstTokenMillis, failAfterTokens,
        stallAfterTokens, extraTokenDelayMillis);
  }

  public SimulatorFaults withStallBeforeFirstTokenMillis(long stallBeforeFirstTokenMillis) {
    return new SimulatorFaults(errorRate, errorStatus, stallBeforeFirstTokenMillis, failAfterTokens,
        stallAfterTokens, extraTokenDelayMillis);
  }

  public SimulatorFaults withFailAfterTokens(int failAfterTokens) {
    return new SimulatorFaults(errorRate, errorStatus, stallBeforeFirstTokenMillis, failAfterTokens,
        stallAfterTokens, extraTokenDelayMillis);
  }

  public SimulatorFaults withStallAfterTokens(int stallAfterTokens) {
    return new SimulatorFaults(errorRate, errorStatus, stallBeforeFirstTokenMillis, failAfterTokens,
        stallAfterTokens, extraTokenDelayMillis);
  }

  public SimulatorFaults withExtraTokenDelayMillis(double extraTokenDelayMillis) {
    return new SimulatorFaults(errorRate, errorStatus, stallBeforeFirstTokenMillis, failAfterTokens,
        stallAfterTokens, extraTokenDelayMillis);
  }

  /** Reads the JSON of {@code POST /sim/faults}: fields not given keep the values of {@link #none()}. */
  public static SimulatorFaults fromJson(JsonObject json) {
    SimulatorFaults d = none();
    return new SimulatorFaults(
        json.getDouble("errorRate", d.errorRate()),
        json.getInteger("errorStatus", d.errorStatus()),
        json.getLong("stallBeforeFirstTokenMillis", d.stallBeforeFirstTokenMillis()),
        json.getInteger("failAfterTokens", d.failAfterTokens()),
        json.getInteger("stallAfterTokens", d.stallAfterTokens()),
        json.getDouble("extraTokenDelayMillis", d.extraTokenDelayMillis()));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("errorRate", errorRate)
        .put("errorStatus", errorStatus)
        .put("stallBeforeFirstTokenMillis", stallBeforeFirstTokenMillis)
        .put("failAfterTokens", failAfterTokens)
        .put("stallAfterTokens", stallAfterTokens)
        .put("extraTokenDelayMillis", extraTokenDelayMillis);
  }
}
