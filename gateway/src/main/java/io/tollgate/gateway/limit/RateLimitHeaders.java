package io.tollgate.gateway.limit;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;

/**
 * OpenAI's rate-limit response headers. A dimension whose limit is 0 (unlimited) is left out.
 * Reset values use OpenAI's duration format ("1s", "6m0s", "20ms").
 */
public record RateLimitHeaders(
    long limitRequests, long remainingRequests, long resetRequestsMillis,
    long limitTokens, long remainingTokens, long resetTokensMillis) {

  public static final RateLimitHeaders NONE = new RateLimitHeaders(0, 0, 0, 0, 0, 0);
  private static final CharSequence LIMIT_REQUESTS = HttpHeaders.createOptimized("x-ratelimit-limit-requests");
  private static final CharSequence REMAINING_REQUESTS = HttpHeaders.createOptimized("x-ratelimit-remaining-requests");
  private static final CharSequence RESET_REQUESTS = HttpHeaders.createOptimized("x-ratelimit-reset-requests");
  private static final CharSequence LIMIT_TOKENS = HttpHeaders.createOptimized("x-ratelimit-limit-tokens");
  private static final CharSequence REMAINING_TOKENS = HttpHeaders.createOptimized("x-ratelimit-remaining-tokens");
  private static final CharSequence RESET_TOKENS = HttpHeaders.createOptimized("x-ratelimit-reset-tokens");

  public void writeTo(MultiMap headers) {
    if (limitRequests > 0) {
      headers.set(LIMIT_REQUESTS, Long.toString(limitRequests));
      headers.set(REMAINING_REQUESTS, Long.toString(remainingRequests));
      headers.set(RESET_REQUESTS, duration(resetRequestsMillis));
    }
    if (limitTokens > 0) {
      headers.set(LIMIT_TOKENS, Long.toString(limitTokens));
      headers.set(REMAINING_TOKENS, Long.toString(remainingTokens));
      headers.set(RESET_TOKENS, duration(resetTokensMillis));
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
