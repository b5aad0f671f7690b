package io.tollgate.gateway.usage;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * One request's usage, whatever its ending. Emitted exactly once per request, with a unique id so
 * that downstream consumers can drop duplicates.
 *
 * @param errorKind          null on success; else the error code (e.g. "upstream_timeout")
 * @param ttftMillis         time to first token as the gateway saw it, or -1 when none came
 * @param clientDisconnected the client went away before the response ended
 */
public record UsageEvent(
    String eventId,
    Instant time,
    String requestId,
    String orgId,
    String keyId,
    String endpoint,
    String modelRequested,
    String modelServed,
    String backendId,
    int status,
    String errorKind,
    boolean stream,
    long promptTokens,
    long completionTokens,
    long cachedTokens,
    double costUsd,
    double ttftMillis,
    double latencyMillis,
    boolean clientDisconnected,
    long configVersion) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("event_id", eventId)
        .put("time", time.toString())
        .put("request_id", requestId)
        .put("org_id", orgId)
        .put("key_id", keyId)
        .put("endpoint", endpoint)
        .put("model_requested", modelRequested)
        .put("model_served", modelServed)
        .put("backend_id", backendId)
        .put("status", status)
        .put("error_kind", errorKind)
        .put("stream", stream)
        .put("prompt_tokens", promptTokens)
        .put("completion_tokens", completionTokens)
        .put("cached_tokens", cachedTokens)
        .put("cost_usd", costUsd)
        .put("ttft_ms", ttftMillis < 0 ? null : ttftMillis)
        .put("latency_ms", latencyMillis)
        .put("client_disconnected", clientDisconnected)
        .put("config_version", configVersion);
  }
}
