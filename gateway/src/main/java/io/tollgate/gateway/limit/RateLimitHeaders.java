package io.tollgate.gateway.limit;

import io.vertx.core.MultiMap;

/**
 * OpenAI's rate-limit response headers. A dimension whose limit is 0 (unlimited) is left out.
 * Reset values use OpenAI's duration format ("1s", "6m0s", "20ms").
 */
public record RateLimitHeaders(
    long limitRequests, long remainingRequests, long resetRequestsMillis,
    long limitTokens, long remainingTokens, long resetTokensMillis) {

  public static final RateLimitHeaders NONE = new RateLimitHeaders(0, 0, 0, 0, 0, 0);

  public void writeTo(MultiMap headers) {
    if (limitRequests > 0) {
      headers.set("x-ratelimit-limit-requests", Long.toString(limitRequests));
      headers.set("x-ratelimit-remaining-requests", Long.toString(remainingRequests));
      headers.set("x-ratelimit-reset-requests", duration(resetRequestsMillis));
    }
    if (limitTokens > 0) {
      headers.set("x-ratelimit-limit-tokens", Long.toString(limitTokens));
      headers.set("x-ratelimit-remaining-tokens", Long.toString(remainingTokens));
      headers.set("x-ratelimit-reset-tokens", duration(resetTokensMillis));
    }
  }

  /** OpenAI's format: "20ms" under a second, else "1s", "1m30s", "6m0s". */
  public static String duration(long millis) {
    if (millis < 1000) {
      return millis + "ms";
    }
    long seconds = (millis + 999) / 1000;
    if (seconds < 60) {
      return seconds + "s";
    }
    return (seconds / 60) + "m" + (seconds % 60) + "s";
  }
}
