package io.tollgate.gateway.logging;

import io.vertx.core.json.JsonObject;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per request on the logger {@code tollgate.access}: ids (request, trace, key, org, never
 * the key itself), model, backend, status, error kind, tokens and timings. Written through the
 * process's asynchronous handler (see {@link Logging}), so the event loop never waits on it.
 */
public final class AccessLog {

  public static final String LOGGER = "tollgate.access";
  private static final Logger LOG = Logger.getLogger(LOGGER);

  static {
    // Without the main's set-up (tests, embedding), JUL's default console handler would write on
    // the caller's thread, an event loop: give the access log an asynchronous handler of its own.
    for (java.util.logging.Handler handler : Logger.getLogger("").getHandlers()) {
      if (handler instanceof java.util.logging.ConsoleHandler) {
        LOG.setUseParentHandlers(false);
        LOG.addHandler(new AsyncLogHandler(new JsonLogFormatter(), System.err));
        break;
      }
    }
  }

  private AccessLog() {
  }

  /** A request line; {@code fields} must not contain secrets. */
  public static void request(JsonObject fields) {
    if (!LOG.isLoggable(Level.INFO)) {
      return;
    }
    LogRecord record = new LogRecord(Level.INFO, "request");
    record.setLoggerName(LOGGER);
    record.setParameters(new Object[] {fields});
    LOG.log(record);
  }
}
