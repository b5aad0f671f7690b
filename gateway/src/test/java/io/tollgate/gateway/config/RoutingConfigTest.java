package io.tollgate.gateway.config;

import io.tollgate.gpu.signals.EjectionPolicy;
import io.tollgate.gpu.signals.SignalSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.tollgate.gateway.config.Snapshots.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The routing fields of the snapshot: parsing, defaults, round trip, schema and semantic rules. */
class RoutingConfigTest {

  /** The valid snapshot plus a third backend and every routing field on "llama". */
  private static JsonObject full() {
    JsonObject s = Snapshots.valid();
    s.getJsonArray("backends").add(Snapshots.backend("gpu-3", "http://10.0.0.3:8000"));
    s.put("routing", new JsonObject()
        .put("scrapeIntervalMs", 500)
        .put("scrapeJitter", 0.1)
        .put("scrapeTimeoutMs", 400)
        .put("staleAfterMs", 2_000)
        .put("healthIntervalMs", 0)
        .put("healthTimeoutMs", 300)
        .put("unhealthyThreshold", 3)
        .put("ejection", new JsonObject().put("consecutiveFailures", 2).put("baseMs", 500).put("maxMs", 5_000)));
    model(s, 0)
        .put("strategy", "prefix-affinity")
        .put("scoring", new JsonObject().put("queueWeight", 2).put("maxQueue", 4))
        .put("affinity", new JsonObject().put("prefixChars", 1024))
        .put("retryBudget", new JsonObject().put("ratio", 0.1).put("minPerSecond", 1))
        .put("fallback", "qwen")
        .put("canary", new JsonObject().put("backends", new JsonArray().add("gpu-3")).put("weight", 10)
            .put("rollback", new JsonObject().put("minRequests", 50).put("maxTtftP95Ratio", 2.0)
                .put("minTtftP95DeltaMs", 50)));
    model(s, 0).getJsonObject("timeouts").put("totalMs", 300_000);
    return s;
  }

  private static void assertOnly(String expected, JsonObject snapshot) {
    assertEquals(List.of(expected), SnapshotValidator.validate(snapshot));
  }

  @Test
  void everyRoutingFieldIsParsed() {
    ConfigSnapshot snapshot = SnapshotParser.validateAndParse(full(), 1);
    ModelRoute llama = snapshot.models().get("llama");
    assertEquals(new ModelRoute.Strategy(ModelRoute.Strategy.Kind.PREFIX_AFFINITY,
        new ModelRoute.Scoring(2, 8, 1, 4, 0.95), new ModelRoute.Affinity(1024, 1.25)), llama.strategy());
    assertEquals(new ModelRoute.RetryBudget(0.1, 1), llama.retryBudget());
    assertEquals("qwen", llama.fallback());
    assertEquals(new ModelRoute.Canary(List.of("gpu-3"), null, 10, new ModelRoute.Rollback(60_000, 50, 0.05, 2.0, 50)),
        llama.canary());
    assertEquals(300_000, llama.timeouts().totalMs());
    assertEquals(new SignalSettings(500, 0.1, 400, 2_000, 0, 300, 3, SignalSettings.DEFAULTS.maxBodyBytes(),
        new EjectionPolicy(2, 500, 5_000)), snapshot.routing());
  }

  @Test
  void leftOutRoutingFieldsTakeTheirDefaults() {
    ConfigSnapshot snapshot = SnapshotParser.validateAndParse(Snapshots.valid(), 1);
    ModelRoute qwen = snapshot.models().get("qwen");
    assertEquals(ModelRoute.Strategy.DEFAULT, qwen.strategy());
    assertEquals(ModelRoute.Strategy.Kind.LEAST_LOAD, qwen.strategy().kind());
    assertEquals(ModelRoute.RetryBudget.DEFAULT, qwen.retryBudget());
    assertNull(qwen.fallback());
    assertNull(qwen.canary());
    assertEquals(0, qwen.timeouts().totalMs());
    assertEquals(SignalSettings.DEFAULTS, snapshot.routing());
  }

  @Test
  void writingAndReadingBackGivesTheSameSnapshot() {
    ConfigSnapshot snapshot = SnapshotParser.validateAndParse(full(), 4);
    JsonObject written = SnapshotJson.toJson(snapshot);
    assertEquals(List.of(), SnapshotValidator.validate(written));
    assertEquals(snapshot, SnapshotParser.parse(written, 4));
    ConfigSnapshot plain = SnapshotParser.validateAndParse(Snapshots.valid(), 1);
    assertFalse(SnapshotJson.toJson(plain).containsKey("routing"), "defaults are left out");
    ConfigSnapshot canaryModel = plain.withModels(Map.of("qwen", plain.models().get("qwen"),
        "llama", plain.models().get("llama").withCanary(ModelRoute.Canary.ofModel("qwen", 5))));
    assertEquals(canaryModel, SnapshotParser.parse(SnapshotJson.toJson(canaryModel), 1));
  }

  @Test
  void aChangedRouteOrRoutingSectionShowsInTheDiff() {
    ConfigSnapshot before = SnapshotParser.validateAndParse(Snapshots.valid(), 1);
    JsonObject edited = Snapshots.valid();
    model(edited, 1).put("strategy", "round-robin");
    JsonObject diff = ConfigDiff.between(before, SnapshotParser.validateAndParse(edited, 2));
    assertEquals(new JsonArray().add("qwen"), diff.getJsonObject("models").getJsonArray("changed"));
    assertFalse(diff.getBoolean("routingChanged"));
    edited.put("routing", new JsonObject().put("staleAfterMs", 5_000));
    diff = ConfigDiff.between(before, SnapshotParser.validateAndParse(edited, 2));
    assertTrue(diff.getBoolean("routingChanged"));
    assertFalse(ConfigDiff.isEmpty(diff));
  }

  @Test
  void theStrategyIsOneOfFour() {
    JsonObject s = Snapshots.valid();
    model(s, 0).put("strategy", "fastest");
    List<String> reasons = SnapshotValidator.validate(s);
    assertEquals(1, reasons.size(), reasons.toString());
    assertTrue(reasons.get(0).startsWith("models[0].strategy:"), reasons.toString());
  }

  @Test
  void aFallbackNamesAnotherKnownModel() {
    JsonObject s = Snapshots.valid();
    model(s, 0).put("fallback", "mistral");
    assertOnly("models[0].fallback: unknown model \"mistral\"", s);
    model(s, 0).put("fallback", "llama");
    assertOnly("models[0].fallback: a model cannot be its own fallback", s);
  }

  @Test
  void fallbacksFormNoCycle() {
    JsonObject s = Snapshots.valid();
    s.getJsonArray("models").add(new JsonObject().put("name", "phi").put("backends", new JsonArray().add("gpu-1")));
    model(s, 0).put("fallback", "qwen");
    model(s, 1).put("fallback", "phi");
    model(s, 2).put("fallback", "llama");
    assertOnly("models[0].fallback: fallbacks form a cycle: llama → qwen → phi → llama", s);
    model(s, 2).remove("fallback");
    assertEquals(List.of(), SnapshotValidator.validate(s), "a chain is fine");
  }

  @Test
  void aCanaryNamesKnownBackendsOutsideTheStablePool() {
    JsonObject s = full();
    model(s, 0).getJsonObject("canary").put("backends", new JsonArray().add("gpu-9"));
    assertOnly("models[0].canary.backends[0]: unknown backend \"gpu-9\"", s);
    model(s, 0).getJsonObject("canary").put("backends", new JsonArray().add("gpu-2"));
    assertOnly("models[0].canary.backends[0]: backend \"gpu-2\" is in the stable pool too "
        + "(a split needs two disjoint sides)", s);
  }

  @Test
  void aCanaryModelIsAnotherKnownModel() {
    JsonObject s = full();
    JsonObject canary = model(s, 0).getJsonObject("canary");
    canary.remove("backends");
    canary.put("model", "qwen");
    assertEquals(List.of(), SnapshotValidator.validate(s));
    canary.put("model", "llama");
    assertOnly("models[0].canary.model: a model cannot be its own canary", s);
    canary.put("model", "gpt-5");
    assertOnly("models[0].canary.model: unknown model \"gpt-5\"", s);
  }

  @Test
  void aCanaryHasExactlyOneTargetAndAWeightUpTo100() {
    JsonObject s = full();
    model(s, 0).getJsonObject("canary").put("model", "qwen");
    assertOnly("models[0].canary: names both backends and model: a canary is one or the other", s);

    JsonObject neither = full();
    model(neither, 0).getJsonObject("canary").remove("backends");
    assertOnly("models[0].canary: needs backends (a split between backends) or model (a split between models)",
        neither);

    JsonObject heavy = full();
    model(heavy, 0).getJsonObject("canary").put("weight", 101);
    List<String> weight = SnapshotValidator.validate(heavy);
    assertEquals(1, weight.size(), weight.toString());
    assertTrue(weight.get(0).startsWith("models[0].canary.weight:"), weight.toString());
  }

  @Test
  void scrapingIsOffOrNoFasterThan50Ms() {
    JsonObject s = full();
    s.getJsonObject("routing").put("scrapeIntervalMs", 10);
    assertOnly("routing.scrapeIntervalMs: must be 0 (off) or at least 50 ms, got 10 "
        + "(scraping that often costs the backends more than it tells)", s);
    s.getJsonObject("routing").put("scrapeIntervalMs", 0);
    assertEquals(List.of(), SnapshotValidator.validate(s));
  }

  @Test
  void theLongestEjectionIsAtLeastTheFirst() {
    JsonObject s = full();
    s.getJsonObject("routing").getJsonObject("ejection").put("maxMs", 100);
    assertOnly("routing.ejection.maxMs: must be at least baseMs (500), got 100", s);
  }

  @Test
  void theShippedGatewayYamlRoutesWithItsDocumentedFields() {
    GatewayConfig config = ConfigLoader.loadDefault(Map.of());
    ModelRoute demo = config.snapshot().models().get("demo-llama");
    assertEquals(ModelRoute.Strategy.Kind.LEAST_LOAD, demo.strategy().kind());
    assertEquals(SignalSettings.DEFAULTS, config.snapshot().routing());
  }
}
