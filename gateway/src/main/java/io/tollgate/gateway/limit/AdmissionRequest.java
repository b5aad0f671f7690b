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
 */
public record AdmissionRequest(
    String keyId,
    String orgId,
    LimitSpec keyLimits,
    LimitSpec orgLimits,
    long tokens,
    long costMicros,
    BudgetSpec keyBudget,
    BudgetSpec orgBudget) {

  /** A request with key limits only (no org limits, no budgets). */
  public static AdmissionRequest ofKey(String keyId, LimitSpec limits, long tokens) {
    return new AdmissionRequest(keyId, "-", limits, LimitSpec.UNLIMITED, tokens, 0, null, null);
  }
}
