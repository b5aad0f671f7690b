package io.tollgate.analytics.config;

import io.tollgate.frontdoor.FrontDoorSettings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsLoaderTest {

  @Test
  void theEmbeddedFileGivesTheDocumentedDefaults() {
    AnalyticsSettings settings = SettingsLoader.loadDefault(Map.of());
    assertEquals(new BrokerSettings("amqp://guest:guest@127.0.0.1:5672/", "tollgate.usage", "tollgate.usage.events",
        4_000, 1_000, 20, 1_000), settings.rabbitmq());
    assertEquals(new DatabaseSettings("postgresql://postgres@127.0.0.1:5432/postgres", "tollgate_analytics", 4),
        settings.postgres());
    assertEquals(new ApiSettings("0.0.0.0", 8091, ""), settings.api(), "not the control plane's 8090");
    assertEquals(FrontDoorSettings.defaults(), settings.api().frontDoor());
    assertEquals("tollgate.usage.dlx", settings.rabbitmq().deadLetterExchange());
    assertEquals("tollgate.usage.events.dlq", settings.rabbitmq().deadLetterQueue());
  }

  @Test
  void theEnvironmentOverridesEveryOption() {
    AnalyticsSettings settings = SettingsLoader.loadDefault(Map.ofEntries(
        Map.entry("TOLLGATE_RABBITMQ_URL", "amqps://u:p@mq:5671/prod"),
        Map.entry("TOLLGATE_RABBITMQ_EXCHANGE", "x"),
        Map.entry("TOLLGATE_RABBITMQ_QUEUE", "q"),
        Map.entry("TOLLGATE_ANALYTICS_PREFETCH", "500"),
        Map.entry("TOLLGATE_ANALYTICS_BATCH_SIZE", "100"),
        Map.entry("TOLLGATE_ANALYTICS_BATCH_DELAY_MS", "5"),
        Map.entry("TOLLGATE_ANALYTICS_RECONNECT_DELAY_MS", "50"),
        Map.entry("TOLLGATE_ANALYTICS_PG_URL", "postgresql://a:b@db:5433/usage"),
        Map.entry("TOLLGATE_ANALYTICS_PG_SCHEMA", "usage_v1"),
        Map.entry("TOLLGATE_ANALYTICS_PG_POOL_SIZE", "8"),
        Map.entry("TOLLGATE_ANALYTICS_HOST", "127.0.0.1"),
        Map.entry("TOLLGATE_ANALYTICS_PORT", "9999"),
        Map.entry("TOLLGATE_ANALYTICS_TOKEN", "s3cret"),
        Map.entry("TOLLGATE_CONTROL_PLANE_URL", "https://cp.example:8090"),
        Map.entry("TOLLGATE_ANALYTICS_IDENTITY_CACHE_MS", "5000"),
        Map.entry("TOLLGATE_HTTP_HEADER_TIMEOUT_MS", "2000"),
        Map.entry("TOLLGATE_HTTP_BODY_TIMEOUT_MS", "3000"),
        Map.entry("TOLLGATE_HTTP_IDLE_TIMEOUT_MS", "0"),
        Map.entry("TOLLGATE_HTTP_MAX_CONNECTIONS", "50"),
        Map.entry("TOLLGATE_HTTP_MAX_REQUEST_LINE_BYTES", "1024"),
        Map.entry("TOLLGATE_HTTP_MAX_HEADER_BYTES", "4096"),
        Map.entry("TOLLGATE_ANALYTICS_TLS_CERT_FILE", "/tls/tls.crt"),
        Map.entry("TOLLGATE_ANALYTICS_TLS_KEY_FILE", "/tls/tls.key"),
        Map.entry("TOLLGATE_ANALYTICS_TLS_CLIENT_CA_FILE", "/tls/machines.crt"),
        Map.entry("TOLLGATE_ANALYTICS_TLS_REQUIRED", "true"),
        Map.entry("TOLLGATE_ANALYTICS_TLS_RELOAD_INTERVAL_MS", "2500")));
    assertEquals(new AnalyticsSettings(
        new BrokerSettings("amqps://u:p@mq:5671/prod", "x", "q", 500, 100, 5, 50),
        new DatabaseSettings("postgresql://a:b@db:5433/usage", "usage_v1", 8),
        new ApiSettings("127.0.0.1", 9999, "s3cret", new FrontDoorSettings(2_000, 3_000, 0, 50, 1_024, 4_096),
            "https://cp.example:8090", 5_000,
            new io.tollgate.frontdoor.TlsSettings("/tls/tls.crt", "/tls/tls.key", "/tls/machines.crt", true, 2_500))),
        settings);
  }

  @Test
  void everyBadValueIsReportedAtOnce() {
    SettingsException refused = assertThrows(SettingsException.class, () -> SettingsLoader.parse("""
        rabbitmq: {url: "http://x", prefetch: 10, batchSize: 20, colour: red}
        postgres: {schema: "Drop Table", poolSize: zero}
        api: {port: 70000, controlPlaneUrl: "cp:8090", identityCacheMs: -1}
        extra: {}
        """, Map.of()));
    String all = String.join("\n", refused.reasons());
    assertTrue(all.contains("rabbitmq.url: must start with amqp:// or amqps://"), all);
    assertTrue(all.contains("api.controlPlaneUrl: must start with http:// or https://, got \"cp:8090\""), all);
    assertTrue(all.contains("api.identityCacheMs: must be between 0 and 3600000, got -1"), all);
    assertTrue(all.contains("rabbitmq.colour: unknown option"), all);
    assertTrue(all.contains("rabbitmq.batchSize: must not exceed rabbitmq.prefetch (10), got 20"), all);
    assertTrue(all.contains("postgres.schema: must be a lower-case SQL identifier"), all);
    assertTrue(all.contains("postgres.poolSize: must be a whole number, got \"zero\""), all);
    assertTrue(all.contains("api.port: must be between 0 and 65535, got 70000"), all);
    assertTrue(all.contains("extra: unknown section"), all);
  }

  @Test
  void contradictoryTlsSettingsAreRefused() {
    SettingsException refused = assertThrows(SettingsException.class, () -> SettingsLoader.loadDefault(Map.of(
        "TOLLGATE_ANALYTICS_TLS_REQUIRED", "true")));
    assertEquals(List.of("api.tls: TLS is required but no certificate and key files are set"), refused.reasons());
  }

  @Test
  void badFrontDoorValuesAreReportedAtOnce() {
    SettingsException refused = assertThrows(SettingsException.class, () -> SettingsLoader.loadDefault(Map.of(
        "TOLLGATE_HTTP_HEADER_TIMEOUT_MS", "10s",
        "TOLLGATE_HTTP_BODY_TIMEOUT_MS", "-1",
        "TOLLGATE_HTTP_IDLE_TIMEOUT_MS", "86400001",
        "TOLLGATE_HTTP_MAX_CONNECTIONS", "0",
        "TOLLGATE_HTTP_MAX_REQUEST_LINE_BYTES", "100",
        "TOLLGATE_HTTP_MAX_HEADER_BYTES", "2097152")));
    assertEquals(List.of(
        "api.headerTimeoutMs: must be a whole number, got \"10s\"",
        "api.bodyTimeoutMs: must be between 0 and 86400000, got -1",
        "api.idleTimeoutMs: must be between 0 and 86400000, got 86400001",
        "api.maxConnections: must be between 1 and 10000000, got 0",
        "api.maxRequestLineBytes: must be between 256 and 1048576, got 100",
        "api.maxHeaderBytes: must be between 1024 and 1048576, got 2097152"), refused.reasons());
  }

  @Test
  void aReferenceWithoutDefaultToAnUnsetVariableIsRefused() {
    SettingsException refused = assertThrows(SettingsException.class,
        () -> SettingsLoader.parse("api: {token: \"${ANALYTICS_SECRET}\"}", Map.of()));
    assertEquals("api.token: environment variable ANALYTICS_SECRET is not set", refused.reasons().get(0));
  }
}
