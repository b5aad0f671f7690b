package io.tollgate.gateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tollgate.gateway.config.Snapshots.backendAt;
import static io.tollgate.gateway.config.Snapshots.key;
import static io.tollgate.gateway.config.Snapshots.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotValidatorTest {

  private static List<String> validate(JsonObject snapshot) {
    return SnapshotValidator.validate(snapshot);
  }

  /** Exactly one reason, and it is this one: a fault must not produce noise around it. */
  private static void assertOnly(String expected, JsonObject snapshot) {
    assertEquals(List.of(expected), validate(snapshot));
  }

  @Test
  void validSnapshotHasNoReasons() {
    assertEquals(List.of(), validate(Snapshots.valid()));
  }

  @Test
  void minimalSnapshotIsValid() {
    JsonObject minimal = new JsonObject()
        .put("backends", new JsonArray().add(Snapshots.backend("b", "http://localhost:8000")))
        .put("models", new JsonArray().add(new JsonObject().put("name", "m").put("backends", new JsonArray().add("b"))));
    assertEquals(List.of(), validate(minimal));
  }

  @Test
  void routeMustNameKnownBackends() {
    JsonObject s = Snapshots.valid();
    model(s, 0).getJsonArray("backends").set(1, "gpu-9");
    assertOnly("models[0].backends[1]: unknown backend \"gpu-9\"", s);
  }

  @Test
  void routeMustNameAtLeastOneBackend() {
    JsonObject s = Snapshots.valid();
    model(s, 1).put("backends", new JsonArray());
    assertOnly("models[1].backends: must have at least 1 item(s)", s);
  }

  @Test
  void routeMustHaveBackends() {
    JsonObject s = Snapshots.valid();
    model(s, 1).remove("backends");
    assertOnly("models[1].backends: is required", s);
  }

  @Test
  void backendIdsAreUnique() {
    JsonObject s = Snapshots.valid();
    backendAt(s, 1).put("id", "gpu-1");
    // gpu-2 is now unknown too: both are reported
    List<String> reasons = validate(s);
    assertTrue(reasons.contains("backends[1].id: duplicate backend id \"gpu-1\" (also at backends[0].id)"), reasons::toString);
  }

  @Test
  void modelNamesAreUnique() {
    JsonObject s = Snapshots.valid();
    model(s, 1).put("name", "llama");
    List<String> reasons = validate(s);
    assertTrue(reasons.contains("models[1].name: duplicate model name \"llama\" (also at models[0].name)"), reasons::toString);
  }

  @Test
  void keyIdsAreUnique() {
    JsonObject s = Snapshots.valid();
    key(s, 1).put("id", "app-1");
    assertOnly("keys[1].id: duplicate key id \"app-1\" (also at keys[0].id)", s);
  }

  @Test
  void keyHashesAreUnique() {
    JsonObject s = Snapshots.valid();
    key(s, 1).put("hash", Snapshots.HASH_A);
    assertOnly("keys[1].hash: duplicate key hash \"" + Snapshots.HASH_A.substring(0, 60) + "…\" (also at keys[0].hash)", s);
  }

  @Test
  void maxAttemptsIsAtLeastOne() {
    JsonObject s = Snapshots.valid();
    model(s, 0).put("maxAttempts", 0);
    assertOnly("models[0].maxAttempts: must be >= 1, got 0", s);
  }

  @Test
  void timeoutsArePositive() {
    JsonObject s = Snapshots.valid();
    model(s, 0).getJsonObject("timeouts").put("connectMs", 0).put("idleMs", -5);
    assertEquals(List.of(
        "models[0].timeouts.connectMs: must be > 0, got 0",
        "models[0].timeouts.idleMs: must be > 0, got -5"), validate(s));
  }

  @Test
  void pricesAreNotNegative() {
    JsonObject s = Snapshots.valid();
    model(s, 0).getJsonObject("prices").put("completionPerMillion", -0.5);
    assertOnly("models[0].prices.completionPerMillion: must be >= 0, got -0.5", s);
  }

  @Test
  void pricesAreFinite() {
    JsonObject s = Snapshots.valid();
    model(s, 0).getJsonObject("prices").put("promptPerMillion", Double.NaN);
    assertOnly("models[0].prices.promptPerMillion: must be a finite number, got NaN", s);
  }

  @Test
  void limitsAreNotNegative() {
    JsonObject s = Snapshots.valid();
    s.getJsonObject("defaults").getJsonObject("limits").put("tokensPerMinute", -1);
    key(s, 1).getJsonObject("limits").put("maxConcurrentStreams", -2);
    assertEquals(List.of(
        "defaults.limits.tokensPerMinute: must be >= 0, got -1",
        "keys[1].limits.maxConcurrentStreams: must be >= 0, got -2"), validate(s));
  }

  @Test
  void keyModelsNameKnownModelsOrWildcard() {
    JsonObject s = Snapshots.valid();
    key(s, 1).put("models", new JsonArray().add("qwen").add("mistral"));
    assertOnly("keys[1].models[1]: unknown model \"mistral\" (name a configured model or \"*\")", s);
  }

  @Test
  void backendUrlNeedsAHost() {
    JsonObject s = Snapshots.valid();
    backendAt(s, 0).put("url", "http://bad_host:8000");
    assertOnly("backends[0].url: has no valid host name in \"http://bad_host:8000\"", s);
  }

  @Test
  void backendUrlPortInRange() {
    JsonObject s = Snapshots.valid();
    backendAt(s, 0).put("url", "http://gpu:99999");
    assertOnly("backends[0].url: port 99999 is out of range in \"http://gpu:99999\"", s);
  }

  @Test
  void backendUrlIsHttpOrHttps() {
    JsonObject s = Snapshots.valid();
    backendAt(s, 0).put("url", "ftp://gpu:8000");
    List<String> reasons = validate(s);
    assertEquals(1, reasons.size(), reasons::toString);
    assertTrue(reasons.get(0).startsWith("backends[0].url: must match ^https?://"), reasons::toString);
  }

  @Test
  void idsAndHashesFollowTheirPatterns() {
    JsonObject s = Snapshots.valid();
    backendAt(s, 0).put("id", "gpu 1");
    model(s, 0).getJsonArray("backends").set(0, "gpu 1"); // keep the reference consistent
    key(s, 0).put("hash", "sha1:abc");
    assertEquals(List.of(
        "backends[0].id: must match ^[A-Za-z0-9._-]{1,64}$, got \"gpu 1\"",
        "models[0].backends[0]: must match ^[A-Za-z0-9._-]{1,64}$, got \"gpu 1\"",
        "keys[0].hash: must match ^hmac-sha256:[0-9a-f]{64}$, got \"sha1:abc\""), validate(s));
  }

  @Test
  void unknownFieldIsReported() {
    JsonObject s = Snapshots.valid();
    model(s, 1).put("maxAttempt", 3);
    s.put("server", new JsonObject());
    assertEquals(List.of("models[1].maxAttempt: unknown field", "server: unknown field"), validate(s));
  }

  @Test
  void wrongTypeIsReported() {
    JsonObject s = Snapshots.valid();
    backendAt(s, 1).put("url", 8000);
    s.put("keys", new JsonObject());
    List<String> reasons = validate(s);
    assertEquals(List.of("backends[1].url: must be a string, got an integer", "keys: must be an array, got an object"), reasons);
  }

  @Test
  void nullSnapshotIsRefused() {
    assertEquals(List.of("(root): the snapshot must be an object"), validate(null));
  }

  @Test
  void everyFaultIsReportedAtOnce() {
    JsonObject s = Snapshots.valid();
    model(s, 0).getJsonArray("backends").set(1, "gpu-9");
    model(s, 0).put("maxAttempts", 0);
    model(s, 1).remove("name");
    key(s, 0).put("org", "");
    key(s, 1).put("models", new JsonArray().add("nope"));
    backendAt(s, 1).remove("url");
    List<String> reasons = validate(s);
    assertEquals(List.of(
        "backends[1].url: is required",
        "models[0].maxAttempts: must be >= 1, got 0",
        "models[1].name: is required",
        "keys[0].org: must match ^[A-Za-z0-9._-]{1,64}$, got \"\"",
        "models[0].backends[1]: unknown backend \"gpu-9\"",
        "keys[1].models[0]: unknown model \"nope\" (name a configured model or \"*\")"), reasons);
  }
}
