package io.tollgate.controlplane.observability;

import io.tollgate.logging.Logging;
import io.vertx.core.json.JsonObject;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per API request on the logger {@code tollgate.access} (the gateway's access-log logger
 * too): request id, method, route template, status, duration and actor. Its fields travel as the
 * record's {@link JsonObject} parameter, which the gateway's formatters write out as JSON fields or
 * key=value pairs. Never the path's values beyond the template, never a header: no token or key
 * secret can reach it.
 */
public final class ApiAccessLog {

  public static final String LOGGER = "tollgate.access";
  private static final Logger LOG = Logging.offTheCallerThread(LOGGER);

  private ApiAccessLog() {
  }

  /** @param actor the user's email, "bootstrap", or null when the request was not authenticated */
  public static void request(String requestId, String method, String route, int status, double durationMillis,
                             String actor) {
    if (!LOG.isLoggable(Level.INFO)) {
      return;
    }
    LogRecord record = new LogRecord(Level.INFO, "request");
    record.setLoggerName(LOGGER);
    record.setParameters(new Object[] {new JsonObject()
        .put("request_id", requestId)
        .put("method", method)
        .put("route", route)
        .put("status", status)
        .put("duration_ms", Math.round(durationMillis * 1000) / 1000.0)
        .put("actor", actor)});
    LOG.log(record);
  }
}
