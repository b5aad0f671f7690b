package io.tollgate.analytics.testsupport;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.UUID;

/** Usage events shaped exactly as the gateway emits them (see config/schemas/usage-event.json). */
public final class Events {

  private Events() {
  }

  public static JsonObject event(int n, Instant time) {
    return new JsonObject()
        .put("event_id", UUID.randomUUID().toString())
        .put("time", time.toString())
        .put("request_id", "req-" + n)
        .put("org_id", "org-a")
        .put("key_id", "key-" + (n % 3))
        .put("endpoint", "/v1/chat/completions")
        .put("model_requested", n % 2 == 0 ? "llama" : "qwen")
        .put("model_served", n % 2 == 0 ? "meta-llama/Llama-3.1-8B" : "Qwen/Qwen2-7B")
        .put("backend_id", "gpu-" + (n % 2))
        .put("status", 200)
        .put("error_kind", null)
        .put("stream", n % 4 != 0)
        .put("prompt_tokens", 10 + n % 7)
        .put("completion_tokens", n % 50)
        .put("cached_tokens", n % 5)
        .put("cost_usd", 0.000001 * (n % 13) + 0.0000003)
        .put("ttft_ms", 5.0 + n % 17)
        .put("latency_ms", 50.5 + n % 31)
        .put("client_disconnected", false)
        .put("config_version", 1)
        .put("endpoint_family", "chat")
        .put("reasoning_tokens", n % 3)
        .put("audio_seconds", 0.0);
  }

  public static JsonObject failed(int n, Instant time, int status, String kind) {
    return event(n, time).put("status", status).put("error_kind", kind).put("ttft_ms", null)
        .put("completion_tokens", 0).put("cost_usd", 0.0);
  }
}
