package io.tollgate.controlplane.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnalyticsLinkTest {

  @Test
  void bothOrNeither() {
    assertFalse(AnalyticsLink.fromEnv(Map.of()).configured());
    AnalyticsLink link = AnalyticsLink.fromEnv(Map.of("TOLLGATE_ANALYTICS_URL", "http://analytics:8091/",
        "TOLLGATE_ANALYTICS_TOKEN", "t"));
    assertTrue(link.configured());
    assertEquals("http://analytics:8091", link.url());
    IllegalArgumentException half = assertThrows(IllegalArgumentException.class,
        () -> AnalyticsLink.fromEnv(Map.of("TOLLGATE_ANALYTICS_URL", "http://analytics:8091")));
    assertTrue(half.getMessage().contains("set both or neither"), half.getMessage());
    IllegalArgumentException path = assertThrows(IllegalArgumentException.class, () -> AnalyticsLink.fromEnv(
        Map.of("TOLLGATE_ANALYTICS_URL", "analytics:8091/v1", "TOLLGATE_ANALYTICS_TOKEN", "t")));
    assertTrue(path.getMessage().contains("http(s)://host:port"), path.getMessage());
  }
}
