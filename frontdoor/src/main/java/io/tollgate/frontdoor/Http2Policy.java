package io.tollgate.frontdoor;

import java.util.List;

/**
 * Whether a public port speaks HTTP/2, and the limits an HTTP/2 connection gets on top of the
 * front door's (docs/adr/0021-http2-at-the-front-door.md).
 *
 * @param overTls              h2 negotiated by ALPN on a TLS port (clients that offer only http/1.1 keep it)
 * @param clearText            h2c on a plain port: prior knowledge and the HTTP/1.1 {@code Upgrade: h2c}; off by
 *                             default because the first request of a plain HTTP/1.1 connection is then read before
 *                             the front door's strict decoder is in place (see the ADR)
 * @param maxConcurrentStreams streams one connection may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS);
 *                             more are refused by the client's own stack or with RST_STREAM(REFUSED_STREAM)
 * @param maxResetsPerWindow   RST_STREAM frames a client may send per {@code resetWindowSeconds} before the
 *                             connection is closed with GOAWAY(ENHANCE_YOUR_CALM) (rapid reset, CVE-2023-44487)
 * @param resetWindowSeconds   the rapid-reset window
 */
public record Http2Policy(boolean overTls, boolean clearText, int maxConcurrentStreams, int maxResetsPerWindow,
                          int resetWindowSeconds) {

  public Http2Policy {
    if (maxConcurrentStreams < 1 || maxResetsPerWindow < 1 || resetWindowSeconds < 1) {
      throw new IllegalArgumentException("http2MaxConcurrentStreams, http2MaxResetsPerWindow and "
          + "http2ResetWindowSeconds must be at least 1");
    }
  }

  /** The switches' names ({@link FlagSource}), as in gateway.yaml's {@code server} section. */
  public static final List<String> FLAGS = List.of("http2", "http2ClearText");
  /** The numbers' names ({@link FrontDoorSettings.Source}). */
  public static final List<String> NUMBERS = List.of("http2MaxConcurrentStreams", "http2MaxResetsPerWindow",
      "http2ResetWindowSeconds");

  /** Reads one on/off option of a service's settings, or the fallback. */
  @FunctionalInterface
  public interface FlagSource {
    boolean read(String option, boolean fallback);
  }

  /** h2 over TLS on (what browsers, OkHttp and gRPC-style clients negotiate), h2c off, Vert.x's reset limit. */
  public static Http2Policy defaults() {
    return new Http2Policy(true, false, 100, 200, 30);
  }

  /** HTTP/1.1 only, as before this policy existed. */
  public static Http2Policy off() {
    return new Http2Policy(false, false, 100, 200, 30);
  }

  public static Http2Policy read(FlagSource flags, FrontDoorSettings.Source numbers) {
    Http2Policy d = defaults();
    return new Http2Policy(
        flags.read("http2", d.overTls()),
        flags.read("http2ClearText", d.clearText()),
        (int) numbers.read("http2MaxConcurrentStreams", d.maxConcurrentStreams(), 1, 10_000),
        (int) numbers.read("http2MaxResetsPerWindow", d.maxResetsPerWindow(), 1, 1_000_000),
        (int) numbers.read("http2ResetWindowSeconds", d.resetWindowSeconds(), 1, 3_600));
  }

  public Http2Policy withClearText(boolean on) {
    return new Http2Policy(overTls, on, maxConcurrentStreams, maxResetsPerWindow, resetWindowSeconds);
  }

  public Http2Policy withOverTls(boolean on) {
    return new Http2Policy(on, clearText, maxConcurrentStreams, maxResetsPerWindow, resetWindowSeconds);
  }

  public Http2Policy withMaxConcurrentStreams(int max) {
    return new Http2Policy(overTls, clearText, max, maxResetsPerWindow, resetWindowSeconds);
  }

  public Http2Policy withResetLimit(int resets, int windowSeconds) {
    return new Http2Policy(overTls, clearText, maxConcurrentStreams, resets, windowSeconds);
  }
}
