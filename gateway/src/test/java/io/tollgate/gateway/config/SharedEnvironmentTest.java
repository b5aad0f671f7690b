package io.tollgate.gateway.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedEnvironmentTest {

  private static final Map<String, String> BASE = Map.of("TOLLGATE_KEY_PEPPER", "p", "TOLLGATE_REDIS_URL",
      "redis://127.0.0.1:6379");

  private static RedisSettings redisOf(Map<String, String> env) {
    return ConfigLoader.loadDefault(SharedEnvironment.resolve(env).env()).platform().redis();
  }

  @Test
  void theGatewayReadsTheRedisPrefixUnderTheControlPlanesName() {
    Map<String, String> env = new java.util.HashMap<>(BASE);
    env.put("TOLLGATE_REDIS_PREFIX", "llm");
    assertEquals("llm", redisOf(env).keyPrefix());
    assertEquals(List.of(), SharedEnvironment.resolve(env).warnings());
  }

  @Test
  void theOldNameStillWorksWithADeprecationWarningNamingTheNewOne() {
    Map<String, String> env = new java.util.HashMap<>(BASE);
    env.put("TOLLGATE_REDIS_KEY_PREFIX", "old");
    SharedEnvironment.Resolved resolved = SharedEnvironment.resolve(env);
    assertEquals("old", redisOf(env).keyPrefix());
    assertEquals(1, resolved.warnings().size());
    assertTrue(resolved.warnings().get(0).startsWith("TOLLGATE_REDIS_KEY_PREFIX is deprecated: set TOLLGATE_REDIS_PREFIX"),
        resolved.warnings().get(0));
    assertEquals(List.of(), resolved.problems());
  }

  @Test
  void bothNamesWithDifferentValuesAreAProblemNotAGuess() {
    Map<String, String> env = new java.util.HashMap<>(BASE);
    env.put("TOLLGATE_REDIS_KEY_PREFIX", "old");
    env.put("TOLLGATE_REDIS_PREFIX", "new");
    SharedEnvironment.Resolved resolved = SharedEnvironment.resolve(env);
    assertEquals(1, resolved.problems().size());
    assertTrue(resolved.problems().get(0).contains("TOLLGATE_REDIS_KEY_PREFIX (\"old\") and TOLLGATE_REDIS_PREFIX (\"new\") differ"),
        resolved.problems().get(0));
  }

  @Test
  void withNeitherNameThePrefixIsTheControlPlanesDefault() {
    assertEquals("tg", redisOf(BASE).keyPrefix());
  }
}
