package io.tollgate.logging;

import java.util.Locale;
import java.util.logging.ConsoleHandler;
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

  /**
   * The log format a main was asked for: its flag if given, else {@code TOLLGATE_LOG_FORMAT}, else
   * {@code fallback}. What a value other than json or text means is the main's to decide.
   */
  public static String format(String flag, String fallback) {
    return flag != null ? flag : System.getenv().getOrDefault("TOLLGATE_LOG_FORMAT", fallback);
  }

  /**
   * A logger written on the request path (an access log) that must never write on the caller's
   * thread, an event loop. After {@link #configure} every logger already goes through the process's
   * asynchronous handler; without it (tests, embedding), JUL's default console handler would write
   * synchronously, so the logger gets an asynchronous JSON handler of its own, once, however many
   * classes ask for it. Keep the returned logger in a static field: JUL holds loggers weakly.
   */
  public static synchronized Logger offTheCallerThread(String name) {
    Logger logger = Logger.getLogger(name);
    boolean console = false;
    for (Handler handler : Logger.getLogger("").getHandlers()) {
      console |= handler instanceof ConsoleHandler;
    }
    boolean asynchronous = false;
    for (Handler handler : logger.getHandlers()) {
      asynchronous |= handler instanceof AsyncLogHandler;
    }
    if (console && !asynchronous) {
      logger.setUseParentHandlers(false);
      logger.addHandler(new AsyncLogHandler(new JsonLogFormatter(), System.err));
    }
    return logger;
  }

  /**
   * Makes {@link DrainAwareLogManager} the JVM's LogManager, so logging outlives the JDK's own
   * logging shutdown; must run before anything touches java.util.logging (first thing in main). A
   * {@code -Djava.util.logging.manager} given on the command line wins.
   */
  public static void installDrainAwareManager() {
    if (System.getProperty("java.util.logging.manager") == null) {
      System.setProperty("java.util.logging.manager", DrainAwareLogManager.class.getName());
    }
  }

  /** Whether this JVM's logging survives until {@link #shutdown()} (false: the JDK ends it at exit). */
  public static boolean outlivesJvmShutdown() {
    return LogManager.getLogManager() instanceof DrainAwareLogManager;
  }

  /**
   * The end of a service's shutdown hook, after its drain: every line logged so far is written,
   * then logging is reset (what the JDK's hook would have done earlier).
   */
  public static void shutdown() {
    for (Handler handler : Logger.getLogger("").getHandlers()) {
      handler.flush();
    }
    if (LogManager.getLogManager() instanceof DrainAwareLogManager manager) {
      manager.resetNow();
    }
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
