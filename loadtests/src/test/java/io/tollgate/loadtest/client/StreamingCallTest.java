package io.tollgate.loadtest.client;

import io.tollgate.loadtest.client.ScriptedServer.Step;
import io.tollgate.loadtest.workload.RequestSpec;
import io.tollgate.testsupport.GuardedVertx;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One request against scripted answers: what vLLM's bench would measure, and every way it can fail. */
class StreamingCallTest {

  private static GuardedVertx guarded;
  private static ScriptedServer server;
  private static HttpClient client;
  private static Context context;

  @BeforeAll
  static void start() throws Exception {
    guarded = GuardedVertx.create();
    List<Step> stream = new ArrayList<>();
    stream.add(Step.write(0, ": keep-alive\n\n"));
    stream.add(Step.write(80, ScriptedServer.role() + ScriptedServer.token("a")));
    stream.add(Step.write(60, ScriptedServer.token("b")));
    stream.add(Step.write(60, ScriptedServer.token("c") + ScriptedServer.usage(11, 3)));
    stream.add(Step.write(40, ScriptedServer.DONE));
    stream.add(Step.end(0));
    List<Step> many = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      many.add(Step.write(0, ScriptedServer.token("t" + i)));
    }
    many.add(Step.write(0, ScriptedServer.usage(5, 10) + ScriptedServer.DONE));
    many.add(Step.end(0));
    List<Step> endless = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      endless.add(Step.write(10, ScriptedServer.token("x")));
    }
    endless.add(Step.end(0));
    server = new ScriptedServer(guarded.vertx())
        .script("/ok", stream)
        .script("/fast", many)
        .script("/endless", endless)
        .script("/error", List.of(Step.write(0, ScriptedServer.token("a")),
            Step.write(10, ScriptedServer.event("{\"error\":{\"message\":\"engine died\",\"type\":\"InternalServerError\","
                + "\"param\":null,\"code\":500}}")), Step.write(0, ScriptedServer.DONE), Step.end(0)))
        .script("/nodone", List.of(Step.write(0, ScriptedServer.token("a")), Step.end(10)))
        .script("/empty", List.of(Step.write(0, ScriptedServer.usage(1, 0) + ScriptedServer.DONE), Step.end(0)))
        .script("/nousage", List.of(Step.write(0, ScriptedServer.role() + ScriptedServer.token("a")),
            Step.write(5, ScriptedServer.token("b") + ScriptedServer.DONE), Step.end(0)))
        .handler("/limited", request -> request.response().setStatusCode(429)
            .putHeader("content-type", "application/json")
            .end("{\"error\":{\"message\":\"rate limit exceeded\",\"type\":\"rate_limit_error\",\"code\":429}}"))
        .handler("/silent", request -> { /* never answers */ });
    await(server.start());
    client = guarded.vertx().createHttpClient();
    context = guarded.vertx().getOrCreateContext();
  }

  @AfterAll
  static void stop() throws Exception {
    guarded.closeAndAssert();
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static RequestOutcome call(String prefix, ClientBehaviour behaviour) throws Exception {
    Target target = new Target("A", server.baseUrl(prefix), "sk-test");
    RequestSpec spec = new RequestSpec(null, "hello there", null, 2, 3);
    Buffer body = RequestBodies.buffer(Endpoint.CHAT, "m", spec, true);
    Promise<RequestOutcome> outcome = Promise.promise();
    context.runOnContext(v -> StreamingCall.start(guarded.vertx(), client, 0, target, Endpoint.CHAT, "req-1", body,
        spec.promptTokens(), spec.maxTokens(), behaviour).onComplete(outcome));
    return await(outcome.future());
  }

  @Test
  void measuresLikeVllmBench() throws Exception {
    RequestOutcome o = call("/ok", ClientBehaviour.normal(10_000));
    assertTrue(o.success(), () -> String.valueOf(o.failure()));
    // TTFT ends at the role chunk (the first non-empty choices), which comes with token "a" after 80 ms.
    assertTrue(o.ttftNanos() >= 75_000_000L, "ttft " + o.ttftNanos());
    // Three gaps: role→a (same buffer, ~0), a→b (~60 ms), b→c (~60 ms); the usage chunk adds none.
    assertEquals(3, o.itlCount());
    assertTrue(o.itlMicros()[0] < 20_000, "role and first token arrive together");
    assertTrue(o.itlMicros()[1] >= 50_000 && o.itlMicros()[2] >= 50_000, "gaps of ~60 ms");
    // E2EL ends at the last choice chunk ("c"), not at [DONE] 40 ms later.
    long expectedLatency = o.ttftNanos() + (o.itlMicros()[0] + o.itlMicros()[1] + o.itlMicros()[2]) * 1000;
    assertTrue(Math.abs(o.latencyNanos() - expectedLatency) < 1_000_000, "latency = ttft + sum of gaps");
    assertTrue(o.endNanos() - o.sendNanos() >= o.latencyNanos() + 30_000_000L, "[DONE] came ~40 ms later");
    assertEquals(3, o.outputTokens());
    assertTrue(o.outputFromUsage());
    assertEquals(11, o.promptTokens());
  }

  @Test
  void sendsTheBenchRequest() throws Exception {
    call("/ok", ClientBehaviour.normal(10_000));
    JsonObject body = new JsonObject(server.lastBody.get("/ok"));
    assertEquals("m", body.getString("model"));
    assertEquals(3, body.getInteger("max_completion_tokens"));
    assertTrue(body.getBoolean("stream"));
    assertTrue(body.getJsonObject("stream_options").getBoolean("include_usage"));
    assertTrue(body.getBoolean("ignore_eos"));
    assertEquals("user", body.getJsonArray("messages").getJsonObject(0).getString("role"));
    assertEquals("Bearer sk-test", server.lastHeaders.get("/ok:authorization"));
    assertEquals("req-1", server.lastHeaders.get("/ok:x-request-id"));
  }

  @Test
  void httpErrorsAreKeyedByStatus() throws Exception {
    RequestOutcome o = call("/limited", ClientBehaviour.normal(10_000));
    assertEquals("http_429", o.failure().kind());
    assertTrue(o.failure().detail().contains("rate limit exceeded"));
  }

  @Test
  void anErrorEventMidStreamIsAStreamError() throws Exception {
    RequestOutcome o = call("/error", ClientBehaviour.normal(10_000));
    assertEquals(Failure.STREAM_ERROR, o.failure().kind());
    assertEquals("engine died", o.failure().detail());
  }

  @Test
  void aStreamWithoutDoneIsIncomplete() throws Exception {
    assertEquals(Failure.INCOMPLETE, call("/nodone", ClientBehaviour.normal(10_000)).failure().kind());
  }

  @Test
  void aStreamWithoutTokensHasNoOutput() throws Exception {
    assertEquals(Failure.NO_OUTPUT, call("/empty", ClientBehaviour.normal(10_000)).failure().kind());
  }

  @Test
  void withoutUsageTheLengthIsCountedFromTextChunks() throws Exception {
    RequestOutcome o = call("/nousage", ClientBehaviour.normal(10_000));
    assertTrue(o.success());
    assertFalse(o.outputFromUsage());
    assertEquals(2, o.outputTokens(), "role chunk has no text; a and b do");
    assertEquals(2, o.promptTokens(), "planned prompt length when the server reports none");
  }

  @Test
  void timesOut() throws Exception {
    RequestOutcome o = call("/silent", ClientBehaviour.normal(300));
    assertEquals(Failure.TIMEOUT, o.failure().kind());
  }

  @Test
  void aRefusedConnectionIsAConnectFailure() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Target target = new Target("A", "http://127.0.0.1:" + closedPort, null);
    RequestSpec spec = new RequestSpec(null, "x", null, 1, 1);
    Promise<RequestOutcome> outcome = Promise.promise();
    context.runOnContext(v -> StreamingCall.start(guarded.vertx(), client, 0, target, Endpoint.CHAT, "r", 
        RequestBodies.buffer(Endpoint.CHAT, "m", spec, false), 1, 1, ClientBehaviour.normal(5_000))
        .onComplete(outcome));
    assertEquals(Failure.CONNECT, await(outcome.future()).failure().kind());
  }

  @Test
  void abortingClosesTheConnectionMidStream() throws Exception {
    int before = server.closedEarly.get();
    RequestOutcome o = call("/endless", ClientBehaviour.normal(10_000).withAbortAfterChunks(3));
    assertTrue(o.aborted());
    assertNull(o.failure());
    assertEquals(3, o.outputTokens(), "chunks seen before hanging up");
    long deadline = System.currentTimeMillis() + 5_000;
    while (server.closedEarly.get() == before && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(before + 1, server.closedEarly.get(), "the server saw the connection close before its end");
  }

  @Test
  void aSlowReaderTakesOneEventPerReadDelay() throws Exception {
    RequestOutcome o = call("/fast", new ClientBehaviour(30, -1, 10_000));
    assertTrue(o.success(), () -> String.valueOf(o.failure()));
    assertEquals(10, o.outputTokens());
    assertEquals(9, o.itlCount());
    for (int i = 0; i < o.itlCount(); i++) {
      assertTrue(o.itlMicros()[i] >= 25_000, "gap " + i + " was " + o.itlMicros()[i] + " µs");
    }
  }
}
