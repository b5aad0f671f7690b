package io.tollgate.gateway.config;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the {@code redis} and {@code rabbitmq} sections. A section that is absent, or whose url is
 * empty, leaves that concern in standalone mode.
 */
final class PlatformSettingsReader {

  static final Set<String> REDIS_OPTIONS = Set.of("url", "timeoutMs", "failPolicy", "replicas", "keyPrefix",
      "keyMaxStaleMs", "leaseWindowMs");
  static final Set<String> RABBITMQ_OPTIONS = Set.of("url", "exchange", "queue", "batchSize", "batchMaxBytes",
      "batchMaxDelayMs", "queueCapacity", "spoolDir", "confirmTimeoutMs", "reconnectMaxDelayMs");

  private final SettingsReader.Fields fields;

  private PlatformSettingsReader(List<String> reasons) {
    this.fields = new SettingsReader.Fields(reasons);
  }

  static final Set<String> TRACING_OPTIONS = Set.of("enabled", "otlpEndpoint", "serviceName", "sampleRatio");

  static PlatformSettings read(JsonObject document, List<String> reasons) {
    return new PlatformSettingsReader(reasons).read(document);
  }

  /** The {@code tracing} section (absent: off). */
  static TracingSettings readTracing(JsonObject document, List<String> reasons) {
    return new PlatformSettingsReader(reasons).tracing(document);
  }

  private TracingSettings tracing(JsonObject document) {
    TracingSettings off = TracingSettings.OFF;
    JsonObject section = fields.section(document, "tracing", TRACING_OPTIONS);
    String enabled = fields.text(section, "tracing", "enabled", "false").trim().toLowerCase(Locale.ROOT);
    if (!enabled.equals("true") && !enabled.equals("false")) {
      fields.reasons().add("tracing.enabled: must be true or false, got \"" + enabled + "\"");
    }
    String ratioText = fields.text(section, "tracing", "sampleRatio", "1.0").trim();
    double ratio = 1.0;
    try {
      ratio = Double.parseDouble(ratioText);
      if (ratio < 0 || ratio > 1) {
        fields.reasons().add("tracing.sampleRatio: must be between 0 and 1, got " + ratioText);
      }
    } catch (NumberFormatException e) {
      fields.reasons().add("tracing.sampleRatio: must be a number, got \"" + ratioText + "\"");
    }
    return new TracingSettings(enabled.equals("true"),
        fields.text(section, "tracing", "otlpEndpoint", off.otlpEndpoint()),
        fields.text(section, "tracing", "serviceName", off.serviceName()),
        ratio);
  }

  private PlatformSettings read(JsonObject document) {
    return new PlatformSettings(redis(document), rabbitmq(document));
  }

  private RedisSettings redis(JsonObject document) {
    JsonObject section = fields.section(document, "redis", REDIS_OPTIONS);
    String url = fields.text(section, "redis", "url", "");
    if (url.isBlank()) {
      return null;
    }
    if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
      fields.reasons().add("redis.url: must start with redis:// or rediss://, got \"" + url + "\"");
    }
    String policy = fields.text(section, "redis", "failPolicy", "open").trim().toUpperCase(Locale.ROOT);
    RedisSettings.FailPolicy failPolicy = RedisSettings.FailPolicy.OPEN;
    try {
      failPolicy = RedisSettings.FailPolicy.valueOf(policy);
    } catch (IllegalArgumentException e) {
      fields.reasons().add("redis.failPolicy: must be open or closed, got \"" + policy.toLowerCase(Locale.ROOT) + "\"");
    }
    return new RedisSettings(url,
        fields.number(section, "redis", "timeoutMs", RedisSettings.DEFAULT_TIMEOUT_MS, 1, 60_000),
        failPolicy,
        (int) fields.number(section, "redis", "replicas", 1, 1, 10_000),
        fields.text(section, "redis", "keyPrefix", RedisSettings.DEFAULT_PREFIX),
        fields.number(section, "redis", "keyMaxStaleMs", RedisSettings.DEFAULT_KEY_MAX_STALE_MS, 0, 86_400_000),
        fields.number(section, "redis", "leaseWindowMs", RedisSettings.DEFAULT_LEASE_WINDOW_MS, 0, 10_000));
  }

  private RabbitSettings rabbitmq(JsonObject document) {
    JsonObject section = fields.section(document, "rabbitmq", RABBITMQ_OPTIONS);
    String url = fields.text(section, "rabbitmq", "url", "");
    if (url.isBlank()) {
      return null;
    }
    if (!url.startsWith("amqp://") && !url.startsWith("amqps://")) {
      fields.reasons().add("rabbitmq.url: must start with amqp:// or amqps://, got \"" + url + "\"");
    }
    return new RabbitSettings(url,
        fields.text(section, "rabbitmq", "exchange", "tollgate.usage"),
        fields.text(section, "rabbitmq", "queue", "tollgate.usage.events"),
        (int) fields.number(section, "rabbitmq", "batchSize", RabbitSettings.DEFAULT_BATCH_SIZE, 1, 65_536),
        (int) fields.number(section, "rabbitmq", "batchMaxBytes", RabbitSettings.DEFAULT_BATCH_MAX_BYTES, 1_024,
            64 << 20),
        fields.number(section, "rabbitmq", "batchMaxDelayMs", RabbitSettings.DEFAULT_BATCH_MAX_DELAY_MS, 0, 60_000),
        (int) fields.number(section, "rabbitmq", "queueCapacity", 100_000, 1, 10_000_000),
        Path.of(fields.text(section, "rabbitmq", "spoolDir", "var/usage/spool")),
        fields.number(section, "rabbitmq", "confirmTimeoutMs", RabbitSettings.DEFAULT_CONFIRM_TIMEOUT_MS, 100, 600_000),
        fields.number(section, "rabbitmq", "reconnectMaxDelayMs", RabbitSettings.DEFAULT_RECONNECT_MAX_DELAY_MS,
            100, 600_000));
  }
}
