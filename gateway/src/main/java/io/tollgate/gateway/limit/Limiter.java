package io.tollgate.gateway.limit;

import io.vertx.core.Future;

/**
 * Admission control: requests/minute and tokens/minute per key and per org, concurrent streams per
 * key, and budgets of the key and its org. Admit takes everything a request needs in one step (all
 * or nothing); settle returns what it did not use and charges what it used beyond.
 */
public interface Limiter {

  Future<Admission> admit(AdmissionRequest request);

  /**
   * Settles a reservation with the real usage: unused tokens and budget return, an overrun is
   * charged, the stream slot is freed. Idempotent: only the first call for a reservation counts.
   */
  Future<Void> settle(Reservation reservation, long actualTokens, long actualCostMicros);

  /** Settles with the limiter that granted the reservation. */
  static Future<Void> settleWithOwner(Reservation reservation, long actualTokens, long actualCostMicros) {
    return reservation.owner().settle(reservation, actualTokens, actualCostMicros);
  }
}
