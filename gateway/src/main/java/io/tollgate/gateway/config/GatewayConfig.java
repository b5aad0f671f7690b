package io.tollgate.gateway.config;

/**
 * The whole gateway configuration: process settings, platform services (Redis, RabbitMQ; absent
 * in standalone mode), tracing, and the first reloadable snapshot.
 */
public record GatewayConfig(GatewaySettings settings, PlatformSettings platform, TracingSettings tracing,
                            ConfigSnapshot snapshot) {

  public GatewayConfig(GatewaySettings settings, ConfigSnapshot snapshot) {
    this(settings, PlatformSettings.STANDALONE, TracingSettings.OFF, snapshot);
  }

  public GatewayConfig(GatewaySettings settings, PlatformSettings platform, ConfigSnapshot snapshot) {
    this(settings, platform, TracingSettings.OFF, snapshot);
  }
}
