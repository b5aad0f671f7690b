package io.tollgate.gpu.signals;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live load signals of one backend, as one gateway process sees them: the last scrape of its
 * {@code /metrics} (with when it was taken), its {@code /health}, and the gateway's own figures,
 * in-flight requests and observed time to first token.
 *
 * <p>Written by the fleet monitor (scrapes, health) and by request handling on any event loop
 * (in-flight, TTFT); read by backend choice on every event loop. Reads are one volatile load each,
 * with no lock and no allocation; a scrape publishes one immutable {@link Reading}.
 */
public final class LoadSignals {

  /** Weight of the newest TTFT observation in the moving average. */
  private static final double TTFT_ALPHA = 0.2;

  /**
   * One scrape, as published.
   *
   * @param metrics          what the page said
   * @param atNanos          System.nanoTime() when the scrape completed
   * @param inFlightAtScrape this gateway's in-flight count then: later changes to it are load the
   *                         page could not show yet
   * @param prefixHitRate    prefix-cache hits / queries since the previous scrape (cumulative on
   *                         the first scrape or after a counter reset), 0–1, NaN when unknown
   */
  public record Reading(ScrapedMetrics metrics, long atNanos, int inFlightAtScrape, double prefixHitRate) {
  }

  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong ttftBits = new AtomicLong(Double.doubleToRawLongBits(Double.NaN));
  private final AtomicInteger healthFailures = new AtomicInteger();
  private final AtomicLong scrapes = new AtomicLong();
  private final AtomicLong scrapeFailures = new AtomicLong();
  private final AtomicLong healthChecks = new AtomicLong();
  private volatile Reading reading;
  private volatile boolean healthy = true;
  private volatile String lastScrapeError;

  // ---- the gateway's own figures (hot path) ----------------------------------------------------

  public int inFlight() {
    return inFlight.get();
  }

  /** Counted when the backend is chosen, before any response: a burst sees its own requests. */
  public void begin() {
    inFlight.incrementAndGet();
  }

  public void end() {
    inFlight.decrementAndGet();
  }

  /** A time to first token this gateway measured on this backend. */
  public void observeTtft(double millis) {
    if (!(millis >= 0)) {
      return;
    }
    while (true) {
      long bits = ttftBits.get();
      double old = Double.longBitsToDouble(bits);
      double next = Double.isNaN(old) ? millis : old + TTFT_ALPHA * (millis - old);
      if (ttftBits.compareAndSet(bits, Double.doubleToRawLongBits(next))) {
        return;
      }
    }
  }

  /** Moving average of observed TTFT in ms; NaN before the first observation. */
  public double ttftMillis() {
    return Double.longBitsToDouble(ttftBits.get());
  }

  // ---- scrapes ---------------------------------------------------------------------------------

  /** The last successful scrape, or null before the first. */
  public Reading reading() {
    return reading;
  }

  /** Whether the last scrape is at most {@code staleAfterNanos} old. */
  public boolean fresh(long nowNanos, long staleAfterNanos) {
    Reading last = reading;
    return last != null && nowNanos - last.atNanos() <= staleAfterNanos;
  }

  /** Milliseconds since the last successful scrape; -1 before the first. */
  public long scrapeAgeMillis(long nowNanos) {
    Reading last = reading;
    return last == null ? -1 : (nowNanos - last.atNanos()) / 1_000_000;
  }

  public void scraped(ScrapedMetrics metrics, long nowNanos) {
    Reading previous = reading;
    reading = new Reading(metrics, nowNanos, inFlight.get(), hitRate(previous, metrics));
    scrapes.incrementAndGet();
    lastScrapeError = null;
  }

  public void scrapeFailed(String why) {
    scrapeFailures.incrementAndGet();
    lastScrapeError = why;
  }

  public long scrapes() {
    return scrapes.get();
  }

  public long scrapeFailures() {
    return scrapeFailures.get();
  }

  /** Why the last scrape failed, or null when it succeeded. */
  public String lastScrapeError() {
    return lastScrapeError;
  }

  private static double hitRate(Reading previous, ScrapedMetrics now) {
    double queries = now.prefixCacheQueries();
    double hits = now.prefixCacheHits();
    if (Double.isNaN(queries) || Double.isNaN(hits)) {
      return now.prefixHitRateGauge();
    }
    if (previous != null && !Double.isNaN(previous.metrics().prefixCacheQueries())) {
      double dq = queries - previous.metrics().prefixCacheQueries();
      double dh = hits - previous.metrics().prefixCacheHits();
      if (dq > 0 && dh >= 0) {
        return Math.min(1.0, dh / dq);
      }
      if (dq == 0) {
        return previous.prefixHitRate(); // nothing new looked up: the rate has not changed
      }
      // a counter went backwards: the server restarted; fall through to the cumulative ratio
    }
    return queries > 0 ? Math.min(1.0, hits / queries) : Double.NaN;
  }

  // ---- health ----------------------------------------------------------------------------------

  /** Whether active health checks pass (true until they fail {@code unhealthyThreshold} times in a row). */
  public boolean healthy() {
    return healthy;
  }

  public void healthCheckPassed() {
    healthChecks.incrementAndGet();
    healthFailures.set(0);
    healthy = true;
  }

  public void healthCheckFailed(int unhealthyThreshold) {
    healthChecks.incrementAndGet();
    if (healthFailures.incrementAndGet() >= unhealthyThreshold) {
      healthy = false;
    }
  }

  public long healthChecks() {
    return healthChecks.get();
  }
}
