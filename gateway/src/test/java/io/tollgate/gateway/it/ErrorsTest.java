package io.tollgate.gateway.it;

import io.tollgate.gateway.config.LimitSpec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.tollgate.gateway.usage.UsageEvent;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tollgate.gateway.it.TestBed.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input gets OpenAI's error shape with the right status, and nothing is lost or leaked. */
class ErrorsTest {

  private TestBed bed;

  @AfterEach
  void stop() throws Exception {
    if (bed != null) {
      bed.close();
    }
  }

  private static void assertOpenAiError(Http.Reply reply, int status, String code) {
    assertEquals(status, reply.status(), reply.body().toString());
    assertTrue(reply.header("content-type").startsWith("application/json"));
    JsonObject error = reply.error();
    assertNotNull(error, reply.body().toString());
    assertTrue(error.containsKey("message") && error.containsKey("type") && error.containsKey("param")
        && error.containsKey("code"), "OpenAI's four fields: " + error);
    assertEquals(code, error.getString("code"), error.encode());
  }

  @Test
  void badRequests() throws Exception {
    bed = TestBed.builder().start();
    assertOpenAiError(Http.post(bed.client, "/v1/chat/completions", "{\"model\":", SECRET), 400, "invalid_json");
    assertOpenAiError(Http.post(bed.client, "/v1/chat/completions", "{\"model\":\"m\"}", SECRET), 400,
        "missing_required_parameter");
    assertOpenAiError(Http.post(bed.client, "/v1/chat/completions",
        "{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", SECRET), 404, "model_not_found");
    assertOpenAiError(Http.post(bed.client, "/v1/chat/completions", Http.chat(5, true), null), 401, "missing_api_key");
    assertOpenAiError(Http.post(bed.client, "/v1/chat/completions", Http.chat(5, true), "tg-wrong"), 401, "invalid_api_key");
    assertOpenAiError(Http.post(bed.client, "/v1/chat/completions",
        "{\"model\":\"forbidden\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", SECRET), 403, "model_not_allowed");
    assertOpenAiError(Http.get(bed.client, "/v1/chat/completions", SECRET), 405, "method_not_allowed");
    assertOpenAiError(Http.get(bed.client, "/v2/nothing", SECRET), 404, "not_found");
    // Every request to an API endpoint is usage, refused or not (zero tokens, no backend): a known
    // key's under its org, an unknown caller's anonymous (no org, no key). Unknown paths are not.
    var events = bed.usage.awaitEvents(7, 2_000);
    assertEquals(List.of(400, 400, 404, 401, 401, 403, 405), events.stream().map(e -> e.status()).toList());
    assertEquals(List.of("invalid_json", "missing_required_parameter", "model_not_found", "missing_api_key",
            "invalid_api_key", "model_not_allowed", "method_not_allowed"),
        events.stream().map(e -> e.errorKind()).toList());
    assertTrue(events.stream().allMatch(e -> e.backendId() == null && e.completionTokens() == 0
        && e.costUsd() == 0));
    assertEquals(java.util.Arrays.asList(TestBed.KEY_ID, TestBed.KEY_ID, TestBed.KEY_ID, null, null, TestBed.KEY_ID,
        null), events.stream().map(e -> e.keyId()).toList(),
        "anonymous events (no org, no key) for unknown callers; the wrong method is refused before the key is checked");
    assertEquals(null, events.get(3).orgId());
    Thread.sleep(100);
    assertEquals(7, bed.usage.events().size(), "no event for unknown paths");
  }

  @Test
  void bodyOverTheLimitIs413WithOrWithoutContentLength() throws Exception {
    bed = TestBed.builder().start();
    String huge = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(100_000) + "\"}]}";
    assertOpenAiError(Http.post(bed.client, "/v1/chat/completions", huge, SECRET), 413, "request_too_large");

    Http.Reply chunked = Http.onContext(bed.client, () -> bed.client.request(new RequestOptions().setMethod(HttpMethod.POST)
            .setURI("/v1/chat/completions").putHeader("authorization", "Bearer " + SECRET))
        .compose(request -> {
          request.setChunked(true);
          for (int i = 0; i < 20; i++) {
            request.write(Buffer.buffer("x".repeat(10_000)));
          }
          return request.end().compose(v -> request.response())
              .compose(response -> response.body().map(b -> new Http.Reply(response.statusCode(), response.headers(), b)));
        }));
    assertOpenAiError(chunked, 413, "request_too_large");
    // The gateway still serves after refusing both.
    assertEquals(200, Http.post(bed.client, "/v1/chat/completions", Http.chat(2, false), SECRET).status());
    // Each refusal is a usage event of the key, like the request served after them.
    var events = bed.usage.awaitEvents(3, 2_000);
    assertEquals(List.of(413, 413, 200), events.stream().map(e -> e.status()).toList());
    assertEquals(List.of("request_too_large", "request_too_large"),
        events.subList(0, 2).stream().map(e -> e.errorKind()).toList());
    assertTrue(events.stream().allMatch(e -> TestBed.KEY_ID.equals(e.keyId())));
  }

  @Test
  void rateLimitedWith429RetryAfterAndOpenAiHeaders() throws Exception {
    bed = TestBed.builder().limits(new LimitSpec(3, 100_000, 0)).start();
    for (int i = 0; i < 3; i++) {
      Http.Reply ok = Http.post(bed.client, "/v1/chat/completions", Http.chat(2, true), SECRET);
      assertEquals(200, ok.status());
      assertEquals("3", ok.header("x-ratelimit-limit-requests"));
      assertEquals(Integer.toString(2 - i), ok.header("x-ratelimit-remaining-requests"));
      assertEquals("100000", ok.header("x-ratelimit-limit-tokens"));
      assertNotNull(ok.header("x-ratelimit-reset-tokens"));
    }
    Http.Reply refused = Http.post(bed.client, "/v1/chat/completions", Http.chat(2, true), SECRET);
    assertOpenAiError(refused, 429, "rate_limit_exceeded");
    assertEquals("rate_limit_error", refused.error().getString("type"));
    int retryAfter = Integer.parseInt(refused.header("retry-after"));
    assertTrue(retryAfter >= 19 && retryAfter <= 21, "one request per 20 s refills: " + retryAfter);
    assertEquals("0", refused.header("x-ratelimit-remaining-requests"));
    UsageEvent refusedEvent = bed.usage.awaitEvents(4, 2_000).get(3);
    assertEquals(429, refusedEvent.status());
    assertEquals("rate_limit_exceeded", refusedEvent.errorKind());
  }

  @Test
  void tokensPerMinuteCountsMaxTokensAndConcurrencyIsCapped() throws Exception {
    bed = TestBed.builder().limits(new LimitSpec(0, 1_000, 1))
        .simulatorConfig(c -> c.withInterTokenMillis(20)).start();
    Http.Reply tooBig = Http.post(bed.client, "/v1/chat/completions", Http.chat(2_000, true), SECRET);
    assertOpenAiError(tooBig, 429, "rate_limit_exceeded");
    assertTrue(tooBig.error().getString("message").contains("Request too large"));

    io.vertx.core.Future<Http.Reply> slow = bed.vertx.executeBlocking(
        () -> Http.post(bed.client, "/v1/chat/completions", Http.chat(50, true), SECRET));
    Thread.sleep(300);
    Http.Reply second = Http.post(bed.client, "/v1/chat/completions", Http.chat(5, true), SECRET);
    assertOpenAiError(second, 429, "rate_limit_exceeded");
    assertTrue(second.error().getString("message").contains("concurrent"));
    assertEquals(200, TestBed.await(slow).status());
    assertEquals(200, Http.post(bed.client, "/v1/chat/completions", Http.chat(5, true), SECRET).status(),
        "the stream slot was freed when the first stream ended");
  }

  @Test
  void noHealthyBackendIs503() throws Exception {
    bed = TestBed.builder().start();
    TestBed.await(bed.sim(1).refuseConnections());
    TestBed.await(bed.sim(2).refuseConnections());
    Http.Reply reply = Http.post(bed.client, "/v1/chat/completions", Http.chat(5, true), SECRET);
    assertOpenAiError(reply, 503, "no_healthy_backend");
    UsageEvent event = bed.usage.awaitEvents(1, 2_000).get(0);
    assertEquals(503, event.status());
    assertEquals("no_healthy_backend", event.errorKind());
    assertEquals(0, event.completionTokens());
  }

  @Test
  void upstreamTimeoutBeforeTheFirstTokenIs504() throws Exception {
    bed = TestBed.builder().simulators(1)
        .timeouts(new io.tollgate.gateway.config.ModelRoute.RouteTimeouts(1_000, 500, 5_000)).start();
    bed.sim(1).faults(io.tollgate.gpu.simulator.SimulatorFaults.none().withStallBeforeFirstTokenMillis(5_000));
    assertOpenAiError(Http.post(bed.client, "/v1/chat/completions", Http.chat(5, true), SECRET), 504, "upstream_timeout");
    assertOpenAiError(Http.post(bed.client, "/v1/chat/completions", Http.chat(5, false), SECRET), 504, "upstream_timeout");
  }

  @Test
  void backendValidationErrorsPassThroughInOpenAiShape() throws Exception {
    bed = TestBed.builder().simulatorConfig(c -> c.withMaxModelLen(64)).start();
    Http.Reply reply = Http.post(bed.client, "/v1/chat/completions", Http.chat(1_000, true), SECRET);
    assertEquals(400, reply.status());
    assertEquals("invalid_request_error", reply.error().getString("type"));
    assertTrue(reply.error().getString("message").length() > 0);
  }
}
