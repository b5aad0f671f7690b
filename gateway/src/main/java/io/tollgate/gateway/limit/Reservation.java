package io.tollgate.gateway.limit;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one admitted request holds until it ends: reserved tokens and budget, and a concurrent-
 * stream slot. Settling is idempotent: the first settle counts, any later one is a no-op, so a
 * retried settle (or a disconnect racing the normal end) never charges twice.
 *
 * @see Limiter#settle
 */
public final class Reservation {

  private final String id;
  private final AdmissionRequest request;
  private final long reservedTokens;
  private final Limiter owner;
  private final Object ownerState;
  private final AtomicBoolean settled = new AtomicBoolean();

  public Reservation(String id, AdmissionRequest request, long reservedTokens, Limiter owner, Object ownerState) {
    this.id = id;
    this.request = request;
    this.reservedTokens = reservedTokens;
    this.owner = owner;
    this.ownerState = ownerState;
  }

  public Reservation(String id, AdmissionRequest request, long reservedTokens, Limiter owner) {
    this(id, request, reservedTokens, owner, null);
  }

  /** What the granting limiter needs to settle (e.g. the Redis keys of the admission's period). */
  Object ownerState() {
    return ownerState;
  }

  public String id() {
    return id;
  }

  public AdmissionRequest request() {
    return request;
  }

  public String keyId() {
    return request.keyId();
  }

  public long reservedTokens() {
    return reservedTokens;
  }

  public long reservedCostMicros() {
    return request.costMicros();
  }

  /** The limiter that granted it, which is the one to settle with (a fail-open grant is local). */
  public Limiter owner() {
    return owner;
  }

  /** True exactly once: for the caller that gets to settle. */
  boolean markSettled() {
    return settled.compareAndSet(false, true);
  }

  public boolean isSettled() {
    return settled.get();
  }
}
