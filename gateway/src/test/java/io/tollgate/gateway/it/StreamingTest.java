package io.tollgate.gateway.it;

import io.tollgate.gateway.usage.UsageEvent;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tollgate.gateway.it.TestBed.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The happy paths a client relies on: streaming, usage, ids, non-streaming, models. */
class StreamingTest {

  private TestBed bed;

  @BeforeEach
  void start() throws Exception {
    bed = TestBed.builder().start();
  }

  @AfterEach
  void stop() throws Exception {
    bed.close();
  }

  @Test
  void streamsTokensAndStripsTheUsageChunkTheClientDidNotAskFor() throws Exception {
    Http.Reply reply = Http.post(bed.client, "/v1/chat/completions", Http.chat(20, true), SECRET);
    assertEquals(200, reply.status());
    assertTrue(reply.header("content-type").startsWith("text/event-stream"));
    List<String> events = reply.events();
    assertEquals("[DONE]", events.get(events.size() - 1));
    long tokenChunks = reply.tokenEvents();
    assertEquals(20, tokenChunks, "one chunk per token, the role rides on the first");
    assertTrue(events.stream().noneMatch(e -> e.contains("\"usage\":{")), "usage chunk stripped: " + events);

    UsageEvent usage = bed.usage.awaitEvents(1, 2_000).get(0);
    assertEquals(20, usage.completionTokens(), "tokens accounted from the upstream usage chunk");
    assertTrue(usage.promptTokens() > 0);
    assertEquals(200, usage.status());
    assertNull(usage.errorKind());
    assertTrue(usage.ttftMillis() > 0 && usage.ttftMillis() <= usage.latencyMillis());
    assertEquals(TestBed.KEY_ID, usage.keyId());
    assertEquals(TestBed.ORG, usage.orgId());
    assertTrue(usage.backendId().startsWith("sim-"));
    assertEquals((usage.promptTokens() * 1.0 + usage.completionTokens() * 2.0) / 1e6, usage.costUsd(), 1e-12);
  }

  @Test
  void forwardsTheUsageChunkWhenAsked() throws Exception {
    Http.Reply reply = Http.post(bed.client, "/v1/chat/completions", Http.chat(5, true, true), SECRET);
    List<String> events = reply.events();
    JsonObject usageChunk = new JsonObject(events.get(events.size() - 2));
    assertTrue(usageChunk.getJsonArray("choices").isEmpty());
    assertEquals(5, usageChunk.getJsonObject("usage").getInteger("completion_tokens"));
  }

  @Test
  void acceptsEchoesAndForwardsTheRequestId() throws Exception {
    Http.Reply reply = Http.post(bed.client, "/v1/chat/completions", Http.chat(3, true), SECRET,
        "x-request-id", "req-12345");
    assertEquals("req-12345", reply.header("x-request-id"));
    JsonObject first = new JsonObject(reply.events().get(0));
    assertEquals("chatcmpl-req-12345", first.getString("id"), "the backend saw our request id");

    Http.Reply generated = Http.post(bed.client, "/v1/chat/completions", Http.chat(3, false), SECRET);
    assertNotNull(generated.header("x-request-id"));
    assertEquals(generated.header("x-request-id"), bed.usage.awaitEvents(2, 2_000).get(1).requestId());
  }

  @Test
  void withoutTracingTheClientsTraceContextReachesTheBackendUnchanged() throws Exception {
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    Http.post(bed.client, "/v1/chat/completions", Http.chat(2, true), SECRET, "traceparent", traceparent);
    String seen = bed.sim(1).lastTraceparent() != null ? bed.sim(1).lastTraceparent() : bed.sim(2).lastTraceparent();
    assertEquals(traceparent, seen);
  }

  @Test
  void nonStreamingChatCompletionAndEmbeddings() throws Exception {
    Http.Reply chat = Http.post(bed.client, "/v1/chat/completions", Http.chat(7, false), SECRET);
    assertEquals(200, chat.status());
    assertEquals("chat.completion", chat.json().getString("object"));
    assertEquals(7, chat.json().getJsonObject("usage").getInteger("completion_tokens"));

    Http.Reply completion = Http.post(bed.client, "/v1/completions",
        "{\"model\":\"m\",\"prompt\":\"once upon a time\",\"max_tokens\":4}", SECRET);
    assertEquals(200, completion.status());
    assertEquals("text_completion", completion.json().getString("object"));

    Http.Reply streamedCompletion = Http.post(bed.client, "/v1/completions",
        "{\"model\":\"m\",\"prompt\":\"once upon a time\",\"max_tokens\":4,\"stream\":true}", SECRET);
    assertEquals(4, streamedCompletion.tokenEvents());

    Http.Reply embeddings = Http.post(bed.client, "/v1/embeddings", "{\"model\":\"m\",\"input\":[\"a b\",\"c\"]}", SECRET);
    assertEquals(200, embeddings.status());
    assertEquals(2, embeddings.json().getJsonArray("data").size());

    List<UsageEvent> events = bed.usage.awaitEvents(4, 2_000);
    assertEquals(7, events.get(0).completionTokens());
    assertEquals(4, events.get(2).completionTokens());
    assertTrue(events.get(3).promptTokens() > 0, "embeddings usage counted");
  }

  @Test
  void listsTheModelsTheKeyMayUse() throws Exception {
    Http.Reply reply = Http.get(bed.client, "/v1/models", SECRET);
    assertEquals(200, reply.status());
    assertEquals("list", reply.json().getString("object"));
    assertEquals(3, reply.json().getJsonArray("data").size());
    assertEquals(TestBed.MODEL, reply.json().getJsonArray("data").getJsonObject(0).getString("id"));
    assertEquals(TestBed.POOLING_MODEL, reply.json().getJsonArray("data").getJsonObject(1).getString("id"));
    assertEquals(TestBed.TRANSCRIPTION_MODEL, reply.json().getJsonArray("data").getJsonObject(2).getString("id"));
    assertEquals(401, Http.get(bed.client, "/v1/models", null).status());
  }

  @Test
  void healthAndReadiness() throws Exception {
    assertEquals(200, Http.get(bed.client, "/healthz", null).status());
    Http.Reply ready = Http.get(bed.client, "/readyz", null);
    assertEquals(200, ready.status());
    assertEquals(1, ready.json().getInteger("config_version"));
  }

  @Test
  void spreadsConcurrentRequestsOverTheBackends() throws Exception {
    List<io.vertx.core.Future<Http.Reply>> replies = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      replies.add(bed.vertx.executeBlocking(() -> Http.post(bed.client, "/v1/chat/completions", Http.chat(30, true), SECRET)));
    }
    for (io.vertx.core.Future<Http.Reply> reply : replies) {
      assertEquals(200, TestBed.await(reply).status());
    }
    long onFirst = bed.usage.awaitEvents(20, 2_000).stream().filter(e -> e.backendId().equals("sim-1")).count();
    assertTrue(onFirst >= 5 && onFirst <= 15, "least-in-flight spreads the load: " + onFirst + " of 20 on sim-1");
    assertFalse(bed.usage.events().stream().anyMatch(e -> e.status() != 200));
  }
}
