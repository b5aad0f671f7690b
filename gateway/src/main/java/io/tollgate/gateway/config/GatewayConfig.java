package io.tollgate.gateway.config;

/**
 * The whole gateway configuration: process settings, platform services (Redis, RabbitMQ; absent
 * in standalone mode) and the first reloadable snapshot.
 */
public record GatewayConfig(GatewaySettings settings, PlatformSettings platform, ConfigSnapshot snapshot) {

  public GatewayConfig(GatewaySettings settings, ConfigSnapshot snapshot) {
    this(settings, PlatformSettings.STANDALONE, snapshot);
  }
}
