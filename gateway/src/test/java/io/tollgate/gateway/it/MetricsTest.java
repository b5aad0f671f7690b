package io.tollgate.gateway.it;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tollgate.gateway.it.TestBed.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Prometheus endpoint on the admin port shows each metric after requests. */
class MetricsTest {

  private TestBed bed;

  @BeforeEach
  void start() throws Exception {
    bed = TestBed.builder().start();
  }

  @AfterEach
  void stop() throws Exception {
    bed.close();
  }

  private String scrape() throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
        .setPort(bed.gateway.adminPort()).setURI("/metrics");
    Http.Reply reply = Http.onContext(bed.client, () -> bed.client.request(options)
        .compose(request -> request.send()
            .compose(response -> response.body().map(b -> new Http.Reply(response.statusCode(), response.headers(), b)))));
    assertEquals(200, reply.status());
    assertTrue(reply.header("content-type").startsWith("text/plain"));
    return reply.body().toString();
  }

  @Test
  void everyGatewayMetricAppearsAfterRequests() throws Exception {
    assertEquals(200, Http.post(bed.client, "/v1/chat/completions", Http.chat(10, true), SECRET).status());
    assertEquals(200, Http.post(bed.client, "/v1/chat/completions", Http.chat(1, false), SECRET).status());
    assertEquals(401, Http.post(bed.client, "/v1/chat/completions", Http.chat(1, true), "tg-bad").status());
    Thread.sleep(300); // a watchdog tick or two for the event-loop lag
    String metrics = scrape();
    for (String expected : List.of(
        "tollgate_requests_total{endpoint=\"/v1/chat/completions\",error_kind=\"none\",model=\"m\",status=\"200\"} 2.0",
        "tollgate_requests_total{endpoint=\"/v1/chat/completions\",error_kind=\"invalid_api_key\",model=\"none\",status=\"401\"} 1.0",
        "tollgate_time_to_first_token_seconds_bucket{model=\"m\",le=\"60.0\"} 2",
        "tollgate_inter_token_latency_seconds_count{model=\"m\"}", // per read: tokens may share one
        "tollgate_request_duration_seconds_count{model=\"m\"} 2",
        "tollgate_tokens_total{direction=\"completion\",model=\"m\"} 11.0",
        "tollgate_tokens_total{direction=\"prompt\",model=\"m\"}",
        "tollgate_limiter_decisions_total{decided_by=\"local\",decision=\"admitted\"} 2.0",
        "tollgate_backend_selections_total{backend=\"sim-",
        "tollgate_event_loop_lag_seconds_count",
        "tollgate_open_requests 0.0",
        "tollgate_config_version 1.0",
        "tollgate_netty_allocator_used_bytes{memory=\"direct\"}",
        "tollgate_backend_in_flight{backend=\"sim-1\"} 0.0",
        "tollgate_backend_available{backend=\"sim-",
        "tollgate_backend_ejections_total 0.0",
        "tollgate_backend_unavailable 0.0",
        "tollgate_backend_stale_signals",
        "tollgate_backend_scrape_age_max_seconds",
        "tollgate_route_retries_total{outcome=\"denied\"}",
        "tollgate_route_fallbacks_total 0.0",
        "tollgate_route_canary_rollbacks_total 0.0",
        "jvm_memory_used_bytes",
        "jvm_threads_live_threads",
        "process_cpu_usage")) {
      assertTrue(metrics.contains(expected), "missing " + expected + " in:\n" + metrics);
    }
  }

  @Test
  void theUsageEmittersCountersAreExported() {
    io.tollgate.gateway.metrics.GatewayMetrics metrics = new io.tollgate.gateway.metrics.GatewayMetrics();
    metrics.bindUsage(() -> new io.tollgate.gateway.usage.UsageMetrics(7, 1, 6, 5, 2, 1, 0, 3, 7, 2, 0, 2, 1));
    java.util.function.IntConsumer messageEvents = metrics.usageMessageEvents();
    messageEvents.accept(1);
    messageEvents.accept(4);
    java.util.function.LongConsumer walWrites = metrics.usageWalWrites();
    walWrites.accept(20_000);
    walWrites.accept(3_000_000);
    String text = metrics.scrape();
    for (String expected : List.of(
        "tollgate_usage_events_total{stage=\"emitted\"} 7.0",
        "tollgate_usage_events_total{stage=\"published\"} 6.0",
        "tollgate_usage_events_total{stage=\"confirmed\"} 5.0",
        "tollgate_usage_events_total{stage=\"spooled\"} 2.0",
        "tollgate_usage_events_total{stage=\"replayed\"} 1.0",
        "tollgate_usage_events_total{stage=\"dropped\"} 0.0",
        "tollgate_usage_backlog 3.0",
        "tollgate_usage_messages_total 2.0",
        "tollgate_usage_message_events_count 2",
        "tollgate_usage_message_events_sum 5.0",
        "tollgate_usage_message_events_bucket{le=\"2.0\"} 1",
        "tollgate_usage_message_events_bucket{le=\"4.0\"} 2",
        "tollgate_usage_wal_unprepared_segments_total 1.0",
        "tollgate_usage_wal_write_seconds_count 2",
        "tollgate_usage_wal_write_seconds_max 0.003",
        "tollgate_usage_wal_write_seconds{quantile=\"0.5\"}",
        "tollgate_usage_wal_write_seconds{quantile=\"0.99\"}")) {
      assertTrue(text.contains(expected), "missing " + expected + " in:\n" + text);
    }
  }
}
