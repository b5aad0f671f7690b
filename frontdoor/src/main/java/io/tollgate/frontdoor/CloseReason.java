package io.tollgate.frontdoor;

/** Why the front door closed a connection; the {@code reason} label of its metric. */
public enum CloseReason {
  /** A kept-alive connection stayed without a request past the idle timeout. */
  IDLE_TIMEOUT("idle_timeout"),
  /** A new connection did not complete its request headers in time (slowloris on headers). */
  HEADER_TIMEOUT("header_timeout"),
  /** The body did not arrive in time (slowloris on the body, or a declared body never sent): 408. */
  BODY_TIMEOUT("body_timeout"),
  /** More connections than allowed were open. */
  CONNECTION_LIMIT("connection_limit"),
  /** Content-Length with Transfer-Encoding, or a Transfer-Encoding other than chunked: 400. */
  AMBIGUOUS_FRAMING("ambiguous_framing"),
  /** A request line over the limit: 414. */
  REQUEST_LINE_TOO_LONG("request_line_too_long"),
  /** Headers over the limit: 431. */
  HEADERS_TOO_LARGE("headers_too_large"),
  /** Anything else the HTTP/1.1 parser refused: 400. */
  MALFORMED("malformed");

  private final String label;

  CloseReason(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
