package io.tollgate.frontdoor;

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
