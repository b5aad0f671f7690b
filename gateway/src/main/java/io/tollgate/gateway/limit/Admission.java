package io.tollgate.gateway.limit;

import io.tollgate.gateway.config.BudgetSpec;
import io.tollgate.gateway.outcome.Refusal;

import java.time.Instant;

/**
 * The limiter's answer for one request.
 *
 * @param admitted        whether the request may run
 * @param reservation     what was taken (tokens, a stream slot), to settle after the request ends
 * @param headers         OpenAI's x-ratelimit-* figures at decision time
 * @param retryAfterMillis when refused: how long until it would be admitted (-1 if never)
 * @param error           when refused: the 429 to send
 * @param decidedBy        "local" (in-process), "redis", "fail_open" or "fail_closed" (Redis away)
 * @param budget           when a budget refused: where it stood; else null
 */
public record Admission(
    boolean admitted,
    Reservation reservation,
    RateLimitHeaders headers,
    long retryAfterMillis,
    Refusal error,
    String decidedBy,
    BudgetStatus budget) {

  public static Admission admit(Reservation reservation, RateLimitHeaders headers) {
    return new Admission(true, reservation, headers, 0, null, "local", null);
  }

  public static Admission refuse(Refusal error, long retryAfterMillis, RateLimitHeaders headers) {
    return new Admission(false, null, headers, retryAfterMillis, error, "local", null);
  }

  /**
   * A budget's refusal ({@link RefusalReason#KEY_BUDGET} or {@link RefusalReason#ORG_BUDGET}), with
   * where that budget stands: worth retrying only when its period starts again.
   */
  public static Admission overBudget(RefusalReason reason, AdmissionRequest request, long limitMicros,
                                     long spentMicros, RateLimitHeaders headers, Instant now) {
    boolean ofKey = reason == RefusalReason.KEY_BUDGET;
    BudgetSpec budget = ofKey ? request.keyBudget() : request.orgBudget();
    BudgetStatus status = new BudgetStatus(ofKey ? "key" : "org", limitMicros, spentMicros, budget.periodEnd(now));
    long untilReset = Math.max(0, status.resetsAt().toEpochMilli() - now.toEpochMilli());
    return new Admission(false, null, headers, untilReset, reason.error(0, -1), "local", status);
  }

  public Admission decidedBy(String by) {
    return new Admission(admitted, reservation, headers, retryAfterMillis, error, by, budget);
  }
}
