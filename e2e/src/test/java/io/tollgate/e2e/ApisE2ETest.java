package io.tollgate.e2e;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The APIs beyond chat on the whole platform: the Responses API, a stored response read back
 * through the other replica (its backend found through Redis), Anthropic Messages and rerank on the
 * pooling model; each billed in PostgreSQL under its API's family with the tokens the client was told.
 */
@Order(7)
@ExtendWith(PlatformExtension.class)
class ApisE2ETest {

  private static Platform platform;

  @BeforeAll
  static void platform(Platform started) {
    platform = started;
  }

  @Test
  void responsesMessagesAndRerankAreServedOnEitherReplicaAndBilledUnderTheirFamily() {
    try (Tenant tenant = Tenant.create(platform, "apis", new JsonObject().put("display", "APIs"))) {
      String secret = tenant.key("apis", new JsonObject().put("models", new JsonArray().add("*")));
      String first = platform.gatewayUrls().get(0);
      String second = platform.gatewayUrls().get(1);

      JsonObject created = Http.call("POST", first + "/v1/responses", secret, new JsonObject()
          .put("model", platform.model()).put("input", "tell me about toll gates").put("max_output_tokens", 8).encode())
          .expect(200).json();
      String id = created.getString("id");
      JsonObject read = Http.get(second + "/v1/responses/" + id, secret).expect(200).json();
      assertEquals(id, read.getString("id"), "the other replica found the backend that holds it");

      JsonObject message = Http.call("POST", second + "/v1/messages", secret, new JsonObject()
          .put("model", platform.model()).put("max_tokens", 8)
          .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hello")))
          .encode()).expect(200).json();
      assertEquals("message", message.getString("type"));

      String pooling = platform.env("TOLLGATE_POOLING_MODEL");
      JsonObject rerank = Http.call("POST", first + "/v1/rerank", secret, new JsonObject().put("model", pooling)
          .put("query", "toll").put("documents", new JsonArray().add("a toll gate").add("a garden gate")).encode())
          .expect(200).json();
      assertEquals(2, rerank.getJsonArray("results").size());

      Analytics analytics = Analytics.of(platform);
      Await.until(Duration.ofSeconds(30), () -> analytics.export(tenant.org).size() >= 4,
          () -> "usage rows of " + tenant.org + ": " + analytics.export(tenant.org));
      List<Map<String, String>> rows = analytics.export(tenant.org);
      assertEquals(4, rows.size(), "one row per request: " + rows);
      Map<String, String> create = row(rows, "/v1/responses");
      assertEquals("responses", create.get("endpoint_family"));
      assertEquals(created.getJsonObject("usage").getLong("input_tokens"), Long.parseLong(create.get("prompt_tokens")));
      assertEquals(created.getJsonObject("usage").getLong("output_tokens"),
          Long.parseLong(create.get("completion_tokens")));
      Map<String, String> readBack = row(rows, "/v1/responses/{id}");
      assertEquals("0", readBack.get("completion_tokens"), "reading a stored response back is not billed again");
      Map<String, String> messages = row(rows, "/v1/messages");
      assertEquals("messages", messages.get("endpoint_family"));
      assertEquals(message.getJsonObject("usage").getLong("output_tokens"),
          Long.parseLong(messages.get("completion_tokens")));
      Map<String, String> reranked = row(rows, "/v1/rerank");
      assertEquals("rerank", reranked.get("endpoint_family"));
      assertEquals(rerank.getJsonObject("usage").getLong("prompt_tokens"), Long.parseLong(reranked.get("prompt_tokens")));
      assertTrue(Double.parseDouble(reranked.get("cost_usd")) > 0, "priced at the pooling model's prompt price");
    }
  }

  private static Map<String, String> row(List<Map<String, String>> rows, String endpoint) {
    return rows.stream().filter(row -> endpoint.equals(row.get("endpoint"))).findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + endpoint + ": " + rows));
  }
}
