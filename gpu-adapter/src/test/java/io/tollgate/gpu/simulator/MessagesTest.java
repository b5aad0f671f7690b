package io.tollgate.gpu.simulator;

import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.tollgate.gpu.simulator.SimClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessagesTest extends SimulatorTestBase {

  static JsonObject messages(String content, int maxTokens) {
    return new JsonObject().put("model", "demo-llama").put("max_tokens", maxTokens)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", content)));
  }

  @Test
  void nonStreamMessageHasVllmShape() throws Exception {
    SimClient client = client(start(FAST));
    SimClient.Reply reply = await(client.postJson("/v1/messages?beta=true", messages("hello there", 3)
        .put("system", "be brief")));
    assertEquals(200, reply.status(), reply.body());
    JsonObject body = reply.json();
    assertTrue(body.getString("id").startsWith("chatcmpl-"));
    assertEquals("message", body.getString("type"));
    assertEquals("assistant", body.getString("role"));
    assertEquals("demo-llama", body.getString("model"));
    assertEquals("max_tokens", body.getString("stop_reason"));
    assertFalse(body.containsKey("stop_sequence"), "vLLM omits it (exclude_none)");
    JsonObject block = body.getJsonArray("content").getJsonObject(0);
    assertEquals("text", block.getString("type"));
    assertEquals(3, block.getString("text").split(" ").length);
    // system: 3 + 2 words; user: 3 + 2 words; generation prompt 2
    assertEquals(new JsonObject().put("input_tokens", 12).put("output_tokens", 3), body.getJsonObject("usage"));

    JsonObject natural = await(client.postJson("/v1/messages", messages("hi", 4096))).json();
    assertEquals("end_turn", natural.getString("stop_reason"));
    assertTrue(natural.getJsonObject("usage").getInteger("output_tokens") <= 64);
  }

  @Test
  void streamSendsAnthropicEventsWithUsage() throws Exception {
    SimClient client = client(start(FAST));
    SimClient.Stream stream = await(client.stream("/v1/messages", messages("tell me", 3).put("stream", true)));
    assertEquals(200, stream.status());
    assertFalse(stream.raw().contains("[DONE]"));
    List<String> types = new ArrayList<>();
    for (SimClient.TypedEvent e : stream.typed()) {
      assertEquals(e.event(), e.json().getString("type"));
      types.add(e.event());
    }
    assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "content_block_delta",
        "content_block_delta", "content_block_stop", "message_delta", "message_stop"), types);
    List<SimClient.TypedEvent> events = stream.typed();
    JsonObject start = events.get(0).json().getJsonObject("message");
    assertTrue(start.getString("id").startsWith("chatcmpl-"));
    assertEquals(new JsonObject().put("input_tokens", 7).put("output_tokens", 0), start.getJsonObject("usage"));
    assertEquals("text_delta", events.get(2).json().getJsonObject("delta").getString("type"));
    JsonObject delta = events.get(6).json();
    assertEquals("max_tokens", delta.getJsonObject("delta").getString("stop_reason"));
    assertEquals(new JsonObject().put("input_tokens", 7).put("output_tokens", 3), delta.getJsonObject("usage"));
  }

  @Test
  void errorsUseAnthropicShapeExceptBodyValidation() throws Exception {
    SimClient client = client(start(FAST.withMaxModelLen(30)));
    SimClient.Reply unknown = await(client.postJson("/v1/messages", messages("x", 5).put("model", "nope")));
    assertEquals(404, unknown.status());
    JsonObject body = unknown.json();
    assertEquals("error", body.getString("type"));
    assertEquals("NotFoundError", body.getJsonObject("error").getString("type"));
    assertTrue(body.getJsonObject("error").getString("message").contains("nope"));

    SimClient.Reply tooLong = await(client.postJson("/v1/messages", messages("x", 100)));
    assertEquals(400, tooLong.status());
    assertEquals("BadRequestError", tooLong.json().getJsonObject("error").getString("type"));
    assertEquals("error", tooLong.json().getString("type"));

    // vLLM's global validation handler: the OpenAI shape
    ErrorResponsesTest.assertErrorShape(await(client.postJson("/v1/messages", messages("x", 5)
        .put("max_tokens", null))), 400, "BadRequestError");
  }

  @Test
  void midStreamFailureSendsAnErrorEventAndEnds() throws Exception {
    VllmSimulator sim = start(FAST);
    sim.faults(SimulatorFaults.none().withFailAfterTokens(2));
    SimClient client = client(sim);
    SimClient.Stream stream = await(client.stream("/v1/messages", messages("x", 10).put("stream", true)));
    List<SimClient.TypedEvent> events = stream.typed();
    SimClient.TypedEvent last = events.get(events.size() - 1);
    assertEquals("error", last.event());
    assertEquals("internal_error", last.json().getJsonObject("error").getString("type"));
    assertFalse(stream.raw().contains("message_stop"));
  }

  @Test
  void countTokensMatchesTheInputTokensOfAMessage() throws Exception {
    SimClient client = client(start(FAST));
    JsonObject request = messages("count these four words", 2).put("system", new JsonArray()
        .add(new JsonObject().put("type", "text").put("text", "sys prompt")));
    JsonObject counted = await(client.postJson("/v1/messages/count_tokens", request.copy())).json();
    JsonObject message = await(client.postJson("/v1/messages", request)).json();
    assertEquals(message.getJsonObject("usage").getInteger("input_tokens"), counted.getInteger("input_tokens"));
    assertEquals(5 + 7 + 2, counted.getInteger("input_tokens"));
  }

  @Test
  void closingAStreamAbortsItAndCountsItForMessages() throws Exception {
    VllmSimulator sim = start(FAST.withInterTokenMillis(10));
    SimClient client = client(sim);
    Promise<Void> firstBytes = Promise.promise();
    HttpClientResponse response = await(client.open("/v1/messages", messages("long", 1000).put("stream", true)
        .encode(), "application/json", r -> r.handler(b -> firstBytes.tryComplete())));
    await(firstBytes.future());
    await(client.closeConnection(response));
    eventually(1_000, "abort counted", () -> sim.stats().endpoint("messages").aborted() == 1);
    assertEquals(1, sim.stats().endpoint("messages").requests());
    assertEquals(0, sim.stats().running());
  }
}
