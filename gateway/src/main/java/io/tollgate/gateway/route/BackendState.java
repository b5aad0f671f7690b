package io.tollgate.gateway.route;

import io.tollgate.gateway.config.BackendSpec;
import io.tollgate.gpu.signals.EjectionPolicy;
import io.tollgate.gpu.signals.LoadSignals;
import io.tollgate.gpu.signals.OutlierEjection;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Live, gateway-side state of one backend: its load signals (scraped metrics, health, this
 * gateway's in-flight count and observed TTFT), its outlier-ejection state, and how its recent
 * attempts went. Outlives config snapshots (keyed by id and URL), so a reload does not forget the
 * load already on a backend, nor an ejection.
 */
public final class BackendState {

  private static final long SATURATION_MEMORY_NANOS = 1_000_000_000L;

  private final BackendSpec spec;
  private final LoadSignals signals = new LoadSignals();
  private final OutlierEjection ejection = new OutlierEjection();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong successes = new AtomicLong();
  private volatile EjectionPolicy policy = EjectionPolicy.DEFAULT;
  /** When it last refused a request at its queue cap (503 before any byte); 0 never. */
  private volatile long refusedAtNanos;

  public BackendState(BackendSpec spec) {
    this.spec = spec;
  }

  public BackendSpec spec() {
    return spec;
  }

  public LoadSignals signals() {
    return signals;
  }

  public OutlierEjection ejection() {
    return ejection;
  }

  /** Set by the pool when a snapshot with other ejection settings is applied. */
  void policy(EjectionPolicy newPolicy) {
    policy = newPolicy;
  }

  public int inFlight() {
    return signals.inFlight();
  }

  /** Counted as soon as the backend is chosen, so a burst spreads before any response. */
  public void begin() {
    signals.begin();
  }

  /** The attempt is over; {@code failed} when the backend caused its failure (not the client). */
  public void end(boolean failed) {
    signals.end();
    if (failed) {
      failures.incrementAndGet();
      ejection.failure(System.nanoTime(), policy);
    } else {
      successes.incrementAndGet();
      ejection.success();
    }
  }

  /** The first token came (or a whole answer): the backend works, whatever happens later. */
  public void firstToken(double ttftMillis) {
    signals.observeTtft(ttftMillis);
    ejection.success();
  }

  /**
   * It refused a request at its queue cap: for the next second it counts as saturated, so that
   * routing sends elsewhere while any other backend has room. Load, not a fault: no ejection.
   */
  public void refusedAtCapacity(long nowNanos) {
    refusedAtNanos = nowNanos;
  }

  /** Whether it refused at its queue cap within the last second. */
  public boolean recentlyAtCapacity(long nowNanos) {
    long at = refusedAtNanos;
    return at != 0 && nowNanos - at < SATURATION_MEMORY_NANOS;
  }

  /** Whether ordinary requests may go there: health checks pass and it is not ejected. */
  public boolean available() {
    return signals.healthy() && ejection.active();
  }

  /** Healthy, ejected, and its period is over: the next request may be the half-open probe. */
  boolean probeDue(long nowNanos) {
    return signals.healthy() && ejection.probeDue(nowNanos);
  }

  boolean tryStartProbe(long nowNanos) {
    return ejection.tryStartProbe(nowNanos, policy.maxMillis());
  }

  public long failures() {
    return failures.get();
  }

  public long successes() {
    return successes.get();
  }

  @Override
  public String toString() {
    return spec.id();
  }
}
