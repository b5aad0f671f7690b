package io.tollgate.gateway.config;

/** The whole gateway configuration: process settings plus the first reloadable snapshot. */
public record GatewayConfig(GatewaySettings settings, ConfigSnapshot snapshot) {
}
