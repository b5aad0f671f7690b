package io.tollgate.gpu.signals;

/**
 * What one scrape of a vLLM server's {@code /metrics} said, already mapped from whichever metric
 * names that vLLM version uses. A value the page did not have is NaN (counts: -1).
 *
 * @param running            requests in the running batch (all engines)
 * @param waiting            requests queued (plus, on older vLLM, swapped-out ones)
 * @param kvCacheUsage       0–1, mean over engines
 * @param prefixCacheQueries prompt tokens looked up in the prefix cache, cumulative
 * @param prefixCacheHits    of those, tokens found, cumulative
 * @param prefixHitRateGauge an older vLLM's own hit-rate gauge, 0–1, when it exposes one
 */
public record ScrapedMetrics(
    int running,
    int waiting,
    double kvCacheUsage,
    double prefixCacheQueries,
    double prefixCacheHits,
    double prefixHitRateGauge) {

  public static final ScrapedMetrics EMPTY = new ScrapedMetrics(-1, -1, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

  /** Whether the page had the queue gauges a router needs; a page without them is no signal. */
  public boolean hasLoad() {
    return running >= 0 && waiting >= 0;
  }
}
