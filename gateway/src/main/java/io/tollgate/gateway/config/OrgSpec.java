package io.tollgate.gateway.config;

/**
 * An organisation's own limits, shared by all its keys (on top of each key's limits).
 *
 * @param id      the org id keys name
 * @param limits  requests and tokens per minute for the whole org (0 = unlimited); streams are per key
 * @param budget  the org's spend limit, or null
 */
public record OrgSpec(String id, LimitSpec limits, BudgetSpec budget) {
}
