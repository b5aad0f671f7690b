package io.tollgate.gateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotParserTest {

  @Test
  void parsesEveryFieldAndTheVersion() {
    ConfigSnapshot snapshot = SnapshotParser.parse(Snapshots.valid(), 7);

    assertEquals(7, snapshot.version());
    assertEquals(new LimitSpec(100, 50_000, 8), snapshot.defaultLimits());
    assertEquals(128, snapshot.defaultMaxTokens());
    assertEquals(new BackendSpec("gpu-2", URI.create("https://gpu-2.internal/v1-proxy")), snapshot.backends().get("gpu-2"));
    assertEquals(new ModelRoute("llama", "meta-llama/Llama-3.1-8B-Instruct", List.of("gpu-1", "gpu-2"),
            new ModelRoute.RouteTimeouts(1000, 30_000, 10_000), 3, new ModelRoute.Prices(0.1, 0.4)),
        snapshot.models().get("llama"));
    ApiKeySpec key = snapshot.keysByHash().get(Snapshots.HASH_A);
    assertEquals(new ApiKeySpec("app-1", Snapshots.HASH_A, "team-a", Set.of("*"), new LimitSpec(100, 50_000, 8)), key);
  }

  @Test
  void fillsRouteDefaults() {
    ModelRoute qwen = SnapshotParser.parse(Snapshots.valid(), 1).models().get("qwen");

    assertEquals("qwen", qwen.upstreamModel());
    assertEquals(ModelRoute.RouteTimeouts.DEFAULT, qwen.timeouts());
    assertEquals(2, qwen.maxAttempts());
    assertEquals(ModelRoute.Prices.FREE, qwen.prices());
  }

  @Test
  void partialTimeoutsAndPricesKeepTheRestAtDefault() {
    JsonObject raw = Snapshots.valid();
    Snapshots.model(raw, 1)
        .put("timeouts", new JsonObject().put("firstTokenMs", 5_000))
        .put("prices", new JsonObject().put("completionPerMillion", 2));
    ModelRoute qwen = SnapshotParser.parse(raw, 1).models().get("qwen");

    assertEquals(new ModelRoute.RouteTimeouts(2_000, 5_000, 60_000), qwen.timeouts());
    assertEquals(new ModelRoute.Prices(0, 2), qwen.prices());
  }

  @Test
  void keyLimitsLeftOutTakeTheDefaults() {
    ApiKeySpec key = SnapshotParser.parse(Snapshots.valid(), 1).keysByHash().get(Snapshots.HASH_B);
    assertEquals(new LimitSpec(5, 50_000, 8), key.limits());
    assertTrue(key.allows("qwen"));
  }

  @Test
  void noDefaultsSectionMeansBuiltInDefaults() {
    JsonObject raw = Snapshots.valid();
    raw.remove("defaults");
    ConfigSnapshot snapshot = SnapshotParser.parse(raw, 1);

    assertEquals(SnapshotParser.BUILT_IN_LIMITS, snapshot.defaultLimits());
    assertEquals(SnapshotParser.BUILT_IN_MAX_TOKENS, snapshot.defaultMaxTokens());
    assertEquals(SnapshotParser.BUILT_IN_LIMITS, snapshot.keysByHash().get(Snapshots.HASH_A).limits());
  }

  @Test
  void keysMayBeLeftOut() {
    JsonObject raw = Snapshots.valid();
    raw.remove("keys");
    assertEquals(List.of(), SnapshotValidator.validate(raw));
    assertTrue(SnapshotParser.parse(raw, 1).keysByHash().isEmpty());
  }

  @Test
  void validateAndParseRefusesWithEveryReason() {
    JsonObject raw = Snapshots.valid();
    raw.put("backends", new JsonArray());
    ConfigException refused = assertThrows(ConfigException.class, () -> SnapshotParser.validateAndParse(raw, 1));
    assertEquals(3, refused.reasons().size(), refused.reasons()::toString); // three dangling references
  }

  @Test
  void writtenFormParsesBackToTheSameSnapshot() {
    ConfigSnapshot snapshot = SnapshotParser.parse(Snapshots.valid(), 4);
    JsonObject written = SnapshotJson.toJson(snapshot);

    assertEquals(List.of(), SnapshotValidator.validate(written));
    assertEquals(snapshot, SnapshotParser.parse(written, 4));
    // a key whose limits equal the defaults writes none, so it keeps following them
    assertEquals(null, written.getJsonArray("keys").getJsonObject(0).getValue("limits"));
    assertEquals(new JsonObject().put("requestsPerMinute", 5),
        written.getJsonArray("keys").getJsonObject(1).getJsonObject("limits"));
  }
}
