package io.tollgate.gateway.route;

import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gpu.signals.LoadSignals;
import io.tollgate.gpu.signals.ScrapedMetrics;

/**
 * The least-load score of a backend (lower is better) and its saturation gate, from its last
 * scrape while that is fresh, and from this gateway's own in-flight count otherwise. No
 * allocation: a handful of volatile reads and arithmetic, called for every candidate of every
 * choice.
 */
final class LoadScore {

  private LoadScore() {
  }

  static double of(BackendState backend, ModelRoute.Scoring weights, long nowNanos, long staleAfterNanos) {
    LoadSignals signals = backend.signals();
    LoadSignals.Reading reading = signals.reading();
    int own = signals.inFlight();
    if (reading == null || nowNanos - reading.atNanos() > staleAfterNanos) {
      // Stale or never scraped: what this gateway sent there is all it knows.
      return weights.inFlightWeight() * own;
    }
    ScrapedMetrics m = reading.metrics();
    // Requests sent (or finished) since the scrape are load the page could not show yet.
    double running = Math.max(0, m.running() + (own - reading.inFlightAtScrape()));
    double kv = Double.isNaN(m.kvCacheUsage()) ? 0 : m.kvCacheUsage();
    return weights.queueWeight() * m.waiting() + weights.inFlightWeight() * running + weights.kvCacheWeight() * kv;
  }

  /**
   * Refused at its queue cap within the last second, or past the queue or KV threshold by its
   * fresh metrics; stale metrics never call a backend saturated.
   */
  static boolean saturated(BackendState backend, ModelRoute.Scoring weights, long nowNanos, long staleAfterNanos) {
    if (backend.recentlyAtCapacity(nowNanos)) {
      return true; // it said so itself: a 503 at its queue cap
    }
    LoadSignals.Reading reading = backend.signals().reading();
    if (reading == null || nowNanos - reading.atNanos() > staleAfterNanos) {
      return false;
    }
    ScrapedMetrics m = reading.metrics();
    return m.waiting() >= weights.maxQueue()
        || (!Double.isNaN(m.kvCacheUsage()) && m.kvCacheUsage() >= weights.maxKvCache());
  }
}
