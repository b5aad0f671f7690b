package io.tollgate.controlplane.keys;

import io.tollgate.controlplane.store.KeyStore.StoredKey;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A key as the API shows it → the record the gateway reads (config/schemas/key-record.json). */
public final class KeyRecords {

  private KeyRecords() {
  }

  public static JsonObject of(JsonObject key) {
    JsonObject record = new JsonObject()
        .put("id", key.getString("id"))
        .put("org", key.getString("org"))
        .put("models", key.getJsonArray("models"))
        .put("limits", key.getJsonObject("limits"))
        .put("expiresAt", key.getString("expiresAt"))
        .put("revoked", key.getBoolean("revoked"));
    if (key.getJsonObject("budget") != null) {
      record.put("budget", key.getJsonObject("budget"));
    }
    return record;
  }

  /**
   * Every record the gateways need for a key, by hash: the current secret's, and, after a rotation,
   * the previous secret's, which expires when the grace period ends.
   */
  public static Map<String, JsonObject> forGateways(StoredKey key) {
    Map<String, JsonObject> records = new LinkedHashMap<>();
    JsonObject record = of(key.json());
    records.put(key.hash(), record);
    if (key.previousHash() != null) {
      records.put(key.previousHash(), record.copy().put("expiresAt", graceEnd(key.json())));
    }
    return records;
  }

  /** When a rotated key's previous secret dies: the end of its grace, or already (revoked, grace over). */
  public static String graceEnd(JsonObject key) {
    String grace = key.getString("graceUntil");
    return grace == null ? Instant.EPOCH.toString() : grace;
  }
}
