package io.tollgate.gateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Raw snapshots for tests: a valid one to start from, which each test breaks in one place. */
public final class Snapshots {

  public static final String HASH_A = "hmac-sha256:" + "a".repeat(64);
  public static final String HASH_B = "hmac-sha256:" + "b".repeat(64);

  private Snapshots() {
  }

  /** Two backends, two models (one with every optional field), two keys (one with partial limits). */
  public static JsonObject valid() {
    return new JsonObject()
        .put("defaults", new JsonObject()
            .put("limits", new JsonObject()
                .put("requestsPerMinute", 100)
                .put("tokensPerMinute", 50_000)
                .put("maxConcurrentStreams", 8))
            .put("maxTokens", 128))
        .put("backends", new JsonArray()
            .add(backend("gpu-1", "http://10.0.0.1:8000"))
            .add(backend("gpu-2", "https://gpu-2.internal/v1-proxy")))
        .put("models", new JsonArray()
            .add(new JsonObject()
                .put("name", "llama")
                .put("upstreamModel", "meta-llama/Llama-3.1-8B-Instruct")
                .put("backends", new JsonArray().add("gpu-1").add("gpu-2"))
                .put("maxAttempts", 3)
                .put("timeouts", new JsonObject().put("connectMs", 1000).put("firstTokenMs", 30_000).put("idleMs", 10_000))
                .put("prices", new JsonObject().put("promptPerMillion", 0.1).put("completionPerMillion", 0.4)))
            .add(new JsonObject()
                .put("name", "qwen")
                .put("backends", new JsonArray().add("gpu-2"))))
        .put("keys", new JsonArray()
            .add(new JsonObject()
                .put("id", "app-1")
                .put("hash", HASH_A)
                .put("org", "team-a")
                .put("models", new JsonArray().add("*")))
            .add(new JsonObject()
                .put("id", "app-2")
                .put("hash", HASH_B)
                .put("org", "team-b")
                .put("models", new JsonArray().add("qwen"))
                .put("limits", new JsonObject().put("requestsPerMinute", 5))));
  }

  public static JsonObject backend(String id, String url) {
    return new JsonObject().put("id", id).put("url", url);
  }

  public static JsonObject model(JsonObject snapshot, int index) {
    return snapshot.getJsonArray("models").getJsonObject(index);
  }

  public static JsonObject key(JsonObject snapshot, int index) {
    return snapshot.getJsonArray("keys").getJsonObject(index);
  }

  public static JsonObject backendAt(JsonObject snapshot, int index) {
    return snapshot.getJsonArray("backends").getJsonObject(index);
  }
}
