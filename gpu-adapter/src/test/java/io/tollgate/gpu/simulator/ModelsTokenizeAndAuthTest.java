package io.tollgate.gpu.simulator;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static io.tollgate.gpu.simulator.SimClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ModelsTokenizeAndAuthTest extends SimulatorTestBase {

  @Test
  void modelsByIdIsNotARouteInVllm() throws Exception {
    SimClient client = client(start(FAST.withPoolingModels("demo-rerank").withTranscriptionModels("demo-whisper")));
    // vLLM registers only GET /v1/models (PR #43127 proposed /v1/models/{id} and was closed): FastAPI's 404.
    for (String id : new String[] {"demo-llama", "nope"}) {
      SimClient.Reply reply = await(client.get("/v1/models/" + id));
      assertEquals(404, reply.status());
      assertEquals(new JsonObject().put("detail", "Not Found"), reply.json());
    }
    JsonArray data = await(client.get("/v1/models")).json().getJsonArray("data");
    assertEquals(3, data.size(), "every served model of every kind has a card");
    assertEquals("demo-whisper", data.getJsonObject(2).getString("id"));
  }

  @Test
  void tokenizeReturnsTokenStringsAndHonoursTheGenerationPrompt() throws Exception {
    SimClient client = client(start(FAST));
    JsonObject plain = await(client.postJson("/tokenize", new JsonObject().put("prompt", "the model")
        .put("return_token_strs", true))).json();
    assertEquals(new JsonArray().add("the").add("model"), plain.getJsonArray("token_strs"));
    assertNull(await(client.postJson("/tokenize", new JsonObject().put("prompt", "the"))).json()
        .getValue("token_strs"));
    JsonObject chatForm = new JsonObject().put("messages", chat("a b").getJsonArray("messages"));
    assertEquals(7, await(client.postJson("/tokenize", chatForm.copy())).json().getInteger("count"));
    assertEquals(5, await(client.postJson("/tokenize", chatForm.put("add_generation_prompt", false))).json()
        .getInteger("count"));
    String text = await(client.postJson("/detokenize", new JsonObject().put("tokens", plain.getJsonArray("tokens"))))
        .json().getString("prompt");
    assertEquals("the model", text);
  }

  @Test
  void apiKeyAcceptsOnlyBearerOnEveryApiPath() throws Exception {
    SimClient client = client(start(FAST.withApiKey("sk-sim")));
    MultiMap bearer = MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer sk-sim");
    MultiMap anthropic = MultiMap.caseInsensitiveMultiMap().add("x-api-key", "sk-sim")
        .add("anthropic-version", "2023-06-01");
    SimClient.Reply refused = await(client.postJson("/v1/chat/completions", chat("hi")));
    assertEquals(401, refused.status());
    assertEquals(new JsonObject().put("error", "Unauthorized"), refused.json());
    assertEquals(401, await(client.postJson("/v1/messages", MessagesTest.messages("hi", 1), anthropic)).status(),
        "vLLM never reads x-api-key");
    assertEquals(401, await(client.postJson("/tokenize", new JsonObject().put("prompt", "a"))).status());
    assertEquals(401, await(client.get("/v1/models")).status());
    assertEquals(200, await(client.postJson("/v1/messages", MessagesTest.messages("hi", 1), bearer)).status());
    assertEquals(200, await(client.postJson("/v1/chat/completions", chat("hi").put("max_tokens", 1), bearer))
        .status());
    for (String open : new String[] {"/health", "/ping", "/version", "/load", "/metrics", "/sim/stats"}) {
      assertEquals(200, await(client.get(open)).status(), open);
    }
  }
}
