package io.tollgate.gateway.logging;

import io.tollgate.logging.LogFields;

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
    if (off()) {
      return;
    }
    write(field -> {
      field.accept("request_id", event.requestId());
      field.accept("trace_id", traceId);
      field.accept("key_id", event.keyId());
      field.accept("org_id", event.orgId());
      field.accept("endpoint", event.endpoint());
      field.accept("model", event.modelRequested());
      field.accept("model_served", event.modelServed());
      field.accept("backend", event.backendId());
      field.accept("stream", event.stream());
      field.accept("status", event.status());
      field.accept("error_kind", event.errorKind());
      field.accept("prompt_tokens", event.promptTokens());
      field.accept("completion_tokens", event.completionTokens());
      field.accept("ttft_ms", event.ttftMillis() < 0 ? null : event.ttftMillis());
      field.accept("latency_ms", event.latencyMillis());
      field.accept("client_disconnected", event.clientDisconnected());
      field.accept("config_version", event.configVersion());
    });
  }

  /** The line of a request refused before its caller was known (no key, bad key, unreadable body). */
  public static void anonymous(String requestId, String traceId, String endpoint, int status, String errorKind) {
    if (off()) {
      return;
    }
    write(field -> {
      field.accept("request_id", requestId);
      field.accept("trace_id", traceId);
      field.accept("endpoint", endpoint);
      field.accept("status", status);
      field.accept("error_kind", errorKind);
    });
  }

  /** Switched off (TOLLGATE_LOG_LEVELS=tollgate.access=OFF): no line, and not even its field visitor is made. */
  private static boolean off() {
    return !LOG.isLoggable(Level.INFO);
  }

  /** Fields are visited by the formatter on the writer thread, not copied into a map here. */
  private static void write(LogFields fields) {
    LogRecord record = new LogRecord(Level.INFO, "request");
    record.setLoggerName(LOGGER);
    record.setParameters(new Object[] {fields});
    LOG.log(record);
  }
}
