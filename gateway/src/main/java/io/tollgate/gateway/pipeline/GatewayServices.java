package io.tollgate.gateway.pipeline;

import io.tollgate.gateway.auth.Authenticator;
import io.tollgate.gateway.config.ConfigSnapshot;
import io.tollgate.gateway.config.GatewaySettings;
import io.tollgate.gateway.limit.Limiter;
import io.tollgate.gateway.metrics.GatewayMetrics;
import io.tollgate.gateway.trace.RequestTracer;
import io.tollgate.gateway.route.BackendPool;
import io.tollgate.gateway.usage.UsageSink;

import java.util.function.Supplier;

/**
 * What every data-plane verticle shares: settings, the live config snapshot, and the stages'
 * services. All are thread-safe; each verticle keeps its own HTTP client and server.
 */
public record GatewayServices(
    GatewaySettings settings,
    Supplier<ConfigSnapshot> snapshots,
    Authenticator authenticator,
    Limiter limiter,
    BackendPool backends,
    UsageSink usage,
    Lifecycle lifecycle,
    GatewayMetrics metrics,
    RequestTracer tracer) {
}
