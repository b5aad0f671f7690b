package io.tollgate.gpu.simulator;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tollgate.gpu.simulator.SimClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatStreamingTest extends SimulatorTestBase {

  @Test
  void streamsVllmChunksWithRoleChunkTogetherWithFirstToken() throws Exception {
    VllmSimulator sim = start(FAST);
    // A stall before the first token shows whether the role chunk waits for the first token.
    sim.faults(SimulatorFaults.none().withStallBeforeFirstTokenMillis(200));
    SimClient client = client(sim);

    SimClient.Stream s = await(client.stream("/v1/chat/completions",
        chat("tell me a story").put("max_tokens", 5).put("stream", true)));

    assertEquals(200, s.status());
    assertEquals("text/event-stream; charset=utf-8", s.headers().get("content-type"));
    List<SimClient.SseEvent> events = s.events();
    assertEquals(7, events.size(), s.raw()); // role + 5 tokens + [DONE]
    assertTrue(events.get(events.size() - 1).done());
    assertTrue(s.raw().endsWith("data: [DONE]\n\n"));
    assertFalse(s.raw().contains("\"usage\""), "no usage without stream_options");

    List<JsonObject> chunks = s.chunks();
    JsonObject role = chunks.get(0);
    assertEquals(new JsonObject().put("role", "assistant").put("content", ""),
        role.getJsonArray("choices").getJsonObject(0).getJsonObject("delta"));
    long roleAt = events.get(0).atNanos();
    long firstTokenAt = events.get(1).atNanos();
    assertTrue((roleAt - s.sentNanos()) / 1_000_000 >= 190, "role chunk must wait for the first token");
    assertTrue((firstTokenAt - roleAt) / 1_000_000 < 50, "role chunk and first token travel together");

    String id = role.getString("id");
    long created = role.getLong("created");
    assertTrue(id.startsWith("chatcmpl-"));
    for (JsonObject chunk : chunks) {
      assertEquals(id, chunk.getString("id"));
      assertEquals(created, chunk.getLong("created"));
      assertEquals("chat.completion.chunk", chunk.getString("object"));
      assertEquals("demo-llama", chunk.getString("model"));
    }
    for (int i = 1; i < 5; i++) {
      JsonObject choice = chunks.get(i).getJsonArray("choices").getJsonObject(0);
      assertNull(choice.getValue("finish_reason"));
      assertTrue(choice.containsKey("finish_reason") && choice.containsKey("logprobs"));
      assertFalse(choice.containsKey("stop_reason"));
      assertFalse(choice.getJsonObject("delta").getString("content").isEmpty());
    }
    JsonObject last = chunks.get(5).getJsonArray("choices").getJsonObject(0);
    assertEquals("length", last.getString("finish_reason"));
    assertTrue(last.containsKey("stop_reason"));
    assertNull(last.getValue("stop_reason"));
    assertFalse(last.getJsonObject("delta").getString("content").isEmpty(), "last token rides with finish_reason");
  }

  @Test
  void includeUsageAddsAFinalUsageChunkBeforeDone() throws Exception {
    SimClient client = client(start(FAST));
    SimClient.Stream s = await(client.stream("/v1/chat/completions", chat("one two three")
        .put("max_completion_tokens", 4).put("stream", true).put("stream_options", new JsonObject())));

    List<JsonObject> chunks = s.chunks();
    JsonObject usageChunk = chunks.get(chunks.size() - 1);
    assertTrue(usageChunk.getJsonArray("choices").isEmpty());
    // 3 words + 3 template tokens for the message + 2 for the generation prompt
    assertEquals(new JsonObject().put("prompt_tokens", 8).put("total_tokens", 12).put("completion_tokens", 4),
        usageChunk.getJsonObject("usage"));
    assertTrue(s.raw().contains("\"choices\":[],\"usage\":{\"prompt_tokens\":8,\"total_tokens\":12,"
        + "\"completion_tokens\":4}}\n\ndata: [DONE]\n\n"), s.raw());
    for (int i = 0; i < chunks.size() - 1; i++) {
      assertFalse(chunks.get(i).containsKey("usage"), "usage only at the end without continuous_usage_stats");
    }
  }

  @Test
  void continuousUsageStatsPutsUsageOnEveryChunk() throws Exception {
    SimClient client = client(start(FAST));
    SimClient.Stream s = await(client.stream("/v1/chat/completions", chat("one two three")
        .put("max_tokens", 3).put("stream", true)
        .put("stream_options", new JsonObject().put("include_usage", true).put("continuous_usage_stats", true))));

    List<JsonObject> chunks = s.chunks();
    assertEquals(5, chunks.size()); // role, 3 tokens, usage
    assertEquals(0, chunks.get(0).getJsonObject("usage").getInteger("completion_tokens"));
    for (int i = 1; i <= 3; i++) {
      assertEquals(i, chunks.get(i).getJsonObject("usage").getInteger("completion_tokens"));
      assertEquals(8 + i, chunks.get(i).getJsonObject("usage").getInteger("total_tokens"));
    }
  }

  @Test
  void includeUsageFalseSendsNoUsageChunk() throws Exception {
    SimClient client = client(start(FAST));
    SimClient.Stream s = await(client.stream("/v1/chat/completions", chat("hi").put("max_tokens", 2)
        .put("stream", true).put("stream_options", new JsonObject().put("include_usage", false))));
    assertFalse(s.raw().contains("usage"));
    assertEquals(4, s.events().size());
  }

  @Test
  void xRequestIdBecomesTheResponseIdAndIsEchoed() throws Exception {
    SimClient client = client(start(FAST));
    SimClient.Stream s = await(client.stream("/v1/chat/completions", chat("hi").put("max_tokens", 2)
        .put("stream", true), MultiMap.caseInsensitiveMultiMap().add("X-Request-Id", "req-42"), r -> { }));
    assertEquals("req-42", s.headers().get("X-Request-Id"));
    s.chunks().forEach(c -> assertEquals("chatcmpl-req-42", c.getString("id")));

    SimClient.Reply reply = await(client.postJson("/v1/completions", completion("hi").put("max_tokens", 1),
        MultiMap.caseInsensitiveMultiMap().add("x-request-id", "abc")));
    assertEquals("cmpl-abc", reply.json().getString("id"));
    assertEquals("abc", reply.headers().get("X-Request-Id"));
  }
}
