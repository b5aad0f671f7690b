package io.tollgate.gpu.signals;

import java.util.HashMap;
import java.util.Map;

/**
 * Collects the samples of one {@code /metrics} page that a router needs, under vLLM's current
 * names and the older ones it must also accept (see vllm-wire.md): {@code vllm:gpu_cache_usage_perc}
 * for {@code vllm:kv_cache_usage_perc}, {@code vllm:gpu_prefix_cache_*} for {@code vllm:prefix_cache_*},
 * counters with or without the {@code _total} suffix, and {@code vllm:num_requests_swapped}
 * counted as waiting. When a version exposes both a new and an old name, the new one wins; values
 * are never added across the two. Samples of several engines (data parallel) add up, except
 * KV-cache use, which is averaged.
 */
public final class VllmMetrics implements PrometheusTextParser.Listener {

  private enum Series {
    RUNNING, WAITING, SWAPPED,
    KV_USAGE, KV_USAGE_OLD,
    QUERIES, QUERIES_PLAIN, QUERIES_OLD, QUERIES_OLD_PLAIN,
    HITS, HITS_PLAIN, HITS_OLD, HITS_OLD_PLAIN,
    HIT_RATE_OLD
  }

  private static final Map<String, Series> NAMES = new HashMap<>();

  static {
    NAMES.put("vllm:num_requests_running", Series.RUNNING);
    NAMES.put("vllm:num_requests_waiting", Series.WAITING);
    NAMES.put("vllm:num_requests_swapped", Series.SWAPPED);
    NAMES.put("vllm:kv_cache_usage_perc", Series.KV_USAGE);
    NAMES.put("vllm:gpu_cache_usage_perc", Series.KV_USAGE_OLD);
    NAMES.put("vllm:prefix_cache_queries_total", Series.QUERIES);
    NAMES.put("vllm:prefix_cache_queries", Series.QUERIES_PLAIN);
    NAMES.put("vllm:gpu_prefix_cache_queries_total", Series.QUERIES_OLD);
    NAMES.put("vllm:gpu_prefix_cache_queries", Series.QUERIES_OLD_PLAIN);
    NAMES.put("vllm:prefix_cache_hits_total", Series.HITS);
    NAMES.put("vllm:prefix_cache_hits", Series.HITS_PLAIN);
    NAMES.put("vllm:gpu_prefix_cache_hits_total", Series.HITS_OLD);
    NAMES.put("vllm:gpu_prefix_cache_hits", Series.HITS_OLD_PLAIN);
    NAMES.put("vllm:gpu_prefix_cache_hit_rate", Series.HIT_RATE_OLD);
  }

  private final double[] sums = new double[Series.values().length];
  private final int[] counts = new int[Series.values().length];

  @Override
  public boolean wants(String metricName) {
    return NAMES.containsKey(metricName);
  }

  @Override
  public void sample(String metricName, Map<String, String> labels, double value) {
    if (Double.isNaN(value)) {
      return;
    }
    int series = NAMES.get(metricName).ordinal();
    sums[series] += value;
    counts[series]++;
  }

  /** The page's figures; call once the body has ended. */
  public ScrapedMetrics result() {
    int running = has(Series.RUNNING) ? (int) Math.round(sum(Series.RUNNING)) : -1;
    int waiting = -1;
    if (has(Series.WAITING)) {
      waiting = (int) Math.round(sum(Series.WAITING) + (has(Series.SWAPPED) ? sum(Series.SWAPPED) : 0));
    }
    double kv = has(Series.KV_USAGE) ? mean(Series.KV_USAGE)
        : has(Series.KV_USAGE_OLD) ? mean(Series.KV_USAGE_OLD) : Double.NaN;
    double queries = first(Series.QUERIES, Series.QUERIES_PLAIN, Series.QUERIES_OLD, Series.QUERIES_OLD_PLAIN);
    double hits = first(Series.HITS, Series.HITS_PLAIN, Series.HITS_OLD, Series.HITS_OLD_PLAIN);
    double hitRate = has(Series.HIT_RATE_OLD) ? mean(Series.HIT_RATE_OLD) : Double.NaN;
    return new ScrapedMetrics(running, waiting, kv, queries, hits, hitRate);
  }

  private double first(Series... preference) {
    for (Series series : preference) {
      if (has(series)) {
        return sum(series);
      }
    }
    return Double.NaN;
  }

  private boolean has(Series series) {
    return counts[series.ordinal()] > 0;
  }

  private double sum(Series series) {
    return sums[series.ordinal()];
  }

  private double mean(Series series) {
    return sums[series.ordinal()] / counts[series.ordinal()];
  }
}
