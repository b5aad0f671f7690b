package io.tollgate.gateway.limit;

import io.tollgate.gateway.config.BudgetSpec;

import java.time.Instant;
import java.util.List;

/**
 * The Redis keys one admission touches. Every key carries the org's hash tag ({@code {tg:org}}),
 * so the key's and the org's state land in one Redis Cluster slot and one script may touch both.
 * Settling uses the keys fixed at admission: a request that straddles midnight settles against
 * the period it was charged to.
 */
record RedisKeys(String keyRpm, String keyTpm, String orgRpm, String orgTpm, String streams,
                 String keySpend, String orgSpend, String reservation, String slotLeases, String slotWeights,
                 String keyAlerts, String orgAlerts) {

  static RedisKeys of(String prefix, AdmissionRequest request, String reservationId, Instant now) {
    String tag = "{" + prefix + ":" + request.orgId() + "}";
    String key = tag + ":k:" + request.keyId();
    String keyPeriod = period(request.keyBudget(), now);
    String orgPeriod = period(request.orgBudget(), now);
    return new RedisKeys(
        key + ":rpm",
        key + ":tpm",
        tag + ":o:rpm",
        tag + ":o:tpm",
        key + ":streams",
        key + ":spend:" + keyPeriod,
        tag + ":o:spend:" + orgPeriod,
        tag + ":res:" + reservationId,
        key + ":streams:leases",
        key + ":streams:weights",
        key + ":alerts:" + keyPeriod,
        tag + ":o:alerts:" + orgPeriod);
  }

  private static String period(BudgetSpec budget, Instant now) {
    return budget == null ? "none" : budget.periodId(now);
  }

  List<String> forAdmit() {
    return List.of(keyRpm, keyTpm, orgRpm, orgTpm, streams, keySpend, orgSpend, reservation, slotLeases, slotWeights,
        keyAlerts, orgAlerts);
  }

  /** lease.lua's keys. */
  List<String> forLease() {
    return List.of(keyRpm, keyTpm, orgRpm, orgTpm, streams, slotLeases, slotWeights);
  }

  /** release.lua's keys. */
  List<String> forRelease() {
    return List.of(keyRpm, keyTpm, orgRpm, orgTpm, slotLeases, slotWeights);
  }

  List<String> forSettle() {
    return List.of(keyTpm, orgTpm, streams, keySpend, orgSpend, reservation, keyAlerts, orgAlerts);
  }
}
