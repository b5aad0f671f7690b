package io.tollgate.gateway.limit;

import io.tollgate.gateway.outcome.Refusal;

/**
 * The limiter's answer for one request.
 *
 * @param admitted        whether the request may run
 * @param reservation     what was taken (tokens, a stream slot), to settle after the request ends
 * @param headers         OpenAI's x-ratelimit-* figures at decision time
 * @param retryAfterMillis when refused: how long until it would be admitted (-1 if never)
 * @param error           when refused: the 429 to send
 * @param decidedBy        "local" (in-process), "redis", "fail_open" or "fail_closed" (Redis away)
 */
public record Admission(
    boolean admitted,
    Reservation reservation,
    RateLimitHeaders headers,
    long retryAfterMillis,
    Refusal error,
    String decidedBy) {

  public static Admission admit(Reservation reservation, RateLimitHeaders headers) {
    return new Admission(true, reservation, headers, 0, null, "local");
  }

  public static Admission refuse(Refusal error, long retryAfterMillis, RateLimitHeaders headers) {
    return new Admission(false, null, headers, retryAfterMillis, error, "local");
  }

  public Admission decidedBy(String by) {
    return new Admission(admitted, reservation, headers, retryAfterMillis, error, by);
  }
}
