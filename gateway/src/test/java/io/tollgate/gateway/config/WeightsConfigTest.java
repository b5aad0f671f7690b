package io.tollgate.gateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.tollgate.gateway.config.Snapshots.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A route's per-backend {@code weights}: parsing, defaults, round trip, schema bounds and semantic rules. */
class WeightsConfigTest {

  /** The valid snapshot with a third backend, and "llama" over gpu-1, gpu-2, gpu-3. */
  private static JsonObject threeBackends() {
    JsonObject s = Snapshots.valid();
    s.getJsonArray("backends").add(Snapshots.backend("gpu-3", "http://10.0.0.3:8000"));
    model(s, 0).put("backends", new JsonArray().add("gpu-1").add("gpu-2").add("gpu-3"));
    return s;
  }

  private static JsonObject weighted(JsonObject weights) {
    JsonObject s = threeBackends();
    model(s, 0).put("weights", weights);
    return s;
  }

  private static void assertOnly(String expected, JsonObject snapshot) {
    assertEquals(List.of(expected), SnapshotValidator.validate(snapshot));
  }

  @Test
  void weightsAreParsedAndABackendNotNamedHasWeightOne() {
    ConfigSnapshot snapshot = SnapshotParser.validateAndParse(weighted(new JsonObject().put("gpu-1", 3).put("gpu-3", 0)), 1);
    ModelRoute llama = snapshot.models().get("llama");
    assertEquals(Map.of("gpu-1", 3, "gpu-3", 0), llama.weights());
    assertEquals(3, llama.weight("gpu-1"));
    assertEquals(1, llama.weight("gpu-2"));
    assertEquals(0, llama.weight("gpu-3"));
    assertEquals(List.of("gpu-1", "gpu-2", "gpu-3"), llama.backendIds(), "backends stay a list of ids");
    ModelRoute qwen = snapshot.models().get("qwen");
    assertEquals(Map.of(), qwen.weights(), "no weights: all equal");
    assertEquals(1, qwen.weight("gpu-2"));
  }

  @Test
  void writingAndReadingBackKeepsTheWeights() {
    ConfigSnapshot snapshot = SnapshotParser.validateAndParse(weighted(new JsonObject().put("gpu-2", 5).put("gpu-1", 0)), 3);
    JsonObject written = SnapshotJson.toJson(snapshot);
    JsonObject llama = written.getJsonArray("models").stream().map(JsonObject.class::cast)
        .filter(m -> m.getString("name").equals("llama")).findFirst().orElseThrow();
    assertEquals(new JsonObject().put("gpu-1", 0).put("gpu-2", 5), llama.getJsonObject("weights"));
    assertEquals(List.of(), SnapshotValidator.validate(written));
    assertEquals(snapshot, SnapshotParser.parse(written, 3));
    JsonObject qwen = written.getJsonArray("models").stream().map(JsonObject.class::cast)
        .filter(m -> m.getString("name").equals("qwen")).findFirst().orElseThrow();
    assertFalse(qwen.containsKey("weights"), "left out when none is set");
  }

  @Test
  void aChangedWeightIsAChangedModelInTheDiff() {
    ConfigSnapshot before = SnapshotParser.validateAndParse(weighted(new JsonObject().put("gpu-1", 3)), 1);
    ConfigSnapshot after = SnapshotParser.validateAndParse(weighted(new JsonObject().put("gpu-1", 0)), 2);
    JsonObject diff = ConfigDiff.between(before, after);
    assertEquals(new JsonArray().add("llama"), diff.getJsonObject("models").getJsonArray("changed"));
  }

  @Test
  void aWeightNamesABackendOfTheRoutesOwnPool() {
    // llama's pool is gpu-1 and gpu-2: gpu-3 is a known backend outside it, gpu-9 no backend at all.
    JsonObject s = Snapshots.valid();
    s.getJsonArray("backends").add(Snapshots.backend("gpu-3", "http://10.0.0.3:8000"));
    model(s, 0).put("weights", new JsonObject().put("gpu-3", 2));
    assertOnly("models[0].weights.gpu-3: backend \"gpu-3\" is not in this route's backends "
        + "(a weight applies to a backend of the pool)", s);
    model(s, 0).put("weights", new JsonObject().put("gpu-1", 2).put("gpu-9", 1));
    assertOnly("models[0].weights.gpu-9: backend \"gpu-9\" is not in this route's backends "
        + "(a weight applies to a backend of the pool)", s);
  }

  @Test
  void atLeastOneBackendOfTheRouteKeepsAWeightAboveZero() {
    assertOnly("models[0].weights: every backend of the route has weight 0: at least one must take requests "
        + "(0 drains a backend)", weighted(new JsonObject().put("gpu-1", 0).put("gpu-2", 0).put("gpu-3", 0)));
    assertEquals(List.of(), SnapshotValidator.validate(weighted(new JsonObject().put("gpu-1", 0).put("gpu-2", 0))),
        "gpu-3 is not named: it keeps weight 1");
    JsonObject single = Snapshots.valid();
    model(single, 1).put("weights", new JsonObject().put("gpu-2", 0));
    assertOnly("models[1].weights: every backend of the route has weight 0: at least one must take requests "
        + "(0 drains a backend)", single);
  }

  @Test
  void aWeightIsAnIntegerFrom0To1000() {
    assertOnly("models[0].weights.gpu-1: must be <= 1000, got 1001", weighted(new JsonObject().put("gpu-1", 1001)));
    assertOnly("models[0].weights.gpu-1: must be >= 0, got -1", weighted(new JsonObject().put("gpu-1", -1)));
    assertOnly("models[0].weights.gpu-1: must be an integer, got a number", weighted(new JsonObject().put("gpu-1", 1.5)));
    assertOnly("models[0].weights.gpu-1: must be an integer, got a string", weighted(new JsonObject().put("gpu-1", "3")));
    JsonObject list = threeBackends();
    model(list, 0).put("weights", new JsonArray().add(3));
    assertOnly("models[0].weights: must be an object, got an array", list);
    assertEquals(List.of(), SnapshotValidator.validate(weighted(new JsonObject().put("gpu-1", 1000).put("gpu-2", 0))));
  }

  @Test
  void theRulesTogetherReportEveryFaultAtOnce() {
    ConfigException refused = assertThrows(ConfigException.class, () -> SnapshotParser.validateAndParse(
        weighted(new JsonObject().put("gpu-1", 0).put("gpu-2", 0).put("gpu-3", 0).put("gpu-7", 4)), 1));
    assertEquals(2, refused.reasons().size(), refused.reasons().toString());
    assertTrue(refused.reasons().get(0).startsWith("models[0].weights.gpu-7: backend \"gpu-7\" is not in"),
        refused.reasons().toString());
    assertTrue(refused.reasons().get(1).startsWith("models[0].weights: every backend of the route has weight 0"),
        refused.reasons().toString());
  }
}
