package io.tollgate.gateway.usage;

import io.tollgate.gateway.config.ConfigException;
import io.tollgate.gateway.config.ConfigLoader;
import io.tollgate.gateway.config.RabbitSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rabbitmq section of config/gateway.yaml, through the public loader. */
class RabbitSettingsConfigTest {

  @Test
  void everyOptionHasADefaultAndAnEnvironmentOverride() {
    RabbitSettings defaults = ConfigLoader.loadDefault(Map.of("TOLLGATE_RABBITMQ_URL", "amqp://h:5672/"))
        .platform().rabbitmq();
    assertEquals(RabbitSettings.defaults("amqp://h:5672/", Path.of("var/usage/spool")), defaults);

    RabbitSettings set = ConfigLoader.loadDefault(Map.of(
        "TOLLGATE_RABBITMQ_URL", "amqps://u:p@h:5671/v",
        "TOLLGATE_RABBITMQ_EXCHANGE", "x",
        "TOLLGATE_RABBITMQ_QUEUE", "q",
        "TOLLGATE_RABBITMQ_BATCH_SIZE", "10",
        "TOLLGATE_RABBITMQ_BATCH_MAX_BYTES", "4096",
        "TOLLGATE_RABBITMQ_BATCH_DELAY_MS", "7",
        "TOLLGATE_RABBITMQ_QUEUE_CAPACITY", "99",
        "TOLLGATE_RABBITMQ_SPOOL_DIR", "/tmp/s",
        "TOLLGATE_RABBITMQ_CONFIRM_TIMEOUT_MS", "1500",
        "TOLLGATE_RABBITMQ_RECONNECT_MAX_DELAY_MS", "250")).platform().rabbitmq();
    assertEquals(new RabbitSettings("amqps://u:p@h:5671/v", "x", "q", 10, 4096, 7, 99, Path.of("/tmp/s"), 1500, 250), set);
  }

  @Test
  void aBatchByteLimitBelowOneKibibyteIsRefused() {
    ConfigException refused = assertThrows(ConfigException.class, () -> ConfigLoader.loadDefault(Map.of(
        "TOLLGATE_RABBITMQ_URL", "amqp://h/", "TOLLGATE_RABBITMQ_BATCH_MAX_BYTES", "100")));
    assertTrue(refused.reasons().contains("rabbitmq.batchMaxBytes: must be between 1024 and 67108864, got 100"),
        refused.reasons().toString());
  }

  @Test
  void aTimeoutOutOfRangeIsRefused() {
    ConfigException refused = assertThrows(ConfigException.class, () -> ConfigLoader.loadDefault(Map.of(
        "TOLLGATE_RABBITMQ_URL", "amqp://h/", "TOLLGATE_RABBITMQ_CONFIRM_TIMEOUT_MS", "5")));
    assertTrue(refused.reasons().contains("rabbitmq.confirmTimeoutMs: must be between 100 and 600000, got 5"),
        refused.reasons().toString());
  }
}
