package io.tollgate.loadtest.client;

import java.util.Locale;

/**
 * Why a request did not complete. The kind is the key of the report's "failures by kind" table; HTTP errors
 * are keyed by their status ({@code http_429}) because a 429 and a 503 mean different things to a sizer.
 *
 * @param kind   short stable key
 * @param detail a human-readable sample (an error message), for the report's examples
 */
public record Failure(String kind, String detail) {

  public static final String CONNECT = "connect";
  public static final String TIMEOUT = "timeout";
  public static final String STREAM_ERROR = "stream_error";
  public static final String INCOMPLETE = "incomplete";
  public static final String PROTOCOL = "protocol";
  public static final String NO_OUTPUT = "no_output";

  public static Failure httpStatus(int status, String body) {
    return new Failure("http_" + status, truncate(body));
  }

  public static Failure of(String kind, String detail) {
    return new Failure(kind, truncate(detail));
  }

  /** Sorts a transport exception into a kind: refused/reset connections vs. everything else. */
  public static Failure fromException(Throwable t, boolean responseStarted) {
    String message = String.valueOf(t.getMessage());
    String lower = message.toLowerCase(Locale.ROOT) + " " + t.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    if (lower.contains("timeout") || lower.contains("timed out")) {
      return of(TIMEOUT, message);
    }
    if (!responseStarted) {
      return of(CONNECT, t.getClass().getSimpleName() + ": " + message);
    }
    return of(INCOMPLETE, t.getClass().getSimpleName() + ": " + message);
  }

  private static String truncate(String s) {
    if (s == null) {
      return "";
    }
    String oneLine = s.replace('\n', ' ').replace('\r', ' ').strip();
    return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "…";
  }
}
