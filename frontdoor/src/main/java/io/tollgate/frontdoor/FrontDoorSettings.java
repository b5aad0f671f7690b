package io.tollgate.frontdoor;

import java.util.List;
import java.util.Locale;

/**
 * What a public port allows a client before the service sees a request. Every limit is per
 * process; a value of 0 for a timeout turns that deadline off.
 *
 * @param headerTimeoutMs     a new connection must deliver a complete request line and headers within this
 * @param bodyTimeoutMs       once the headers are in, the whole body must arrive within this (else 408 and close)
 * @param idleTimeoutMs       a kept-alive connection with no request in progress is closed after this; the next
 *                            request's headers must be complete within it
 * @param maxConnections      connections past this many are closed as soon as they are accepted
 * @param maxRequestLineBytes a longer request line is answered 414 and the connection closed
 * @param maxHeaderBytes      larger headers (all fields together) are answered 431 and the connection closed
 */
public record FrontDoorSettings(
    long headerTimeoutMs,
    long bodyTimeoutMs,
    long idleTimeoutMs,
    int maxConnections,
    int maxRequestLineBytes,
    int maxHeaderBytes) {

  public FrontDoorSettings {
    if (headerTimeoutMs < 0 || bodyTimeoutMs < 0 || idleTimeoutMs < 0) {
      throw new IllegalArgumentException("front-door timeouts must be 0 (off) or positive");
    }
    if (maxConnections < 1 || maxRequestLineBytes < 256 || maxHeaderBytes < 1024) {
      throw new IllegalArgumentException("maxConnections must be at least 1, maxRequestLineBytes at least 256 and "
          + "maxHeaderBytes at least 1024");
    }
  }

  /** The option names {@link #read} asks for, in order. */
  public static final List<String> OPTIONS = List.of("headerTimeoutMs", "bodyTimeoutMs",
      "idleTimeoutMs", "maxConnections", "maxRequestLineBytes", "maxHeaderBytes");

  /** A deadline longer than a day protects nothing; 0 turns one off. */
  private static final long DAY_MS = 86_400_000;

  /** Reads one option of a service's own settings: its value within the bounds, or the fallback. */
  @FunctionalInterface
  public interface Source {
    /**
     * @param option the option's name, as in gateway.yaml's {@code server} section ({@code headerTimeoutMs}…);
     *               {@link #environmentName} gives the TOLLGATE_HTTP_* variable of each
     */
    long read(String option, long fallback, long min, long max);
  }

  /**
   * The settings from a service's own reader, with these defaults and bounds for every service
   * (the gateway's YAML, the analytics service's YAML, the control plane's environment).
   */
  public static FrontDoorSettings read(Source source) {
    FrontDoorSettings d = defaults();
    return new FrontDoorSettings(
        source.read("headerTimeoutMs", d.headerTimeoutMs(), 0, DAY_MS),
        source.read("bodyTimeoutMs", d.bodyTimeoutMs(), 0, DAY_MS),
        source.read("idleTimeoutMs", d.idleTimeoutMs(), 0, DAY_MS),
        (int) source.read("maxConnections", d.maxConnections(), 1, 10_000_000),
        (int) source.read("maxRequestLineBytes", d.maxRequestLineBytes(), 256, 1 << 20),
        (int) source.read("maxHeaderBytes", d.maxHeaderBytes(), 1_024, 1 << 20));
  }

  /** {@code headerTimeoutMs} → {@code TOLLGATE_HTTP_HEADER_TIMEOUT_MS}: the variable every service reads. */
  public static String environmentName(String option) {
    return "TOLLGATE_HTTP_" + option.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  /** nginx-like defaults, tighter on headers: an API client sends its headers in one packet. */
  public static FrontDoorSettings defaults() {
    return new FrontDoorSettings(10_000, 30_000, 60_000, 20_000, 8_192, 16_384);
  }

  public FrontDoorSettings withTimeouts(long header, long body, long idle) {
    return new FrontDoorSettings(header, body, idle, maxConnections, maxRequestLineBytes, maxHeaderBytes);
  }

  public FrontDoorSettings withMaxConnections(int max) {
    return new FrontDoorSettings(headerTimeoutMs, bodyTimeoutMs, idleTimeoutMs, max, maxRequestLineBytes,
        maxHeaderBytes);
  }
}
