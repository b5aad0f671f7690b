package io.tollgate.gateway.limit;

import java.time.Instant;

/**
 * Where a budget stood when it refused a request: told to the caller with the refusal, so that it
 * can see how much is left and when the period starts again.
 *
 * @param owner        "key" or "org": whose budget refused
 * @param limitMicros  the budget for the period, micro-USD
 * @param spentMicros  spent and reserved in the period so far, micro-USD
 * @param resetsAt     when the period ends (UTC) and the budget is whole again
 */
public record BudgetStatus(String owner, long limitMicros, long spentMicros, Instant resetsAt) {

  public long remainingMicros() {
    return Math.max(0, limitMicros - spentMicros);
  }
}
