package io.tollgate.logging;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

  /** Per-logger levels, e.g. {@code tollgate.access=OFF,io.netty=WARNING} (see {@link #levels}). */
  public static final String LEVELS_ENV = "TOLLGATE_LOG_LEVELS";
  /** The names operators type for JUL's levels. */
  private static final Map<String, Level> ALIASES = Map.of(
      "ERROR", Level.SEVERE, "WARN", Level.WARNING, "DEBUG", Level.FINE, "TRACE", Level.FINEST);
  /** The loggers given a level, held: JUL keeps loggers weakly, and a collected one would lose it. */
  private static final List<Logger> LEVELLED = new ArrayList<>();

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

  /**
   * Sets loggers' levels from a spec such as {@code tollgate.access=OFF, io.netty=WARNING,
   * io.tollgate.gateway.limit=DEBUG} ({@value #LEVELS_ENV}): {@code root} names the root logger; a
   * level is JUL's name (OFF, SEVERE, WARNING, INFO, CONFIG, FINE, FINER, FINEST, ALL) or ERROR,
   * WARN, DEBUG, TRACE. A high-volume deployment turns the per-request access log off with
   * {@code tollgate.access=OFF} (usage events still carry every request); null or blank changes nothing.
   * Call it after {@link #configure}, which resets every logger's level.
   *
   * @throws IllegalArgumentException naming the entry that is not {@code logger=LEVEL}, before any is set
   */
  public static synchronized void levels(String spec) {
    if (spec == null || spec.isBlank()) {
      return;
    }
    List<Logger> loggers = new ArrayList<>();
    List<Level> levels = new ArrayList<>();
    for (String entry : spec.split(",")) {
      String trimmed = entry.trim();
      int equals = trimmed.indexOf('=');
      String name = equals > 0 ? trimmed.substring(0, equals).trim() : "";
      Level level = equals > 0 ? level(trimmed.substring(equals + 1).trim()) : null;
      if (name.isEmpty() || level == null) {
        throw new IllegalArgumentException(LEVELS_ENV + ": '" + trimmed + "' is not logger=LEVEL (a level is OFF, ERROR,"
            + " WARNING, INFO, DEBUG, TRACE or ALL), e.g. tollgate.access=OFF,io.netty=WARNING");
      }
      loggers.add(Logger.getLogger(name.equals("root") ? "" : name));
      levels.add(level);
    }
    for (int i = 0; i < loggers.size(); i++) {
      loggers.get(i).setLevel(levels.get(i));
      LEVELLED.add(loggers.get(i));
    }
  }

  private static Level level(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    Level alias = ALIASES.get(upper);
    if (alias != null) {
      return alias;
    }
    try {
      return upper.isEmpty() || Character.isDigit(upper.charAt(0)) ? null : Level.parse(upper);
    } catch (IllegalArgumentException e) {
      return null;
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
