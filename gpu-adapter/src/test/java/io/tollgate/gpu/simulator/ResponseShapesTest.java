package io.tollgate.gpu.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tollgate.gpu.simulator.SimClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Completions streaming, non-streaming shapes, usage, lengths and determinism. */
class ResponseShapesTest extends SimulatorTestBase {

  @Test
  void completionChunksIncludeTheirNulls() throws Exception {
    SimClient client = client(start(FAST));
    SimClient.Stream s = await(client.stream("/v1/completions",
        completion("once upon a time").put("max_tokens", 3).put("stream", true)));

    assertEquals(4, s.events().size(), s.raw()); // 3 tokens + [DONE], no role chunk
    List<JsonObject> chunks = s.chunks();
    String id = chunks.get(0).getString("id");
    assertTrue(id.startsWith("cmpl-"));
    for (int i = 0; i < 3; i++) {
      JsonObject chunk = chunks.get(i);
      assertEquals("text_completion", chunk.getString("object"));
      assertEquals(id, chunk.getString("id"));
      assertTrue(chunk.containsKey("usage") && chunk.getValue("usage") == null);
      JsonObject choice = chunk.getJsonArray("choices").getJsonObject(0);
      assertEquals(0, choice.getInteger("index"));
      assertTrue(choice.containsKey("logprobs") && choice.containsKey("stop_reason"));
    }
    assertTrue(s.raw().contains("\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":null}],\"usage\":null}"),
        s.raw());
    assertEquals("length", chunks.get(2).getJsonArray("choices").getJsonObject(0).getString("finish_reason"));

    SimClient.Stream withUsage = await(client.stream("/v1/completions", completion("once upon a time")
        .put("max_tokens", 2).put("stream", true).put("stream_options", new JsonObject().put("include_usage", true))));
    JsonObject usageChunk = withUsage.chunks().get(2);
    assertEquals("text_completion", usageChunk.getString("object"));
    assertTrue(usageChunk.getJsonArray("choices").isEmpty());
    assertEquals(new JsonObject().put("prompt_tokens", 4).put("total_tokens", 6).put("completion_tokens", 2),
        usageChunk.getJsonObject("usage"));
  }

  @Test
  void chatTemplateCountsEveryMessageAndTextParts() throws Exception {
    SimClient client = client(start(FAST));
    JsonObject body = new JsonObject().put("max_tokens", 1).put("messages", new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", "be brief"))
        .add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "text").put("text", "two words"))
            .add(new JsonObject().put("type", "text").put("text", "three more words")))));
    JsonObject usage = await(client.postJson("/v1/chat/completions", body)).json().getJsonObject("usage");
    assertEquals((2 + 3) + (5 + 3) + 2, usage.getInteger("prompt_tokens"));
  }

  @Test
  void nonStreamingChatHasVllmShapeAndUsage() throws Exception {
    SimClient client = client(start(FAST));
    SimClient.Reply reply = await(client.postJson("/v1/chat/completions", chat("a b c d").put("max_tokens", 6)));

    assertEquals(200, reply.status());
    assertEquals("application/json", reply.headers().get("content-type"));
    JsonObject body = reply.json();
    assertTrue(body.getString("id").startsWith("chatcmpl-"));
    assertEquals("chat.completion", body.getString("object"));
    assertEquals("demo-llama", body.getString("model"));
    assertTrue(body.getLong("created") > 0);
    JsonObject choice = body.getJsonArray("choices").getJsonObject(0);
    assertEquals("assistant", choice.getJsonObject("message").getString("role"));
    assertEquals(6, choice.getJsonObject("message").getString("content").split(" ").length);
    assertEquals("length", choice.getString("finish_reason"));
    assertTrue(choice.containsKey("stop_reason") && choice.containsKey("logprobs"));
    JsonObject usage = body.getJsonObject("usage");
    assertEquals(9, usage.getInteger("prompt_tokens")); // 4 words + 3 + 2
    assertEquals(6, usage.getInteger("completion_tokens"));
    assertEquals(15, usage.getInteger("total_tokens"));
  }

  @Test
  void nonStreamingCompletionWithAListOfPrompts() throws Exception {
    SimClient client = client(start(FAST));
    SimClient.Reply reply = await(client.postJson("/v1/completions", new JsonObject()
        .put("prompt", new JsonArray().add("first prompt here").add("second one")).put("max_tokens", 2)));

    JsonObject body = reply.json();
    assertEquals("text_completion", body.getString("object"));
    JsonArray choices = body.getJsonArray("choices");
    assertEquals(2, choices.size());
    for (int i = 0; i < 2; i++) {
      assertEquals(i, choices.getJsonObject(i).getInteger("index"));
      assertEquals(2, choices.getJsonObject(i).getString("text").split(" ").length);
    }
    assertEquals(new JsonObject().put("prompt_tokens", 5).put("total_tokens", 9).put("completion_tokens", 4)
        .putNull("prompt_tokens_details"), body.getJsonObject("usage"));
  }

  @Test
  void sameSeedSameTextAndSamePromptSameText() throws Exception {
    SimClient client = client(start(FAST));
    JsonObject seeded = chat("whatever").put("max_tokens", 8).put("seed", 7);
    String a = content(await(client.postJson("/v1/chat/completions", seeded)));
    String b = content(await(client.postJson("/v1/chat/completions", seeded.copy())));
    String c = content(await(client.postJson("/v1/chat/completions", seeded.copy().put("seed", 8))));
    assertEquals(a, b);
    assertNotEquals(a, c);

    // Streaming gives the same text as non-streaming.
    SimClient.Stream s = await(client.stream("/v1/chat/completions", seeded.copy().put("stream", true)));
    StringBuilder streamed = new StringBuilder();
    s.tokenChunks().forEach(ch -> streamed.append(
        ch.getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("content")));
    assertEquals(a, streamed.toString());

    // Without a seed: the prompt decides, so equal prompts agree and different ones (almost surely) not.
    String p1 = content(await(client.postJson("/v1/chat/completions", chat("alpha").put("max_tokens", 8))));
    String p2 = content(await(client.postJson("/v1/chat/completions", chat("alpha").put("max_tokens", 8))));
    String p3 = content(await(client.postJson("/v1/chat/completions", chat("beta").put("max_tokens", 8))));
    assertEquals(p1, p2);
    assertNotEquals(p1, p3);
  }

  @Test
  void maxTokensHonouredAndDefaultLengthIsDeterministicWithStop() throws Exception {
    VllmSimulator sim = start(FAST.withDefaultMaxTokens(10));
    SimClient client = client(sim);
    for (int max : new int[] {1, 17}) {
      JsonObject choice = await(client.postJson("/v1/completions", completion("x").put("max_tokens", max)))
          .json().getJsonArray("choices").getJsonObject(0);
      assertEquals(max, choice.getString("text").split(" ").length);
      assertEquals("length", choice.getString("finish_reason"));
    }
    JsonObject free1 = await(client.postJson("/v1/completions", completion("free run"))).json();
    JsonObject free2 = await(client.postJson("/v1/completions", completion("free run"))).json();
    int n = free1.getJsonObject("usage").getInteger("completion_tokens");
    assertTrue(n >= 1 && n <= 10, "length in [1, defaultMaxTokens]: " + n);
    assertEquals(n, free2.getJsonObject("usage").getInteger("completion_tokens"));
    assertEquals("stop", free1.getJsonArray("choices").getJsonObject(0).getString("finish_reason"));

    JsonObject ignoreEos = await(client.postJson("/v1/completions", completion("free run").put("ignore_eos", true)))
        .json();
    assertEquals(10, ignoreEos.getJsonObject("usage").getInteger("completion_tokens"));
    assertEquals("length", ignoreEos.getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
  }

  @Test
  void requestWithoutModelUsesTheFirstServedModel() throws Exception {
    SimClient client = client(start(FAST.withModels("m1", "m2")));
    JsonObject body = chat("hi").put("max_tokens", 1);
    body.remove("model");
    assertEquals("m1", await(client.postJson("/v1/chat/completions", body)).json().getString("model"));
    assertEquals("m2", await(client.postJson("/v1/chat/completions", body.copy().put("model", "m2")))
        .json().getString("model"));
  }

  private static String content(SimClient.Reply reply) {
    assertEquals(200, reply.status(), reply.body());
    JsonObject message = reply.json().getJsonArray("choices").getJsonObject(0).getJsonObject("message");
    assertEquals(new JsonArray(), message.getJsonArray("tool_calls"));
    assertNull(message.getValue("refusal"));
    return message.getString("content");
  }
}
