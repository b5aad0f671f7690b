package io.tollgate.frontdoor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code tollgate_http_connections_open}, {@code _limit} and {@code tollgate_http_connections_closed_total{reason}}:
 * what the front door sees and refuses, before any request reaches the service.
 */
final class FrontDoorMetrics {

  private final Map<CloseReason, Counter> closed = new EnumMap<>(CloseReason.class);

  FrontDoorMetrics(MeterRegistry registry, AtomicInteger open, int limit) {
    Gauge.builder("tollgate.http.connections.open", open, AtomicInteger::get)
        .description("Client connections open on the public port").register(registry);
    Gauge.builder("tollgate.http.connections.limit", () -> limit)
        .description("Connections the public port accepts at most (maxConnections)").register(registry);
    for (CloseReason reason : CloseReason.values()) {
      closed.put(reason, Counter.builder("tollgate.http.connections.closed")
          .description("Client connections the front door closed, by reason (deadlines, limits, bad framing)")
          .tag("reason", reason.label()).register(registry));
    }
  }

  void closed(CloseReason reason) {
    closed.get(reason).increment();
  }
}
