package io.tollgate.gpu.simulator;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static io.tollgate.gpu.simulator.SimClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorResponsesTest extends SimulatorTestBase {

  @Test
  void contextLengthExceededIsAJson400EvenWhenStreaming() throws Exception {
    VllmSimulator sim = start(FAST.withMaxModelLen(100));
    SimClient client = client(sim);
    SimClient.Reply reply = await(client.postJson("/v1/chat/completions",
        chat(words(50)).put("max_tokens", 60).put("stream", true)));

    assertEquals(400, reply.status());
    assertEquals("application/json", reply.headers().get("content-type"));
    JsonObject error = assertErrorShape(reply, 400, "BadRequestError");
    assertTrue(error.getString("message").contains("maximum context length is 100 tokens"));
    assertTrue(error.getString("message").contains("115 tokens (55 in the messages, 60 in the completion)"),
        error.getString("message"));
    assertEquals(0, sim.stats().generationTokens());

    SimClient.Reply promptTooLong = await(client.postJson("/v1/completions", completion(words(100))));
    assertErrorShape(promptTooLong, 400, "BadRequestError");
  }

  @Test
  void unknownModelIs404WithParamModel() throws Exception {
    SimClient client = client(start(FAST));
    SimClient.Reply reply = await(client.postJson("/v1/chat/completions", chat("hi").put("model", "gpt-9")));
    JsonObject error = assertErrorShape(reply, 404, "NotFoundError");
    assertEquals("The model `gpt-9` does not exist.", error.getString("message"));
    assertEquals("model", error.getString("param"));
  }

  @Test
  void malformedJsonAndMissingFieldsAre400() throws Exception {
    SimClient client = client(start(FAST));
    assertErrorShape(await(client.post("/v1/chat/completions", "{\"messages\": [", "application/json")), 400,
        "BadRequestError");
    assertErrorShape(await(client.post("/v1/chat/completions", "[1,2]", "application/json")), 400,
        "BadRequestError");
    assertErrorShape(await(client.postJson("/v1/chat/completions", new JsonObject().put("model", "demo-llama"))),
        400, "BadRequestError");
    assertErrorShape(await(client.postJson("/v1/completions", new JsonObject())), 400, "BadRequestError");
    assertErrorShape(await(client.postJson("/v1/completions", completion("x").put("max_tokens", 0))), 400,
        "BadRequestError");
    assertErrorShape(await(client.postJson("/v1/completions", completion("x").put("max_tokens", "ten"))), 400,
        "BadRequestError");
    assertErrorShape(await(client.post("/v1/completions", completion("x").encode(), "text/plain")), 400,
        "BadRequestError");
  }

  @Test
  void streamOptionsWithoutStreamingIs400() throws Exception {
    SimClient client = client(start(FAST));
    JsonObject error = assertErrorShape(await(client.postJson("/v1/chat/completions",
        chat("hi").put("stream_options", new JsonObject().put("include_usage", true)))), 400, "BadRequestError");
    assertEquals("Stream options can only be defined when `stream=True`.", error.getString("message"));
    assertErrorShape(await(client.postJson("/v1/completions", completion("hi").put("stream", false)
        .put("stream_options", new JsonObject()))), 400, "BadRequestError");
  }

  @Test
  void nBelowOneIs400() throws Exception {
    SimClient client = client(start(FAST));
    JsonObject error = assertErrorShape(await(client.postJson("/v1/chat/completions", chat("hi").put("n", 0))),
        400, "BadRequestError");
    assertEquals("n", error.getString("param"));
    assertEquals(200, await(client.postJson("/v1/chat/completions", chat("hi").put("n", 1).put("max_tokens", 1)))
        .status());
  }

  @Test
  void unknownPathLooksLikeFastApi() throws Exception {
    SimClient client = client(start(FAST));
    SimClient.Reply reply = await(client.get("/v2/nothing"));
    assertEquals(404, reply.status());
    assertEquals(new JsonObject().put("detail", "Not Found"), reply.json());
  }

  static JsonObject assertErrorShape(SimClient.Reply reply, int status, String type) {
    assertEquals(status, reply.status(), reply.body());
    JsonObject body = reply.json();
    assertEquals(1, body.size(), "only the error object: " + body);
    JsonObject error = body.getJsonObject("error");
    assertEquals(type, error.getString("type"));
    assertEquals(status, error.getInteger("code"));
    assertTrue(error.containsKey("param"));
    assertTrue(error.getString("message") != null && !error.getString("message").isBlank());
    if (status != 404) {
      assertNull(error.getValue("param") instanceof String p && p.equals("model") ? p : null);
    }
    return error;
  }
}
