package io.tollgate.gpu.signals;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VllmMetricsTest {

  private static ScrapedMetrics read(String page) {
    VllmMetrics metrics = new VllmMetrics();
    PrometheusTextParser parser = new PrometheusTextParser(metrics);
    parser.feed(Buffer.buffer(page));
    parser.end();
    return metrics.result();
  }

  @Test
  void readsTheV1Names() {
    ScrapedMetrics m = read("""
        vllm:num_requests_running{model_name="m",engine="0"} 4.0
        vllm:num_requests_waiting{model_name="m",engine="0"} 2.0
        vllm:kv_cache_usage_perc{model_name="m",engine="0"} 0.5
        vllm:prefix_cache_queries_total{model_name="m",engine="0"} 1000.0
        vllm:prefix_cache_hits_total{model_name="m",engine="0"} 250.0
        vllm:time_to_first_token_seconds_bucket{le="0.1",model_name="m",engine="0"} 3.0
        """);
    assertEquals(new ScrapedMetrics(4, 2, 0.5, 1000, 250, Double.NaN), m);
    assertTrue(m.hasLoad());
  }

  @Test
  void acceptsTheOlderNames() {
    ScrapedMetrics m = read("""
        vllm:num_requests_running{model_name="m"} 1
        vllm:num_requests_waiting{model_name="m"} 3
        vllm:num_requests_swapped{model_name="m"} 2
        vllm:gpu_cache_usage_perc{model_name="m"} 0.75
        vllm:gpu_prefix_cache_queries_total{model_name="m"} 80
        vllm:gpu_prefix_cache_hits_total{model_name="m"} 20
        vllm:gpu_prefix_cache_hit_rate{model_name="m"} 0.3
        """);
    assertEquals(new ScrapedMetrics(1, 5, 0.75, 80, 20, 0.3), m, "swapped requests wait too");
  }

  @Test
  void acceptsCountersWithoutTheTotalSuffix() {
    ScrapedMetrics m = read("""
        vllm:num_requests_running 0
        vllm:num_requests_waiting 0
        vllm:gpu_prefix_cache_queries 10
        vllm:gpu_prefix_cache_hits 5
        """);
    assertEquals(10, m.prefixCacheQueries());
    assertEquals(5, m.prefixCacheHits());
    assertTrue(Double.isNaN(m.kvCacheUsage()));
  }

  @Test
  void theNewNameWinsWhenAVersionExposesBoth() {
    ScrapedMetrics m = read("""
        vllm:num_requests_running 1
        vllm:num_requests_waiting 0
        vllm:gpu_cache_usage_perc 0.9
        vllm:kv_cache_usage_perc 0.4
        vllm:gpu_prefix_cache_queries_total 999
        vllm:prefix_cache_queries_total 100
        vllm:prefix_cache_hits_total 10
        """);
    assertEquals(0.4, m.kvCacheUsage());
    assertEquals(100, m.prefixCacheQueries());
  }

  @Test
  void addsEnginesUpAndAveragesKvUse() {
    ScrapedMetrics m = read("""
        vllm:num_requests_running{engine="0"} 2
        vllm:num_requests_running{engine="1"} 3
        vllm:num_requests_waiting{engine="0"} 1
        vllm:num_requests_waiting{engine="1"} 1
        vllm:kv_cache_usage_perc{engine="0"} 0.2
        vllm:kv_cache_usage_perc{engine="1"} 0.6
        """);
    assertEquals(5, m.running());
    assertEquals(2, m.waiting());
    assertEquals(0.4, m.kvCacheUsage(), 1e-9);
  }

  @Test
  void aPageWithoutQueueGaugesIsNoLoadSignal() {
    assertFalse(read("vllm:kv_cache_usage_perc 0.1\n").hasLoad());
    assertFalse(read("<html>not metrics</html>").hasLoad());
  }
}
