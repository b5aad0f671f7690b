package io.tollgate.gateway.limit;

import io.tollgate.gateway.config.BudgetSpec;
import io.tollgate.gateway.config.LimitSpec;

/**
 * Everything one admission decides on: the key's and its org's limits and budgets, and what the
 * request would take from them at worst.
 *
 * @param tokens     tokens to reserve: prompt estimate + max_tokens (or the configured default)
 * @param costMicros worst-case cost in micro-USD at the model's prices, reserved from budgets
 * @param keyBudget  null when the key has none
 * @param orgBudget  null when the org has none
 * @param deadlineMillis the longest the request may run (its route's total timeout), 0 when
 *                   unbounded: its concurrency slot's lease ends with it (plus a margin)
 */
public record AdmissionRequest(
    String keyId,
    String orgId,
    LimitSpec keyLimits,
    LimitSpec orgLimits,
    long tokens,
    long costMicros,
    BudgetSpec keyBudget,
    BudgetSpec orgBudget,
    long deadlineMillis) {

  /** Without a deadline: the slot's lease is the limiter's default bound. */
  public AdmissionRequest(String keyId, String orgId, LimitSpec keyLimits, LimitSpec orgLimits, long tokens,
                          long costMicros, BudgetSpec keyBudget, BudgetSpec orgBudget) {
    this(keyId, orgId, keyLimits, orgLimits, tokens, costMicros, keyBudget, orgBudget, 0);
  }

  /** A request with key limits only (no org limits, no budgets). */
  public static AdmissionRequest ofKey(String keyId, LimitSpec limits, long tokens) {
    return new AdmissionRequest(keyId, "-", limits, LimitSpec.UNLIMITED, tokens, 0, null, null);
  }

  /**
   * The tokens-per-minute limit this request can never fit in (its reservation is larger than the
   * whole limit), key's first, or 0 when it fits both. The limits are passed in: a replica's share
   * under fail-open, or the whole limits.
   */
  public long tokenLimitExceeded(long keyTpm, long orgTpm) {
    if (keyTpm > 0 && tokens > keyTpm) {
      return keyTpm;
    }
    return orgTpm > 0 && tokens > orgTpm ? orgTpm : 0;
  }
}
