package io.tollgate.gpu.signals;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Passive outlier ejection of one backend, a small circuit breaker fed by real requests:
 * consecutive failures eject it for a period that doubles with each ejection in a row; when the
 * period is over it is half-open, and exactly one request (the probe) may go there; the probe's
 * success brings it back, its failure ejects it again for longer.
 *
 * <p>Lock-free: one immutable state swapped by compare-and-set, so event loops may report
 * outcomes concurrently; a transition allocates, a read does not. Time is passed in.
 */
public final class OutlierEjection {

  public enum Phase {
    /** Takes traffic. */
    ACTIVE,
    /** Out until the period ends; then the next request may probe. */
    EJECTED,
    /** Half-open: one probe is out, the others wait for its answer. */
    PROBING
  }

  /**
   * @param until  EJECTED: end of the period; PROBING: when an unanswered probe is given up on
   * @param streak ejections in a row without a successful probe between them
   */
  private record State(Phase phase, long until, int streak) {
  }

  private static final State ACTIVE = new State(Phase.ACTIVE, 0, 0);

  private final AtomicReference<State> state = new AtomicReference<>(ACTIVE);
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private final AtomicLong ejections = new AtomicLong();

  public Phase phase() {
    return state.get().phase();
  }

  /** Whether ordinary requests may go there (no probe needed). */
  public boolean active() {
    return state.get().phase() == Phase.ACTIVE;
  }

  /** Whether the next request there would be the half-open probe. */
  public boolean probeDue(long nowNanos) {
    State current = state.get();
    return current.phase() != Phase.ACTIVE && nowNanos - current.until() >= 0;
  }

  /**
   * Claims the probe; true for exactly one caller per half-open period.
   *
   * @param probeTimeoutMillis after this long without an answer, another probe may go
   */
  public boolean tryStartProbe(long nowNanos, long probeTimeoutMillis) {
    State current = state.get();
    if (current.phase() == Phase.ACTIVE || nowNanos - current.until() < 0) {
      return false;
    }
    return state.compareAndSet(current,
        new State(Phase.PROBING, nowNanos + probeTimeoutMillis * 1_000_000L, current.streak()));
  }

  /** A request there went well (first token, or a whole answer). */
  public void success() {
    consecutiveFailures.set(0);
    State current = state.get();
    if (current.phase() == Phase.PROBING) {
      state.compareAndSet(current, ACTIVE);
    }
  }

  /**
   * A request there failed because of the backend.
   *
   * @return true when this failure ejected the backend
   */
  public boolean failure(long nowNanos, EjectionPolicy policy) {
    int inARow = consecutiveFailures.incrementAndGet();
    while (true) {
      State current = state.get();
      State next;
      if (current.phase() == Phase.PROBING) {
        next = ejected(nowNanos, current.streak() + 1, policy);
      } else if (current.phase() == Phase.ACTIVE && inARow >= policy.consecutiveFailures()) {
        next = ejected(nowNanos, current.streak() + 1, policy);
      } else {
        return false; // already out, or not enough failures yet
      }
      if (state.compareAndSet(current, next)) {
        consecutiveFailures.set(0);
        ejections.incrementAndGet();
        return true;
      }
    }
  }

  private static State ejected(long nowNanos, int streak, EjectionPolicy policy) {
    return new State(Phase.EJECTED, nowNanos + policy.periodMillis(streak) * 1_000_000L, streak);
  }

  /** Ejections since start. */
  public long ejections() {
    return ejections.get();
  }

  public int consecutiveFailures() {
    return consecutiveFailures.get();
  }

  /** Milliseconds until the ejection period ends (0 when active or due for a probe). */
  public long remainingMillis(long nowNanos) {
    State current = state.get();
    if (current.phase() != Phase.EJECTED) {
      return 0;
    }
    return Math.max(0, (current.until() - nowNanos) / 1_000_000);
  }
}
