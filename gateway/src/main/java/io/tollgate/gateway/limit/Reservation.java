package io.tollgate.gateway.limit;

import io.tollgate.gateway.config.LimitSpec;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one admitted request holds until it ends: reserved tokens and a concurrent-stream slot.
 * Settling is idempotent: the first settle counts, any later one is a no-op, so a retried settle
 * (or a disconnect racing the normal end) never charges twice.
 */
public final class Reservation {

  private final String keyId;
  private final LimitSpec limits;
  private final long reservedTokens;
  private final AtomicBoolean settled = new AtomicBoolean();

  public Reservation(String keyId, LimitSpec limits, long reservedTokens) {
    this.keyId = keyId;
    this.limits = limits;
    this.reservedTokens = reservedTokens;
  }

  public String keyId() {
    return keyId;
  }

  public LimitSpec limits() {
    return limits;
  }

  public long reservedTokens() {
    return reservedTokens;
  }

  /** True exactly once: for the caller that gets to settle. */
  boolean markSettled() {
    return settled.compareAndSet(false, true);
  }

  public boolean isSettled() {
    return settled.get();
  }
}
