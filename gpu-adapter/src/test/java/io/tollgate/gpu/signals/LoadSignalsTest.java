package io.tollgate.gpu.signals;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoadSignalsTest {

  private static final long MS = 1_000_000L;

  private static ScrapedMetrics prefix(double queries, double hits) {
    return new ScrapedMetrics(0, 0, 0.1, queries, hits, Double.NaN);
  }

  @Test
  void aReadingIsFreshUntilTheBoundThenStale() {
    LoadSignals signals = new LoadSignals();
    assertFalse(signals.fresh(0, 1_000 * MS), "never scraped is stale");
    assertEquals(-1, signals.scrapeAgeMillis(0));
    signals.scraped(prefix(0, 0), 10_000 * MS);
    assertTrue(signals.fresh(10_900 * MS, 1_000 * MS));
    assertTrue(signals.fresh(11_000 * MS, 1_000 * MS));
    assertFalse(signals.fresh(11_001 * MS, 1_000 * MS));
    assertEquals(1_500, signals.scrapeAgeMillis(11_500 * MS));
  }

  @Test
  void remembersTheInFlightCountAtTheScrape() {
    LoadSignals signals = new LoadSignals();
    signals.begin();
    signals.begin();
    signals.scraped(prefix(0, 0), 0);
    signals.begin();
    assertEquals(2, signals.reading().inFlightAtScrape());
    assertEquals(3, signals.inFlight());
  }

  @Test
  void theHitRateIsOverTheLastIntervalAndSurvivesARestart() {
    LoadSignals signals = new LoadSignals();
    signals.scraped(prefix(100, 10), 0);
    assertEquals(0.1, signals.reading().prefixHitRate(), 1e-9, "first scrape: cumulative");
    signals.scraped(prefix(200, 100), MS);
    assertEquals(0.9, signals.reading().prefixHitRate(), 1e-9, "since the previous scrape");
    signals.scraped(prefix(200, 100), 2 * MS);
    assertEquals(0.9, signals.reading().prefixHitRate(), 1e-9, "nothing new: unchanged");
    signals.scraped(prefix(40, 10), 3 * MS);
    assertEquals(0.25, signals.reading().prefixHitRate(), 1e-9, "counters reset: cumulative again");
    signals.scraped(new ScrapedMetrics(0, 0, 0, Double.NaN, Double.NaN, 0.6), 4 * MS);
    assertEquals(0.6, signals.reading().prefixHitRate(), 1e-9, "an older vLLM's gauge");
  }

  @Test
  void observedTtftIsAMovingAverage() {
    LoadSignals signals = new LoadSignals();
    assertTrue(Double.isNaN(signals.ttftMillis()));
    signals.observeTtft(100);
    assertEquals(100, signals.ttftMillis());
    signals.observeTtft(200);
    assertEquals(120, signals.ttftMillis(), 1e-9);
  }

  @Test
  void healthGoesDownAfterTheThresholdAndUpOnOnePass() {
    LoadSignals signals = new LoadSignals();
    signals.healthCheckFailed(2);
    assertTrue(signals.healthy());
    signals.healthCheckFailed(2);
    assertFalse(signals.healthy());
    signals.healthCheckPassed();
    assertTrue(signals.healthy());
    signals.scrapeFailed("refused");
    assertEquals("refused", signals.lastScrapeError());
    signals.scraped(prefix(0, 0), 0);
    assertNull(signals.lastScrapeError());
  }
}
