package io.tollgate.logging;

import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Process logging for every service's main: every logger (Vert.x's, Netty's and ours, which all use
 * java.util.logging here) goes through one {@link AsyncLogHandler} to stderr, as JSON lines by
 * default or as text for people at a terminal.
 */
public final class Logging {

  private Logging() {
  }

  /** @param format "json" or "text" */
  public static AsyncLogHandler configure(String format) {
    Formatter formatter = "text".equals(format.toLowerCase(Locale.ROOT)) ? new TextLogFormatter() : new JsonLogFormatter();
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    for (Handler handler : root.getHandlers()) {
      root.removeHandler(handler);
    }
    AsyncLogHandler handler = new AsyncLogHandler(formatter, System.err);
    handler.setLevel(Level.ALL);
    root.addHandler(handler);
    root.setLevel(Level.INFO);
    return handler;
  }
}
