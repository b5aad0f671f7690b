package io.tollgate.gateway.config;

/**
 * OpenTelemetry tracing: a span per request exported over OTLP/HTTP. Off by default.
 *
 * @param enabled       export spans
 * @param otlpEndpoint  OTLP/HTTP traces endpoint, e.g. http://otel-collector:4318/v1/traces
 * @param serviceName   the service.name resource attribute
 * @param sampleRatio   fraction of new traces sampled (a client's sampled flag is followed)
 */
public record TracingSettings(boolean enabled, String otlpEndpoint, String serviceName, double sampleRatio) {

  public static final TracingSettings OFF =
      new TracingSettings(false, "http://localhost:4318/v1/traces", "tollgate-gateway", 1.0);
}
