package io.tollgate.gateway.route;

import io.tollgate.gateway.config.ModelRoute;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A route's retry budget (as in Finagle and Envoy): over a sliding 10 s window, retries may number
 * at most {@code minPerSecond × 10 + ratio × requests}. While a pool is healthy this never bites;
 * when most of it fails, retries stop at a fraction of the traffic instead of multiplying it.
 */
final class RetryBudgetTracker {

  static final long WINDOW_MILLIS = 10_000;
  private static final int REQUESTS = 0;
  private static final int RETRIES = 1;

  private final WindowedCounts counts = new WindowedCounts(WINDOW_MILLIS, 10, 2);
  private final AtomicLong allowed = new AtomicLong();
  private final AtomicLong denied = new AtomicLong();

  void request(long nowMillis) {
    counts.add(nowMillis, REQUESTS, 1);
  }

  /** Takes one retry from the budget; false (and counted) when it is spent. */
  boolean tryRetry(long nowMillis, ModelRoute.RetryBudget budget) {
    double limit = budget.minPerSecond() * (WINDOW_MILLIS / 1_000.0) + budget.ratio() * counts.sum(nowMillis, REQUESTS);
    if (counts.sum(nowMillis, RETRIES) + 1 > limit) {
      denied.incrementAndGet();
      return false;
    }
    counts.add(nowMillis, RETRIES, 1);
    allowed.incrementAndGet();
    return true;
  }

  long requestsInWindow(long nowMillis) {
    return counts.sum(nowMillis, REQUESTS);
  }

  long retriesInWindow(long nowMillis) {
    return counts.sum(nowMillis, RETRIES);
  }

  long allowed() {
    return allowed.get();
  }

  long denied() {
    return denied.get();
  }
}
