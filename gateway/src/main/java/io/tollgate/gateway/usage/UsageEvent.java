package io.tollgate.gateway.usage;

import io.tollgate.gateway.ids.Ids;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * One request's usage, whatever its ending. Emitted exactly once per request, with a unique id so
 * that downstream consumers can drop duplicates.
 *
 * @param endpointFamily     the API called, whatever its path ("chat", "responses", "messages", "rerank", …)
 * @param errorKind          null on success; else the error code (e.g. "upstream_timeout")
 * @param reasoningTokens    of the completion tokens, those the model spent reasoning (when the backend says)
 * @param audioSeconds       seconds of audio transcribed or translated (as the backend bills them), else 0
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
    String endpointFamily,
    String modelRequested,
    String modelServed,
    String backendId,
    int status,
    String errorKind,
    boolean stream,
    long promptTokens,
    long completionTokens,
    long cachedTokens,
    long reasoningTokens,
    double audioSeconds,
    double costUsd,
    double ttftMillis,
    double latencyMillis,
    boolean clientDisconnected,
    long configVersion) {

  /**
   * Whatever the client sent, the event is valid against config/schemas/usage-event.json: bounded
   * fields are cut and text made safe here, once, for every way an event is made (see UsageFields).
   */
  public UsageEvent {
    requestId = UsageFields.nonEmpty(requestId, UsageFields.REQUEST_ID_MAX, "-");
    orgId = orgId == null ? null : UsageFields.nonEmpty(orgId, UsageFields.ID_MAX, "-");
    keyId = keyId == null ? null : UsageFields.nonEmpty(keyId, UsageFields.ID_MAX, "-");
    endpoint = UsageFields.path(endpoint);
    endpointFamily = UsageFields.family(endpointFamily);
    modelRequested = UsageFields.bounded(modelRequested, UsageFields.ID_MAX);
    modelServed = UsageFields.bounded(modelServed, UsageFields.ID_MAX);
    backendId = UsageFields.bounded(backendId, UsageFields.ID_MAX);
    errorKind = UsageFields.bounded(errorKind, UsageFields.ERROR_KIND_MAX);
    promptTokens = UsageFields.count(promptTokens);
    completionTokens = UsageFields.count(completionTokens);
    cachedTokens = UsageFields.count(cachedTokens);
    reasoningTokens = UsageFields.count(reasoningTokens);
    audioSeconds = UsageFields.amount(audioSeconds);
    costUsd = UsageFields.amount(costUsd);
    ttftMillis = ttftMillis < 0 || !Double.isFinite(ttftMillis) ? -1 : ttftMillis;
    latencyMillis = UsageFields.amount(latencyMillis);
    configVersion = UsageFields.count(configVersion);
  }

  /**
   * A request refused before it reached a backend (bad input, model not allowed, limits): no
   * backend, no tokens, no cost, but one event all the same, so usage and reliability reports see it.
   */
  public static UsageEvent refused(String requestId, String orgId, String keyId, String endpoint, String family,
                                   String model, boolean stream, int status, String errorKind, double latencyMillis,
                                   long configVersion) {
    return new UsageEvent(Ids.uuidV7(), Instant.now(), requestId, orgId, keyId, endpoint, family, model, null, null,
        status, errorKind, stream, 0, 0, 0, 0, 0, 0.0, -1, latencyMillis, false, configVersion);
  }

  /**
   * A request answered before a valid key was known (401, or refused before its key was checked):
   * recorded all the same, with no org and no key (the schema's anonymous event; analytics counts
   * it in reliability, in no org's usage).
   */
  public static UsageEvent anonymous(String requestId, String endpoint, String family, int status, String errorKind,
                                     double latencyMillis, long configVersion) {
    return refused(requestId, null, null, endpoint, family, null, false, status, errorKind, latencyMillis,
        configVersion);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("event_id", eventId)
        .put("time", time.toString())
        .put("request_id", requestId)
        .put("org_id", orgId)
        .put("key_id", keyId)
        .put("endpoint", endpoint)
        .put("endpoint_family", endpointFamily)
        .put("model_requested", modelRequested)
        .put("model_served", modelServed)
        .put("backend_id", backendId)
        .put("status", status)
        .put("error_kind", errorKind)
        .put("stream", stream)
        .put("prompt_tokens", promptTokens)
        .put("completion_tokens", completionTokens)
        .put("cached_tokens", cachedTokens)
        .put("reasoning_tokens", reasoningTokens)
        .put("audio_seconds", audioSeconds)
        .put("cost_usd", costUsd)
        .put("ttft_ms", ttftMillis < 0 ? null : ttftMillis)
        .put("latency_ms", latencyMillis)
        .put("client_disconnected", clientDisconnected)
        .put("config_version", configVersion);
  }
}
