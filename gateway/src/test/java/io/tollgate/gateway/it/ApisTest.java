package io.tollgate.gateway.it;

import io.tollgate.gateway.config.LimitSpec;
import io.tollgate.gateway.usage.UsageEvent;
import io.tollgate.gpu.simulator.SimulatorFaults;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.tollgate.gateway.it.TestBed.MODEL;
import static io.tollgate.gateway.it.TestBed.POOLING_MODEL;
import static io.tollgate.gateway.it.TestBed.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The APIs beyond chat (Responses, Anthropic Messages, rerank, score, tokenize, model retrieval)
 * through the gateway to simulators that speak them as vLLM does: each authenticated, limited,
 * routed and accounted as chat is, with errors in its own API's shape.
 */
class ApisTest {

  private TestBed bed;

  @AfterEach
  void close() throws Exception {
    if (bed != null) {
      bed.close();
    }
  }

  private static String responses(boolean stream) {
    return new JsonObject().put("model", MODEL).put("input", "tell me about toll gates")
        .put("max_output_tokens", 6).put("stream", stream).encode();
  }

  private static String messages(boolean stream) {
    return new JsonObject().put("model", MODEL).put("max_tokens", 6).put("stream", stream)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hello")))
        .encode();
  }

  private UsageEvent lastEvent(int count) throws InterruptedException {
    List<UsageEvent> events = bed.usage.awaitEvents(count, 5_000);
    return events.get(count - 1);
  }

  @Test
  void theResponsesApiAnswersWholeAndIsAccountedFromItsUsage() throws Exception {
    bed = TestBed.builder().start();
    Http.Reply reply = Http.post(bed.client, "/v1/responses", responses(false), SECRET);
    assertEquals(200, reply.status(), reply.body().toString());
    JsonObject usage = reply.json().getJsonObject("usage");
    UsageEvent event = lastEvent(1);
    assertEquals("responses", event.endpointFamily());
    assertEquals("/v1/responses", event.endpoint());
    assertEquals(200, event.status());
    assertEquals(usage.getLong("input_tokens"), event.promptTokens());
    assertEquals(usage.getLong("output_tokens"), event.completionTokens());
    assertTrue(event.completionTokens() > 0);
  }

  @Test
  void aResponsesStreamIsPassedThroughAndAccountedFromResponseCompleted() throws Exception {
    bed = TestBed.builder().start();
    Http.Reply reply = Http.post(bed.client, "/v1/responses", responses(true), SECRET);
    assertEquals(200, reply.status());
    assertTrue(reply.header("content-type").startsWith("text/event-stream"));
    String body = reply.body().toString();
    assertTrue(body.startsWith("event: response.created\n"), body);
    assertFalse(body.contains("[DONE]"), "the Responses API has no [DONE]");
    List<String> data = reply.events();
    JsonObject completed = new JsonObject(data.get(data.size() - 1));
    assertEquals("response.completed", completed.getString("type"));
    for (int i = 0; i < data.size(); i++) {
      assertEquals(i, new JsonObject(data.get(i)).getInteger("sequence_number"), "numbered as the backend sent them");
    }
    UsageEvent event = lastEvent(1);
    JsonObject usage = completed.getJsonObject("response").getJsonObject("usage");
    assertEquals(usage.getLong("input_tokens"), event.promptTokens());
    assertEquals(usage.getLong("output_tokens"), event.completionTokens());
    assertTrue(event.ttftMillis() >= 0);
    assertTrue(event.stream());
  }

  @Test
  void aResponsesStreamTheBackendCutsEndsWithResponseFailed() throws Exception {
    bed = TestBed.builder().simulators(1).start();
    bed.sim(1).faults(SimulatorFaults.none().withFailAfterTokens(2));
    Http.Reply reply = Http.post(bed.client, "/v1/responses", responses(true), SECRET);
    List<String> data = reply.events();
    JsonObject last = new JsonObject(data.get(data.size() - 1));
    assertEquals("response.failed", last.getString("type"), reply.body().toString());
    assertEquals("failed", last.getJsonObject("response").getString("status"));
    JsonObject created = new JsonObject(data.get(0)).getJsonObject("response");
    assertEquals(created.getString("id"), last.getJsonObject("response").getString("id"), "the response that was opened");
    assertEquals(data.size() - 1, last.getInteger("sequence_number"), "numbered after the last event");
    UsageEvent event = lastEvent(1);
    assertEquals("upstream_error", event.errorKind());
    assertEquals(2, event.completionTokens(), "the tokens the client was sent");
  }

  @Test
  void anthropicMessagesTakeTheKeyAsXApiKeyAndStreamTheirEventsAsSent() throws Exception {
    bed = TestBed.builder().start();
    Http.Reply whole = Http.post(bed.client, "/v1/messages", messages(false), null,
        "x-api-key", SECRET, "anthropic-version", "2023-06-01");
    assertEquals(200, whole.status(), whole.body().toString());
    assertEquals("message", whole.json().getString("type"));
    UsageEvent first = lastEvent(1);
    assertEquals("messages", first.endpointFamily());
    assertEquals(whole.json().getJsonObject("usage").getLong("output_tokens"), first.completionTokens());
    assertEquals(whole.json().getJsonObject("usage").getLong("input_tokens"), first.promptTokens());

    Http.Reply stream = Http.post(bed.client, "/v1/messages?beta=true", messages(true), SECRET);
    assertEquals(200, stream.status());
    String body = stream.body().toString();
    assertTrue(body.startsWith("event: message_start\n"), body);
    assertTrue(body.endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"), body);
    UsageEvent second = lastEvent(2);
    assertTrue(second.completionTokens() > 0);
    assertTrue(second.promptTokens() > 0);
  }

  @Test
  void errorsOnTheMessagesPathsAreInAnthropicsShape() throws Exception {
    bed = TestBed.builder().limits(new LimitSpec(1, 0, 0)).start();
    Http.Reply unauthenticated = Http.post(bed.client, "/v1/messages", messages(false), null);
    assertEquals(401, unauthenticated.status());
    assertEquals("error", unauthenticated.json().getString("type"));
    assertEquals("authentication_error", unauthenticated.json().getJsonObject("error").getString("type"));
    assertTrue(unauthenticated.json().getJsonObject("error").getString("message").contains("x-api-key"));

    Http.Reply noMaxTokens = Http.post(bed.client, "/v1/messages", new JsonObject().put("model", MODEL)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "x"))).encode(), SECRET);
    assertEquals(400, noMaxTokens.status());
    assertEquals("invalid_request_error", noMaxTokens.json().getJsonObject("error").getString("type"));

    assertEquals(200, Http.post(bed.client, "/v1/messages", messages(false), SECRET).status());
    Http.Reply limited = Http.post(bed.client, "/v1/messages", messages(false), SECRET);
    assertEquals(429, limited.status(), "one request per minute");
    assertEquals("rate_limit_error", limited.json().getJsonObject("error").getString("type"));
    assertNotNull(limited.header("retry-after"));
    for (String path : new String[] {"/v1/responses", "/v1/rerank"}) {
      String body = path.equals("/v1/rerank") ? new JsonObject().put("model", POOLING_MODEL).put("query", "q")
          .put("documents", new JsonArray().add("d")).encode() : responses(false);
      Http.Reply openAiLimited = Http.post(bed.client, path, body, SECRET);
      assertEquals(429, openAiLimited.status(), path);
      assertEquals("rate_limit_exceeded", openAiLimited.error().getString("code"), path + ": OpenAI's shape off the Messages paths");
    }
  }

  @Test
  void countTokensRerankScoreAndTokenizeReachThePoolingAndChatModels() throws Exception {
    bed = TestBed.builder().start();
    Http.Reply count = Http.post(bed.client, "/v1/messages/count_tokens", new JsonObject().put("model", MODEL)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hello"))).encode(),
        null, "x-api-key", SECRET);
    assertEquals(200, count.status(), count.body().toString());
    assertTrue(count.json().getInteger("input_tokens") > 0);

    Http.Reply rerank = Http.post(bed.client, "/v2/rerank", new JsonObject().put("model", POOLING_MODEL)
        .put("query", "toll").put("documents", new JsonArray().add("a toll gate").add("a garden gate")).encode(), SECRET);
    assertEquals(200, rerank.status(), rerank.body().toString());
    assertEquals(2, rerank.json().getJsonArray("results").size());
    UsageEvent rerankEvent = lastEvent(2);
    assertEquals("rerank", rerankEvent.endpointFamily());
    assertEquals(rerank.json().getJsonObject("usage").getLong("prompt_tokens"), rerankEvent.promptTokens());
    assertEquals(0, rerankEvent.completionTokens());

    Http.Reply score = Http.post(bed.client, "/score", new JsonObject().put("model", POOLING_MODEL)
        .put("text_1", "toll").put("text_2", new JsonArray().add("gate")).encode(), SECRET);
    assertEquals(200, score.status(), score.body().toString());

    Http.Reply tokens = Http.post(bed.client, "/tokenize", new JsonObject().put("model", MODEL)
        .put("prompt", "hello toll gate").encode(), SECRET);
    assertEquals(200, tokens.status(), tokens.body().toString());
    JsonArray ids = tokens.json().getJsonArray("tokens");
    Http.Reply text = Http.post(bed.client, "/detokenize", new JsonObject().put("model", MODEL)
        .put("tokens", ids).encode(), SECRET);
    assertEquals(200, text.status(), text.body().toString());

    Http.Reply rerankWithoutQuery = Http.post(bed.client, "/v1/rerank", new JsonObject().put("model", POOLING_MODEL)
        .put("documents", new JsonArray().add("a")).encode(), SECRET);
    assertEquals(400, rerankWithoutQuery.status());
    assertEquals("query", rerankWithoutQuery.error().getString("param"));
  }

  @Test
  void oneModelIsRetrievedByIdAndOthersAreNotFound() throws Exception {
    bed = TestBed.builder().start();
    Http.Reply model = Http.get(bed.client, "/v1/models/" + MODEL, SECRET);
    assertEquals(200, model.status());
    assertEquals(MODEL, model.json().getString("id"));
    assertEquals("model", model.json().getString("object"));
    Http.Reply forbidden = Http.get(bed.client, "/v1/models/" + TestBed.FORBIDDEN_MODEL, SECRET);
    assertEquals(404, forbidden.status());
    assertEquals("model_not_found", forbidden.error().getString("code"));
    assertEquals(404, Http.get(bed.client, "/v1/models/org%2Fnone", SECRET).status());
    assertEquals(401, Http.get(bed.client, "/v1/models/" + MODEL, null).status());
    // HEAD, as HTTP asks of every GET resource: the status and headers, no body.
    Http.Reply head = Http.send(bed.client, HttpMethod.HEAD, "/v1/models/" + MODEL, SECRET);
    assertEquals(200, head.status());
    assertEquals(0, head.body().length());
    assertEquals(200, Http.send(bed.client, HttpMethod.HEAD, "/v1/models", SECRET).status());
    assertEquals(405, Http.send(bed.client, HttpMethod.DELETE, "/v1/models/" + MODEL, SECRET).status());
  }

  @Test
  void aClientThatLeavesAResponsesOrMessagesStreamAbortsItAtTheBackend() throws Exception {
    bed = TestBed.builder().simulators(1).simulatorConfig(c -> c.withInterTokenMillis(20)).start();
    for (String[] call : new String[][] {{"/v1/responses", responses(true), "responses"},
        {"/v1/messages", messages(true), "messages"}}) {
      String body = new JsonObject(call[1]).put(call[0].contains("responses") ? "max_output_tokens" : "max_tokens", 500)
          .encode();
      Http.onContext(bed.client, () -> bed.client.request(new RequestOptions().setMethod(HttpMethod.POST)
              .setURI(call[0]).putHeader("content-type", "application/json").putHeader("authorization", "Bearer " + SECRET))
          .compose(request -> request.send(body).compose(response -> {
            io.vertx.core.Promise<Void> firstBytes = io.vertx.core.Promise.promise();
            response.handler(chunk -> {
              if (firstBytes.tryComplete()) {
                request.reset(); // the client goes away mid-stream
              }
            });
            return firstBytes.future();
          })));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (bed.sim(1).stats().endpoints().get(call[2]).aborted() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(1, bed.sim(1).stats().endpoints().get(call[2]).aborted(), call[2] + " aborted at the backend");
    }
    assertEquals("client_disconnected", lastEvent(2).errorKind());
  }

  @Test
  void storedResponsesAreReadContinuedAndCancelledOnTheBackendThatHoldsThem() throws Exception {
    bed = TestBed.builder().simulators(2).simulatorConfig(c -> c.withInterTokenMillis(2).withResponsesStore(true))
        .start();
    for (boolean stream : new boolean[] {false, true}) {
      Http.Reply created = Http.post(bed.client, "/v1/responses", responses(stream), SECRET);
      assertEquals(200, created.status(), created.body().toString());
      String id = stream ? new JsonObject(created.events().get(0)).getJsonObject("response").getString("id")
          : created.json().getString("id");
      for (int i = 0; i < 4; i++) {
        // Round the strategy as it may, only the backend that made it holds it.
        Http.Reply read = Http.get(bed.client, "/v1/responses/" + id, SECRET);
        assertEquals(200, read.status(), read.body().toString());
        assertEquals(id, read.json().getString("id"));
      }
      String next = new JsonObject(responses(false)).put("previous_response_id", id).encode();
      Http.Reply continued = Http.post(bed.client, "/v1/responses", next, SECRET);
      assertEquals(200, continued.status(), continued.body().toString());
      Http.Reply cancel = Http.post(bed.client, "/v1/responses/" + id + "/cancel", "", SECRET);
      assertEquals(400, cancel.status(), "vLLM's answer for a response that is not a background one: " + cancel.body());
    }
    Http.Reply unknown = Http.get(bed.client, "/v1/responses/resp_nobody", SECRET);
    assertEquals(404, unknown.status());
    assertEquals("response_id", unknown.error().getString("param"));
    Http.Reply unknownPrevious = Http.post(bed.client, "/v1/responses",
        new JsonObject(responses(false)).put("previous_response_id", "resp_nobody").encode(), SECRET);
    assertEquals(404, unknownPrevious.status());
    assertEquals("previous_response_id", unknownPrevious.error().getString("param"));
    UsageEvent read = bed.usage.events().stream().filter(e -> e.endpoint().equals("/v1/responses/{id}"))
        .findFirst().orElseThrow();
    assertEquals(0, read.completionTokens(), "reading a stored response back is not charged again");
    assertEquals("responses", read.endpointFamily());
  }

  private static io.vertx.core.buffer.Buffer upload(String model, boolean stream, int audioBytes) {
    String boundary = "tollgate-test-boundary";
    io.vertx.core.buffer.Buffer body = io.vertx.core.buffer.Buffer.buffer();
    if (model != null) {
      body.appendString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n" + model + "\r\n");
    }
    if (stream) {
      body.appendString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"stream\"\r\n\r\ntrue\r\n");
    }
    body.appendString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
        + "Content-Type: audio/wav\r\n\r\n").appendBytes(new byte[audioBytes]).appendString("\r\n--" + boundary + "--\r\n");
    return body;
  }

  private Http.Reply sendUpload(io.vertx.core.buffer.Buffer body) throws Exception {
    return Http.onContext(bed.client, () -> bed.client.request(new RequestOptions().setMethod(HttpMethod.POST)
            .setURI("/v1/audio/transcriptions").putHeader("authorization", "Bearer " + SECRET)
            .putHeader("content-type", "multipart/form-data; boundary=tollgate-test-boundary"))
        .compose(request -> request.send(body)
            .compose(response -> response.body().map(b -> new Http.Reply(response.statusCode(), response.headers(), b)))));
  }

  @Test
  void speechToTextUploadsAreRoutedByTheirFormsModelAndAccountedInSeconds() throws Exception {
    bed = TestBed.builder().start();
    Http.Reply whole = sendUpload(upload(TestBed.TRANSCRIPTION_MODEL, false, 64_000));
    assertEquals(200, whole.status(), whole.body().toString());
    assertNotNull(whole.json().getString("text"));
    UsageEvent event = lastEvent(1);
    assertEquals("audio", event.endpointFamily());
    assertEquals(whole.json().getJsonObject("usage").getDouble("seconds"), event.audioSeconds());
    assertTrue(event.audioSeconds() > 0);

    Http.Reply stream = sendUpload(upload(TestBed.TRANSCRIPTION_MODEL, true, 64_000));
    assertEquals(200, stream.status(), stream.body().toString());
    List<String> data = stream.events();
    assertEquals("[DONE]", data.get(data.size() - 1));
    assertTrue(data.stream().noneMatch(d -> d.contains("\"usage\"")),
        "the usage chunk the gateway asked for is not passed to a client that did not");
    assertTrue(lastEvent(2).completionTokens() > 0, "taken from that usage chunk");

    Http.Reply noModel = sendUpload(upload(null, false, 1_000));
    assertEquals(400, noModel.status());
    assertEquals("model", noModel.error().getString("param"));
    Http.Reply notAForm = Http.post(bed.client, "/v1/audio/transcriptions", "{\"model\":\"whisper\"}", SECRET);
    assertEquals(400, notAForm.status());
  }

  @Test
  void inPlatformModeAStoredResponseCreatedOnOneReplicaIsFoundFromAnother() throws Exception {
    String prefix = io.tollgate.gateway.testsupport.LocalRedis.newPrefix();
    bed = TestBed.builder().simulators(2).simulatorConfig(c -> c.withInterTokenMillis(2).withResponsesStore(true))
        .platform(new io.tollgate.gateway.config.PlatformSettings(io.tollgate.gateway.testsupport.LocalRedis.settings(
            io.tollgate.gateway.testsupport.LocalRedis.URL, prefix,
            io.tollgate.gateway.config.RedisSettings.FailPolicy.CLOSED, 2), null))
        .start();
    io.vertx.core.http.HttpClient second = bed.clientOf(bed.addReplica());
    Http.Reply created = Http.post(bed.client, "/v1/responses", responses(false), SECRET);
    assertEquals(200, created.status(), created.body().toString());
    String id = created.json().getString("id");
    String creator = created.header("x-tollgate-backend");
    for (int i = 0; i < 3; i++) {
      Http.Reply read = Http.get(second, "/v1/responses/" + id, SECRET);
      assertEquals(200, read.status(), "the other replica finds the backend through Redis: " + read.body());
      assertEquals(creator, read.header("x-tollgate-backend"));
    }
    Http.Reply continued = Http.post(second, "/v1/responses",
        new JsonObject(responses(false)).put("previous_response_id", id).encode(), SECRET);
    assertEquals(200, continued.status(), continued.body().toString());
    assertEquals(creator, continued.header("x-tollgate-backend"));
  }

  @Test
  void anUploadWhoseBackendRefusesTheConnectionIsSentToAnotherWhole() throws Exception {
    // Its file streams from the client's socket once the connection is there; until then nothing of it
    // was read, and a backend that refuses the connection is no reason to refuse the upload.
    bed = TestBed.builder().start();
    TestBed.await(bed.sim(1).close());
    for (int sent = 0; sent < 20 && bed.gateway.services().backends().retriesAllowed() == 0; sent++) {
      Http.Reply reply = sendUpload(upload(TestBed.TRANSCRIPTION_MODEL, false, 16_000));
      assertEquals(200, reply.status(), reply.body().toString());
      assertEquals("sim-2", reply.header("x-tollgate-backend"));
    }
    assertTrue(bed.gateway.services().backends().retriesAllowed() >= 1, "some upload was offered to sim-1 first");
  }

  @Test
  void anUploadWhoseFileComesFirstIsReadWholeAndOneOverTheLimitIsRefusedOnItsWay() throws Exception {
    bed = TestBed.builder().start();
    String boundary = "tollgate-test-boundary";
    io.vertx.core.buffer.Buffer fileFirst = io.vertx.core.buffer.Buffer.buffer()
        .appendString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
            + "Content-Type: audio/wav\r\n\r\n").appendBytes(new byte[32_000])
        .appendString("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n"
            + TestBed.TRANSCRIPTION_MODEL + "\r\n--" + boundary + "--\r\n");
    Http.Reply whole = sendUpload(fileFirst);
    assertEquals(200, whole.status(), "as Node's SDK orders the form (file first): " + whole.body());

    // 26 MB, chunked (no Content-Length to refuse it by): refused once past 25 MB on its way to the backend.
    io.vertx.core.buffer.Buffer tooLarge = upload(TestBed.TRANSCRIPTION_MODEL, false, 26 * 1024 * 1024);
    Http.Reply refused = Http.onContext(bed.client, () -> bed.client.request(new RequestOptions()
            .setMethod(HttpMethod.POST).setURI("/v1/audio/transcriptions").putHeader("authorization", "Bearer " + SECRET)
            .putHeader("content-type", "multipart/form-data; boundary=" + boundary))
        .compose(request -> {
          request.setChunked(true);
          return request.send(tooLarge).compose(response -> response.body()
              .map(b -> new Http.Reply(response.statusCode(), response.headers(), b)));
        }));
    assertEquals(413, refused.status(), refused.body().toString());
    assertEquals("request_too_large", refused.error().getString("code"));
  }

  @Test
  void aMessagesStreamTheBackendFailsEndsWithOneErrorEventAndIsAccountedAsFailed() throws Exception {
    bed = TestBed.builder().simulators(1).start();
    bed.sim(1).faults(SimulatorFaults.none().withFailAfterTokens(2));
    Http.Reply reply = Http.post(bed.client, "/v1/messages", messages(true), SECRET);
    String body = reply.body().toString();
    assertEquals(1, body.split("event: error\n", -1).length - 1, "one error event, the backend's: " + body);
    assertFalse(body.contains("message_stop"));
    UsageEvent event = lastEvent(1);
    assertNotNull(event.errorKind(), "a stream that failed is not a success");
    assertEquals(2, event.completionTokens(), "the tokens the client was sent");
  }
}
