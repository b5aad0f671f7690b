package io.tollgate.gateway.limit;

import io.tollgate.gateway.config.LimitSpec;
import io.vertx.core.Future;

/**
 * Admission control: requests/minute, tokens/minute and concurrent streams per key. Admit takes
 * everything a request needs in one step (all or nothing); settle returns what it did not use.
 */
public interface Limiter {

  /**
   * @param keyId          the key being charged
   * @param limits         the key's limits (0 = unlimited)
   * @param tokensToReserve prompt estimate + max tokens
   */
  Future<Admission> admit(String keyId, LimitSpec limits, long tokensToReserve);

  /**
   * Settles a reservation with the real token usage: the unused part returns to the bucket, an
   * overrun is charged, the stream slot is freed. Idempotent.
   */
  void settle(Reservation reservation, long actualTokens);
}
