package io.tollgate.gateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigDiffTest {

  private static JsonObject lists(String added, String removed, String changed) {
    return new JsonObject()
        .put("added", array(added))
        .put("removed", array(removed))
        .put("changed", array(changed));
  }

  private static JsonArray array(String commaSeparated) {
    JsonArray array = new JsonArray();
    if (!commaSeparated.isEmpty()) {
      for (String item : commaSeparated.split(",")) {
        array.add(item);
      }
    }
    return array;
  }

  @Test
  void sameSnapshotHasNoChanges() {
    ConfigSnapshot snapshot = SnapshotParser.parse(Snapshots.valid(), 1);
    JsonObject diff = ConfigDiff.between(snapshot, snapshot.withVersion(2));

    assertEquals(lists("", "", ""), diff.getJsonObject("backends"));
    assertFalse(diff.getBoolean("defaultsChanged"));
    assertTrue(ConfigDiff.isEmpty(diff));
  }

  @Test
  void listsAddedRemovedAndChangedPerSection() {
    JsonObject raw = Snapshots.valid();
    ConfigSnapshot before = SnapshotParser.parse(raw, 1);

    raw.getJsonArray("backends")
        .add(Snapshots.backend("gpu-3", "http://10.0.0.3:8000"))
        .add(Snapshots.backend("gpu-4", "http://10.0.0.4:8000"));
    Snapshots.backendAt(raw, 0).put("url", "http://10.0.0.100:8000");   // gpu-1 changed
    raw.getJsonArray("models").remove(1);                                  // qwen removed
    Snapshots.model(raw, 0).put("maxAttempts", 1);                         // llama changed
    raw.getJsonArray("models").add(new JsonObject().put("name", "mistral")
        .put("backends", new JsonArray().add("gpu-3")));                   // mistral added
    raw.getJsonArray("keys").remove(1);                                    // app-2 removed
    Snapshots.key(raw, 0).put("hash", "hmac-sha256:" + "c".repeat(64));   // app-1 rotated: changed
    raw.getJsonObject("defaults").put("maxTokens", 512);
    ConfigSnapshot after = SnapshotParser.parse(raw, 2);

    JsonObject diff = ConfigDiff.between(before, after);
    assertEquals(lists("gpu-3,gpu-4", "", "gpu-1"), diff.getJsonObject("backends"));
    assertEquals(lists("mistral", "qwen", "llama"), diff.getJsonObject("models"));
    assertEquals(lists("", "app-2", "app-1"), diff.getJsonObject("keys"));
    assertTrue(diff.getBoolean("defaultsChanged"));
    assertFalse(ConfigDiff.isEmpty(diff));
  }

  @Test
  void defaultLimitsChangeIsReported() {
    JsonObject raw = Snapshots.valid();
    ConfigSnapshot before = SnapshotParser.parse(raw, 1);
    raw.getJsonObject("defaults").getJsonObject("limits").put("requestsPerMinute", 1);
    ConfigSnapshot after = SnapshotParser.parse(raw, 2);

    JsonObject diff = ConfigDiff.between(before, after);
    assertTrue(diff.getBoolean("defaultsChanged"));
    // app-1 inherits every limit, app-2 inherits all but requestsPerMinute: only app-1 changed
    assertEquals(lists("", "", "app-1"), diff.getJsonObject("keys"));
  }
}
