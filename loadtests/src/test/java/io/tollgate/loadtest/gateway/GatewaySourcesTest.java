package io.tollgate.loadtest.gateway;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatewaySourcesTest {

  @Test
  void prometheusTextSamples() {
    List<PrometheusText.Sample> samples = PrometheusText.parse("""
        # HELP jvm_memory_used_bytes The amount of used memory
        # TYPE jvm_memory_used_bytes gauge
        jvm_memory_used_bytes{area="heap",id="G1 Eden Space",} 1.048576E7
        jvm_memory_used_bytes{area="heap",id="G1 Old Gen",} 2097152.0
        jvm_memory_used_bytes{area="nonheap",id="Metaspace",} 5.0E7
        process_uptime_seconds 12.5 1700000000000
        weird_line_without_value
        """);
    assertEquals(4, samples.size());
    assertTrue(samples.get(0).hasLabel("area", "heap"));
    assertEquals(12.5, samples.get(3).value());
  }

  @Test
  void eventLoopLagFromAnyNameWithEventLoopAndLagOrDelay() {
    EventLoopLag lag = EventLoopLag.from(PrometheusText.parse("""
        vertx_event_loop_lag_seconds_max{loop="0"} 0.004
        vertx_event_loop_lag_seconds_max{loop="1"} 0.012
        vertx_event_loop_lag_seconds_count 10
        vertx_event_loop_lag_seconds_sum 0.05
        vertx_event_loop_lag_seconds_bucket{le="0.1"} 10
        tollgate_event_loop_delay_ms 3
        http_server_requests_seconds_max 9
        """));
    assertTrue(lag.found());
    assertEquals(12, lag.currentMs(), 1e-9, "largest gauge, seconds → ms");
    assertEquals(50, lag.sumMs(), 1e-9);
    assertEquals(10, lag.count(), 1e-9);
    assertEquals(5, lag.metricNames().size(), "every matching series is named, _count, _sum and _bucket too");
    assertFalse(EventLoopLag.from(PrometheusText.parse("http_server_requests_seconds_max 9\n")).found());
  }

  @Test
  void procFiles() throws IOException {
    assertEquals(123_456L * 1024, ProcStats.parseRssBytes("Name:\tjava\nVmPeak:\t 1 kB\nVmRSS:\t  123456 kB\n"));
    String stat = "4242 (java (gw) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0 100 0 0";
    assertEquals(3.0, ProcStats.parseCpuSeconds(stat), 1e-9, "(250 + 50) ticks at 100 Hz");
  }

  @Test
  void readsThisJvmsOwnRssCpuAndHeap() throws IOException {
    long pid = ProcessHandle.current().pid();
    assertTrue(ProcStats.rssBytes(pid) > 10 * 1048576L);
    assertTrue(ProcStats.cpuSeconds(pid) > 0);
    Optional<java.nio.file.Path> perf = HsPerfData.find(pid);
    assertTrue(perf.isPresent(), "a HotSpot JVM publishes hsperfdata unless told not to");
    HsPerfData data = HsPerfData.read(perf.get());
    long used = data.heapUsedBytes();
    assertTrue(used > 0 && used <= data.heapCommittedBytes(), "used " + used);
    assertTrue(data.oldGenUsedBytes() >= 0, "G1 has an old generation");
  }

  @Test
  void samplerSumsUpGrowthAndCpu() throws Exception {
    GatewaySampler sampler = new GatewaySampler(ProcessHandle.current().pid(), null, 100);
    sampler.start();
    byte[][] keep = new byte[64][];
    for (int i = 0; i < keep.length; i++) {
      keep[i] = new byte[1 << 20];
      java.util.Arrays.fill(keep[i], (byte) 1); // touch the pages: RSS grows
    }
    Thread.sleep(300);
    GatewayFigures figures = sampler.finish();
    assertTrue(figures.samples().size() >= 3);
    assertTrue(figures.rssGrowthMb() >= 0);
    assertTrue(figures.cpuSeconds() >= 0);
    assertTrue(Double.isNaN(figures.eventLoopLagMaxMs()), "no metrics URL: n/a");
    assertTrue(figures.notes().stream().anyMatch(n -> n.contains("event-loop lag n/a")));
    assertEquals(64, keep.length);
  }
}
