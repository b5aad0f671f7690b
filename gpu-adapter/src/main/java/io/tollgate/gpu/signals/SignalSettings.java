package io.tollgate.gpu.signals;

/**
 * How the fleet monitor watches backends.
 *
 * @param scrapeIntervalMillis  time between two scrapes of one backend's /metrics (0 = no
 *                              scraping: backends are scored from the gateway's own counts)
 * @param jitter                each interval is drawn from interval × (1 ± jitter), so that many
 *                              gateways do not scrape a backend in lockstep
 * @param scrapeTimeoutMillis   a scrape (connect to end of body) taking longer is given up
 * @param staleAfterMillis      a scrape older than this no longer counts: the backend is scored from
 *                              the gateway's own in-flight count
 * @param healthIntervalMillis  time between two GET /health of one backend (0 = no health checks)
 * @param healthTimeoutMillis   a health check taking longer fails
 * @param unhealthyThreshold    failed health checks in a row that take a backend out
 * @param maxBodyBytes          a /metrics page larger than this is cut off and the scrape fails
 * @param ejection              passive outlier ejection
 */
public record SignalSettings(
    long scrapeIntervalMillis,
    double jitter,
    long scrapeTimeoutMillis,
    long staleAfterMillis,
    long healthIntervalMillis,
    long healthTimeoutMillis,
    int unhealthyThreshold,
    long maxBodyBytes,
    EjectionPolicy ejection) {

  /** Scraping faster than this is refused: it costs the backend more than it tells the router. */
  public static final long MIN_SCRAPE_INTERVAL_MILLIS = 50;

  public static final SignalSettings DEFAULTS = new SignalSettings(250, 0.2, 1_000, 1_000, 1_000, 1_000, 2,
      8L * 1024 * 1024, EjectionPolicy.DEFAULT);

  public SignalSettings {
    if (scrapeIntervalMillis != 0 && scrapeIntervalMillis < MIN_SCRAPE_INTERVAL_MILLIS) {
      throw new IllegalArgumentException("scrape interval " + scrapeIntervalMillis + " ms is below "
          + MIN_SCRAPE_INTERVAL_MILLIS + " ms");
    }
    if (jitter < 0 || jitter >= 1) {
      throw new IllegalArgumentException("jitter must be in [0, 1): " + jitter);
    }
  }

  public long staleAfterNanos() {
    return staleAfterMillis * 1_000_000L;
  }

  public SignalSettings withScrapeIntervalMillis(long millis) {
    return new SignalSettings(millis, jitter, scrapeTimeoutMillis, staleAfterMillis, healthIntervalMillis,
        healthTimeoutMillis, unhealthyThreshold, maxBodyBytes, ejection);
  }

  public SignalSettings withStaleAfterMillis(long millis) {
    return new SignalSettings(scrapeIntervalMillis, jitter, scrapeTimeoutMillis, millis, healthIntervalMillis,
        healthTimeoutMillis, unhealthyThreshold, maxBodyBytes, ejection);
  }

  public SignalSettings withHealthIntervalMillis(long millis) {
    return new SignalSettings(scrapeIntervalMillis, jitter, scrapeTimeoutMillis, staleAfterMillis, millis,
        healthTimeoutMillis, unhealthyThreshold, maxBodyBytes, ejection);
  }

  public SignalSettings withEjection(EjectionPolicy policy) {
    return new SignalSettings(scrapeIntervalMillis, jitter, scrapeTimeoutMillis, staleAfterMillis,
        healthIntervalMillis, healthTimeoutMillis, unhealthyThreshold, maxBodyBytes, policy);
  }
}
