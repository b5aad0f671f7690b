package io.tollgate.gpu.simulator;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.tollgate.gpu.simulator.SimClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChoicesAndQueueCapsTest extends SimulatorTestBase {

  @Test
  void chatWithNChoicesHasIndexedDifferentChoicesAndSummedUsage() throws Exception {
    SimClient client = client(start(FAST));
    JsonObject body = await(client.postJson("/v1/chat/completions", chat("hello there").put("n", 3)
        .put("max_tokens", 6))).json();
    JsonArray choices = body.getJsonArray("choices");
    assertEquals(3, choices.size());
    Set<String> texts = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      assertEquals(i, choices.getJsonObject(i).getInteger("index"));
      texts.add(choices.getJsonObject(i).getJsonObject("message").getString("content"));
    }
    assertEquals(3, texts.size(), "each sample draws its own text");
    JsonObject usage = body.getJsonObject("usage");
    assertEquals(7, usage.getInteger("prompt_tokens"), "the prompt counts once");
    assertEquals(18, usage.getInteger("completion_tokens"));
    assertEquals(25, usage.getInteger("total_tokens"));
  }

  @Test
  void streamedChoicesInterleaveWithARoleChunkEachAndOneUsageChunk() throws Exception {
    SimClient client = client(start(FAST));
    SimClient.Stream stream = await(client.stream("/v1/chat/completions", chat("hi").put("n", 2)
        .put("max_tokens", 4).put("stream", true).put("stream_options", new JsonObject().put("include_usage", true))));
    int[] roles = new int[2];
    int[] tokens = new int[2];
    int[] finishes = new int[2];
    List<Integer> order = new java.util.ArrayList<>();
    JsonObject usage = null;
    for (JsonObject chunk : stream.chunks()) {
      JsonArray choices = chunk.getJsonArray("choices");
      if (choices.isEmpty()) {
        usage = chunk.getJsonObject("usage");
        continue;
      }
      assertEquals(1, choices.size());
      JsonObject choice = choices.getJsonObject(0);
      int index = choice.getInteger("index");
      order.add(index);
      if (choice.getJsonObject("delta").containsKey("role")) {
        roles[index]++;
      } else {
        tokens[index]++;
      }
      if (choice.getString("finish_reason") != null) {
        finishes[index]++;
      }
    }
    assertEquals(List.of(1, 1), List.of(roles[0], roles[1]));
    assertEquals(List.of(4, 4), List.of(tokens[0], tokens[1]));
    assertEquals(List.of(1, 1), List.of(finishes[0], finishes[1]));
    assertTrue(order.indexOf(1) < order.lastIndexOf(0), "interleaved, not one choice after the other: " + order);
    assertEquals(new JsonObject().put("prompt_tokens", 6).put("total_tokens", 14).put("completion_tokens", 8),
        usage);
  }

  @Test
  void completionsWithSeveralPromptsAndNIndexPromptTimesN() throws Exception {
    SimClient client = client(start(FAST));
    JsonObject body = await(client.postJson("/v1/completions", new JsonObject().put("model", "demo-llama")
        .put("prompt", new JsonArray().add("one two").add("three")).put("n", 2).put("max_tokens", 2))).json();
    JsonArray choices = body.getJsonArray("choices");
    assertEquals(4, choices.size());
    for (int i = 0; i < 4; i++) {
      assertEquals(i, choices.getJsonObject(i).getInteger("index"));
    }
    assertEquals(new JsonObject().put("prompt_tokens", 3).put("total_tokens", 11).put("completion_tokens", 8)
        .putNull("prompt_tokens_details"), body.getJsonObject("usage"));
  }

  @Test
  void queuedRequestCapAnswers503BeforeAnyByte() throws Exception {
    VllmSimulator sim = start(FAST.withMaxNumSeqs(1).withMaxNumQueuedReqs(1).withInterTokenMillis(10));
    SimClient client = client(sim);
    Future<SimClient.Stream> running = client.stream("/v1/chat/completions", chat("first").put("max_tokens", 40)
        .put("stream", true));
    eventually(2_000, "running", () -> sim.stats().running() == 1);
    Future<SimClient.Reply> waiting = client.postJson("/v1/chat/completions", chat("second").put("max_tokens", 1));
    eventually(2_000, "one waiting", () -> sim.stats().waiting() == 1);

    SimClient.Reply refused = await(client.postJson("/v1/chat/completions", chat("third").put("stream", true)));
    JsonObject error = ErrorResponsesTest.assertErrorShape(refused, 503, "ServiceUnavailableError");
    assertTrue(error.getString("message").contains("max_num_queued_reqs=1"));
    assertTrue(refused.headers().get("content-type").startsWith("application/json"), "no stream was started");
    SimClient.Reply anthropic = await(client.postJson("/v1/messages", MessagesTest.messages("x", 2)));
    assertEquals(503, anthropic.status());
    assertEquals("error", anthropic.json().getString("type"));
    assertEquals(503, await(client.postJson("/v1/responses", ResponsesTest.responses("x"))).status());

    assertEquals(3, sim.stats().admissionRejections());
    assertTrue(await(client.get("/metrics")).body().contains("vllm:admission_rejections_total{model_name="
        + "\"demo-llama\",engine=\"0\",reason=\"max_num_queued_reqs\"} 3.0"));
    assertEquals(200, await(waiting).status());
    await(running);
    assertEquals(200, await(client.postJson("/v1/chat/completions", chat("later").put("max_tokens", 1)))
        .status(), "admitted again once the queue drained");
  }

  @Test
  void queuedTokenCapCountsWaitingPromptTokens() throws Exception {
    VllmSimulator sim = start(FAST.withMaxNumSeqs(1).withMaxNumQueuedTokens(10).withInterTokenMillis(10));
    SimClient client = client(sim);
    Future<SimClient.Stream> running = client.stream("/v1/chat/completions", chat("first").put("max_tokens", 40)
        .put("stream", true));
    eventually(2_000, "running", () -> sim.stats().running() == 1);
    Future<SimClient.Reply> waiting = client.postJson("/v1/chat/completions", chat("a b c").put("max_tokens", 1));
    eventually(2_000, "one waiting", () -> sim.stats().waiting() == 1);
    JsonObject error = ErrorResponsesTest.assertErrorShape(await(client.postJson("/v1/chat/completions",
        chat("d e f").put("max_tokens", 1))), 503, "ServiceUnavailableError");
    assertTrue(error.getString("message").contains("max_num_queued_tokens=10"), error.encode());
    assertNull(error.getValue("param"));
    assertEquals(200, await(waiting).status());
    await(running);
  }
}
