package io.tollgate.gateway.config;

import java.util.List;

/**
 * Cross-origin access for browser apps that call the gateway directly (the {@code cors} section).
 * Off unless origins are listed: a gateway key in a browser is the owner's choice to make.
 *
 * @param allowedOrigins origins allowed exactly as the browser sends them ({@code https://app.example.com}),
 *                       or {@code *} for any
 * @param allowedMethods methods a preflight may ask for
 * @param allowedHeaders request headers a preflight may ask for; {@code *} allows whatever it asks
 *                       (Authorization included, which the CORS wildcard itself never covers)
 * @param exposedHeaders response headers scripts may read (request id, rate limits, retry-after)
 * @param maxAgeSeconds  how long browsers may cache a preflight's answer
 */
public record CorsSettings(List<String> allowedOrigins, List<String> allowedMethods, List<String> allowedHeaders,
                           List<String> exposedHeaders, long maxAgeSeconds) {

  public static final List<String> DEFAULT_METHODS = List.of("GET", "POST", "OPTIONS");
  public static final List<String> DEFAULT_HEADERS = List.of("*");
  public static final List<String> DEFAULT_EXPOSED = List.of("x-request-id", "retry-after", "retry-after-ms",
      "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests",
      "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens", "x-should-retry",
      "x-tollgate-backend", "x-tollgate-model", "x-tollgate-budget", "x-tollgate-budget-remaining-usd");

  public static CorsSettings off() {
    return new CorsSettings(List.of(), DEFAULT_METHODS, DEFAULT_HEADERS, DEFAULT_EXPOSED, 600);
  }

  public boolean enabled() {
    return !allowedOrigins.isEmpty();
  }

  public boolean allowsOrigin(String origin) {
    return origin != null && (allowedOrigins.contains("*") || allowedOrigins.contains(origin));
  }

  public boolean allowsMethod(String method) {
    return method != null && allowedMethods.stream().anyMatch(method::equalsIgnoreCase);
  }

  /** Whether every header a preflight asks for (comma-separated) is allowed. */
  public boolean allowsHeaders(String requested) {
    if (requested == null || requested.isBlank() || allowedHeaders.contains("*")) {
      return true;
    }
    for (String header : requested.split(",")) {
      String name = header.trim();
      if (!name.isEmpty() && allowedHeaders.stream().noneMatch(name::equalsIgnoreCase)) {
        return false;
      }
    }
    return true;
  }
}
