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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResponsesTest extends SimulatorTestBase {

  static JsonObject responses(String input) {
    return new JsonObject().put("model", "demo-llama").put("input", input);
  }

  @Test
  void nonStreamResponseHasVllmShapeAndUsage() throws Exception {
    SimClient client = client(start(FAST));
    SimClient.Reply reply = await(client.postJson("/v1/responses", responses("hello there")
        .put("max_output_tokens", 5)));
    assertEquals(200, reply.status());
    JsonObject body = reply.json();
    assertTrue(body.getString("id").startsWith("resp_"));
    assertEquals("response", body.getString("object"));
    assertEquals("demo-llama", body.getString("model"));
    assertEquals("incomplete", body.getString("status"), "stopped by max_output_tokens");
    assertEquals("max_output_tokens", body.getJsonObject("incomplete_details").getString("reason"));
    assertEquals(5, body.getInteger("max_output_tokens"));
    assertTrue(body.containsKey("previous_response_id") && body.getValue("previous_response_id") == null);
    JsonObject item = body.getJsonArray("output").getJsonObject(0);
    assertEquals("message", item.getString("type"));
    assertEquals("assistant", item.getString("role"));
    assertTrue(item.getString("id").startsWith("msg_"));
    JsonObject part = item.getJsonArray("content").getJsonObject(0);
    assertEquals("output_text", part.getString("type"));
    assertEquals(5, part.getString("text").split(" ").length);
    JsonObject usage = body.getJsonObject("usage");
    // <|im_start|> user hello there <|im_end|> + <|im_start|> assistant
    assertEquals(7, usage.getInteger("input_tokens"));
    assertEquals(5, usage.getInteger("output_tokens"));
    assertEquals(12, usage.getInteger("total_tokens"));
    assertEquals(0, usage.getJsonObject("input_tokens_details").getInteger("cached_tokens"));
    assertEquals(0, usage.getJsonObject("output_tokens_details").getInteger("reasoning_tokens"));

    JsonObject natural = await(client.postJson("/v1/responses", responses("hi"))).json();
    assertEquals("completed", natural.getString("status"));
    assertNull(natural.getValue("incomplete_details"));
    assertEquals(8192 - 6, natural.getInteger("max_output_tokens"), "the context room, echoed as vLLM does");
  }

  @Test
  void streamSendsEveryEventInOrderWithEventLinesAndSequenceNumbers() throws Exception {
    SimClient client = client(start(FAST));
    SimClient.Stream stream = await(client.stream("/v1/responses", responses("tell me")
        .put("max_output_tokens", 4).put("stream", true)));
    assertEquals(200, stream.status());
    assertTrue(stream.headers().get("content-type").startsWith("text/event-stream"));
    assertFalse(stream.raw().contains("[DONE]"));
    List<SimClient.TypedEvent> events = stream.typed();
    List<String> types = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      JsonObject data = events.get(i).json();
      assertEquals(events.get(i).event(), data.getString("type"), "event line = data type");
      assertEquals(i, data.getInteger("sequence_number"));
      types.add(data.getString("type"));
    }
    assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added",
        "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
        "response.output_text.delta", "response.output_text.delta", "response.output_text.done",
        "response.content_part.done", "response.output_item.done", "response.completed"), types);
    JsonObject created = events.get(0).json().getJsonObject("response");
    assertEquals("in_progress", created.getString("status"));
    assertNull(created.getValue("usage"));
    StringBuilder deltas = new StringBuilder();
    String itemId = events.get(2).json().getJsonObject("item").getString("id");
    for (SimClient.TypedEvent e : events.subList(4, 8)) {
      deltas.append(e.json().getString("delta"));
      assertEquals(itemId, e.json().getString("item_id"));
    }
    assertEquals(deltas.toString(), events.get(8).json().getString("text"));
    JsonObject completed = events.get(11).json().getJsonObject("response");
    assertEquals("incomplete", completed.getString("status"));
    assertEquals(deltas.toString(), completed.getJsonArray("output").getJsonObject(0).getJsonArray("content")
        .getJsonObject(0).getString("text"));
    JsonObject usage = completed.getJsonObject("usage");
    assertEquals(4, usage.getInteger("output_tokens"));
    assertEquals(7, usage.getInteger("input_tokens"));
    assertEquals(11, usage.getInteger("total_tokens"));
    assertEquals(created.getString("id"), completed.getString("id"));
  }

  @Test
  void storedResponsesAreReadBackAndContinuedAndUnknownIdsAre404() throws Exception {
    SimClient client = client(start(FAST));
    String longInput = words(40);
    JsonObject first = await(client.postJson("/v1/responses", responses(longInput).put("max_output_tokens", 3)))
        .json();
    SimClient.Reply read = await(client.get("/v1/responses/" + first.getString("id")));
    assertEquals(200, read.status());
    assertEquals(first, read.json());

    JsonObject next = await(client.postJson("/v1/responses", responses("and then")
        .put("previous_response_id", first.getString("id")).put("max_output_tokens", 2))).json();
    JsonObject usage = next.getJsonObject("usage");
    // the previous prompt (40 words + 3) + its answer (3 + 3) + the new input (2 + 3) + the generation prompt
    assertEquals(43 + 6 + 5 + 2, usage.getInteger("input_tokens"));
    assertTrue(usage.getJsonObject("input_tokens_details").getInteger("cached_tokens") >= 32,
        "the shared prefix came from the prefix cache: " + usage);
    assertEquals(first.getString("id"), next.getString("previous_response_id"));

    JsonObject missing = ErrorResponsesTest.assertErrorShape(await(client.get("/v1/responses/resp_nope")), 404,
        "invalid_request_error");
    assertEquals("Response with id 'resp_nope' not found.", missing.getString("message"));
    assertEquals("response_id", missing.getString("param"));
    ErrorResponsesTest.assertErrorShape(await(client.postJson("/v1/responses", responses("x")
        .put("previous_response_id", "resp_nope"))), 404, "invalid_request_error");
    ErrorResponsesTest.assertErrorShape(await(client.postJson("/v1/responses/resp_nope/cancel",
        new JsonObject())), 404, "invalid_request_error");
    ErrorResponsesTest.assertErrorShape(await(client.postJson("/v1/responses/" + first.getString("id")
        + "/cancel", new JsonObject())), 400, "invalid_request_error");

    JsonObject unstored = await(client.postJson("/v1/responses", responses("x").put("store", false))).json();
    assertEquals(404, await(client.get("/v1/responses/" + unstored.getString("id"))).status());
  }

  @Test
  void backgroundResponseRunsDetachedAndCancelAbortsIt() throws Exception {
    VllmSimulator sim = start(FAST.withInterTokenMillis(10));
    SimClient client = client(sim);
    JsonObject queued = await(client.postJson("/v1/responses", responses("work").put("background", true)
        .put("max_output_tokens", 2000))).json();
    assertEquals("queued", queued.getString("status"));
    assertTrue(queued.getBoolean("background"));
    String id = queued.getString("id");
    eventually(2_000, "generating", () -> sim.stats().generationTokens() > 2);
    assertEquals("in_progress", await(client.get("/v1/responses/" + id)).json().getString("status"));

    SimClient.Reply cancelled = await(client.postJson("/v1/responses/" + id + "/cancel", new JsonObject()));
    assertEquals(200, cancelled.status());
    assertEquals("cancelled", cancelled.json().getString("status"));
    eventually(1_000, "aborted", () -> sim.stats().aborted() == 1 && sim.stats().running() == 0);
    assertEquals(new SimulatorStats.EndpointCounts(1, 1), sim.stats().endpoint("responses"));
    assertEquals("cancelled", await(client.get("/v1/responses/" + id)).json().getString("status"));
    assertEquals(400, await(client.postJson("/v1/responses/" + id + "/cancel", new JsonObject())).status());

    JsonObject done = await(client.postJson("/v1/responses", responses("quick").put("background", true)
        .put("max_output_tokens", 2))).json();
    eventually(2_000, "background completes", () -> {
      try {
        return "incomplete".equals(await(client.get("/v1/responses/" + done.getString("id"))).json()
            .getString("status"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  void closingAStreamAbortsItAndCountsItForResponses() throws Exception {
    VllmSimulator sim = start(FAST.withInterTokenMillis(10));
    SimClient client = client(sim);
    Promise<Void> firstBytes = Promise.promise();
    HttpClientResponse response = await(client.open("/v1/responses", responses("long").put("stream", true)
        .put("max_output_tokens", 1000).encode(), "application/json", r -> r.handler(b -> firstBytes.tryComplete())));
    await(firstBytes.future());
    eventually(1_000, "running", () -> sim.stats().running() == 1);
    await(client.closeConnection(response));
    eventually(1_000, "abort counted", () -> sim.stats().endpoint("responses").aborted() == 1);
    assertEquals(1, sim.stats().aborted());
    assertEquals(0, sim.stats().running());
    assertTrue(await(client.get("/metrics")).body().contains(
        "tollgate_sim_requests_aborted_total{model_name=\"demo-llama\",engine=\"0\",endpoint=\"responses\"} 1.0"));
  }

  @Test
  void aGenerationFailureCutsTheStreamWithoutATerminalEvent() throws Exception {
    VllmSimulator sim = start(FAST);
    sim.faults(SimulatorFaults.none().withFailAfterTokens(2));
    SimClient client = client(sim);
    StringBuilder seen = new StringBuilder();
    Promise<Void> ended = Promise.promise();
    await(client.open("/v1/responses", responses("x").put("stream", true).put("max_output_tokens", 10).encode(),
        "application/json", r -> {
          r.handler(b -> seen.append(b.toString()));
          r.exceptionHandler(ended::tryFail);
          r.endHandler(v -> ended.tryComplete());
        }));
    Throwable failure = await(ended.future().transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())));
    assertTrue(failure != null, "the stream does not end cleanly");
    assertTrue(seen.toString().contains("response.output_text.delta"));
    assertFalse(seen.toString().contains("response.completed"));
  }

  @Test
  void withTheFailedEventAGenerationFailureEndsWithResponseFailed() throws Exception {
    VllmSimulator sim = start(FAST.withResponsesFailedEvent(true));
    sim.faults(SimulatorFaults.none().withFailAfterTokens(2));
    SimClient.Stream stream = await(client(sim).stream("/v1/responses", responses("x").put("stream", true)
        .put("max_output_tokens", 10)));
    List<SimClient.TypedEvent> events = stream.typed();
    SimClient.TypedEvent last = events.get(events.size() - 1);
    assertEquals("response.failed", last.event());
    JsonObject failed = last.json().getJsonObject("response");
    assertEquals("failed", failed.getString("status"));
    assertEquals("server_error", failed.getJsonObject("error").getString("code"));
    assertEquals(events.size() - 1, last.json().getInteger("sequence_number"));
  }

  @Test
  void badRequestsAndDisabledStore() throws Exception {
    SimClient client = client(start(FAST.withMaxModelLen(20)));
    ErrorResponsesTest.assertErrorShape(await(client.postJson("/v1/responses", new JsonObject())), 400,
        "BadRequestError");
    ErrorResponsesTest.assertErrorShape(await(client.postJson("/v1/responses", responses("x")
        .put("prompt", new JsonObject().put("id", "p")))), 400, "BadRequestError");
    JsonObject tooLong = ErrorResponsesTest.assertErrorShape(await(client.postJson("/v1/responses",
        responses(words(30)))), 400, "invalid_request_error");
    assertEquals("input", tooLong.getString("param"));
    ErrorResponsesTest.assertErrorShape(await(client.postJson("/v1/responses", responses("x")
        .put("model", "nope"))), 404, "NotFoundError");
    JsonObject list = await(client.postJson("/v1/responses", new JsonObject().put("input", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "input_text").put("text", "two words"))))
        .add(new JsonObject().put("type", "function_call_output").put("call_id", "c").put("output", "ok")))
        .put("max_output_tokens", 1))).json();
    assertEquals(5 + 4 + 2, list.getJsonObject("usage").getInteger("input_tokens"));

    SimClient off = client(start(FAST.withResponsesStore(false)));
    JsonObject unstored = await(off.postJson("/v1/responses", responses("x").put("max_output_tokens", 1))).json();
    assertEquals(404, await(off.get("/v1/responses/" + unstored.getString("id"))).status());
    JsonObject background = ErrorResponsesTest.assertErrorShape(await(off.postJson("/v1/responses",
        responses("x").put("background", true))), 400, "invalid_request_error");
    assertEquals("background", background.getString("param"));
  }
}
