package io.tollgate.controlplane.api;

import io.vertx.core.json.JsonObject;

/** A key as the API shows it → the record the gateway reads (config/schemas/key-record.json). */
final class KeyRecords {

  private KeyRecords() {
  }

  static JsonObject of(JsonObject key) {
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
}
