package io.tollgate.gateway.config.sync;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The control-plane variables: read as given, and a value that cannot work refused naming its variable. */
class ConfigSyncSettingsTest {

  @Test
  void withoutAUrlTheGatewayFollowsNoControlPlane() {
    assertNull(ConfigSyncSettings.fromEnv(Map.of()));
  }

  @Test
  void theUrlTokenAndPollAreRead() {
    ConfigSyncSettings settings = ConfigSyncSettings.fromEnv(Map.of("TOLLGATE_CONTROL_PLANE_URL", "http://cp:8090",
        "TOLLGATE_CONTROL_PLANE_TOKEN", "tga-1", "TOLLGATE_CONFIG_POLL_MS", "2000"));
    assertEquals("cp", settings.controlPlaneUrl().getHost());
    assertEquals("tga-1", settings.token());
    assertEquals(2000, settings.pollIntervalMs());
  }

  @Test
  void badValuesAreRefusedNamingTheVariable() {
    assertRefused("TOLLGATE_CONFIG_POLL_MS must be a whole number of milliseconds, got \"5s\"",
        Map.of("TOLLGATE_CONTROL_PLANE_URL", "http://cp:8090", "TOLLGATE_CONFIG_POLL_MS", "5s"));
    assertRefused("TOLLGATE_CONFIG_POLL_MS must be at least 100, got 0",
        Map.of("TOLLGATE_CONTROL_PLANE_URL", "http://cp:8090", "TOLLGATE_CONFIG_POLL_MS", "0"));
    assertRefused("TOLLGATE_CONTROL_PLANE_URL must be http://host[:port] or https://…, got \"cp:8090\"",
        Map.of("TOLLGATE_CONTROL_PLANE_URL", "cp:8090"));
  }

  private static void assertRefused(String message, Map<String, String> env) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, () -> ConfigSyncSettings.fromEnv(env)).getMessage());
  }
}
