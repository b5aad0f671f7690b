package io.tollgate.gateway.usage;

import java.time.Instant;
import java.util.UUID;

/** Usage events for tests: numbered, so order and completeness can be checked. */
public final class UsageEvents {

  private UsageEvents() {
  }

  public static UsageEvent numbered(int number) {
    return new UsageEvent(UUID.randomUUID().toString(), Instant.parse("2025-03-01T12:00:00Z").plusMillis(number),
        "req-" + number, "org-a", "key-1", "/v1/chat/completions", "chat", "m", "m-upstream", "sim-1", 200, null, true,
        10, number % 50, 2, 0, 0, 0.000012, 12.5, 40.25, false, 3);
  }

  public static UsageEvent failed(int number) {
    return new UsageEvent(UUID.randomUUID().toString(), Instant.now(), "req-" + number, "org-a", "key-1",
        "/v1/completions", "completions", "m", null, null, 503, "no_backend", false, 0, 0, 0, 0, 0, 0, -1, 3.5, false, 1);
  }

  /** The number in a published body's request id. */
  public static int numberOf(String body) {
    io.vertx.core.json.JsonObject json = new io.vertx.core.json.JsonObject(body);
    return Integer.parseInt(json.getString("request_id").substring("req-".length()));
  }
}
