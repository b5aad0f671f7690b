package io.tollgate.gateway.route;

import io.tollgate.gateway.config.BackendSpec;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live, gateway-side state of one backend: what this gateway has in flight there, and how its
 * recent attempts went. Outlives config snapshots (keyed by id and URL), so a reload does not
 * forget the load already on a backend.
 */
public final class BackendState {

  private final BackendSpec spec;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong successes = new AtomicLong();

  public BackendState(BackendSpec spec) {
    this.spec = spec;
  }

  public BackendSpec spec() {
    return spec;
  }

  public int inFlight() {
    return inFlight.get();
  }

  /** Counted as soon as the backend is chosen, so a burst spreads before any response. */
  public void begin() {
    inFlight.incrementAndGet();
  }

  public void end(boolean failed) {
    inFlight.decrementAndGet();
    if (failed) {
      failures.incrementAndGet();
    } else {
      successes.incrementAndGet();
    }
  }

  public long failures() {
    return failures.get();
  }

  public long successes() {
    return successes.get();
  }
}
