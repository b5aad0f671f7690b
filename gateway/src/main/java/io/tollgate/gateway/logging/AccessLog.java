package io.tollgate.gateway.logging;

import io.vertx.core.json.JsonObject;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per request on the logger {@code tollgate.access}: ids (request, trace, key, org, never
 * the key itself), model, backend, status, error kind, tokens and timings. Written through the
 * process's asynchronous handler (see {@link io.tollgate.logging.Logging}), so the event loop never waits on it.
 */
public final class AccessLog {

  public static final String LOGGER = "tollgate.access";
  // Shared with the control plane's API access log: one asynchronous handler, however many ask.
  private static final Logger LOG = io.tollgate.logging.Logging.offTheCallerThread(LOGGER);

  private AccessLog() {
  }

  /** The line of a request whose caller is known, read from its usage event (which holds no secret). */
  public static void request(io.tollgate.gateway.usage.UsageEvent event, String traceId) {
    request(new JsonObject()
        .put("request_id", event.requestId())
        .put("trace_id", traceId)
        .put("key_id", event.keyId())
        .put("org_id", event.orgId())
        .put("endpoint", event.endpoint())
        .put("model", event.modelRequested())
        .put("model_served", event.modelServed())
        .put("backend", event.backendId())
        .put("stream", event.stream())
        .put("status", event.status())
        .put("error_kind", event.errorKind())
        .put("prompt_tokens", event.promptTokens())
        .put("completion_tokens", event.completionTokens())
        .put("ttft_ms", event.ttftMillis() < 0 ? null : event.ttftMillis())
        .put("latency_ms", event.latencyMillis())
        .put("client_disconnected", event.clientDisconnected())
        .put("config_version", event.configVersion()));
  }

  /** The line of a request refused before its caller was known (no key, bad key, unreadable body). */
  public static void anonymous(String requestId, String traceId, String endpoint, int status, String errorKind) {
    request(new JsonObject()
        .put("request_id", requestId)
        .put("trace_id", traceId)
        .put("endpoint", endpoint)
        .put("status", status)
        .put("error_kind", errorKind));
  }

  private static void request(JsonObject fields) {
    if (!LOG.isLoggable(Level.INFO)) {
      return;
    }
    LogRecord record = new LogRecord(Level.INFO, "request");
    record.setLoggerName(LOGGER);
    record.setParameters(new Object[] {fields});
    LOG.log(record);
  }
}
