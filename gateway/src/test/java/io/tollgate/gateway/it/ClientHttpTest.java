package io.tollgate.gateway.it;

import io.tollgate.gateway.config.CorsSettings;
import io.tollgate.gateway.config.LimitSpec;
import io.tollgate.gateway.usage.UsageEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import static io.tollgate.gateway.it.TestBed.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTP as clients really send it: HTTP/2, compressed bodies, browsers, SDK retry hints, saturated backends. */
class ClientHttpTest {

  private TestBed bed;

  @AfterEach
  void close() throws Exception {
    if (bed != null) {
      bed.close();
    }
  }

  private static byte[] gzip(byte[] plain) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(plain);
    }
    return out.toByteArray();
  }

  private static byte[] deflate(byte[] plain) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream zip = new DeflaterOutputStream(out)) {
      zip.write(plain);
    }
    return out.toByteArray();
  }

  private Http.Reply send(HttpClient client, HttpMethod method, String path, Buffer body, String... headers)
      throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      options.putHeader(headers[i], headers[i + 1]);
    }
    return Http.onContext(client, () -> client.request(options)
        .compose(request -> (body == null ? request.send() : request.send(body))
            .compose(response -> response.body().map(b -> new Http.Reply(response.statusCode(), response.headers(), b)))));
  }

  @Test
  void gzipAndDeflateBodiesAreInflatedAndABombIsRefusedAtTheLimit() throws Exception {
    bed = TestBed.builder().start();
    byte[] chat = Http.chat(4, false).getBytes();
    assertEquals(200, send(bed.client, HttpMethod.POST, "/v1/chat/completions", Buffer.buffer(gzip(chat)),
        "authorization", "Bearer " + SECRET, "content-type", "application/json", "content-encoding", "gzip").status());
    assertEquals(200, send(bed.client, HttpMethod.POST, "/v1/chat/completions", Buffer.buffer(deflate(chat)),
        "authorization", "Bearer " + SECRET, "content-type", "application/json", "content-encoding", "deflate").status());
    // 64 KiB is the bed's limit; this inflates to 50 MB from about 50 KB.
    byte[] spaces = new byte[50 * 1024 * 1024];
    java.util.Arrays.fill(spaces, (byte) ' ');
    byte[] bomb = gzip(spaces);
    assertTrue(bomb.length < 64 * 1024, "the bomb itself is under the limit: " + bomb.length);
    Http.Reply refused = send(bed.client, HttpMethod.POST, "/v1/chat/completions", Buffer.buffer(bomb),
        "authorization", "Bearer " + SECRET, "content-type", "application/json", "content-encoding", "gzip");
    assertEquals(413, refused.status());
    assertEquals("request_too_large", refused.error().getString("code"));
    Http.Reply corrupt = send(bed.client, HttpMethod.POST, "/v1/chat/completions", Buffer.buffer("not gzip at all"),
        "authorization", "Bearer " + SECRET, "content-type", "application/json", "content-encoding", "gzip");
    assertEquals(400, corrupt.status());
    Http.Reply unknown = send(bed.client, HttpMethod.POST, "/v1/chat/completions", Buffer.buffer(chat),
        "authorization", "Bearer " + SECRET, "content-type", "application/json", "content-encoding", "br");
    assertEquals(415, unknown.status());
  }

  @Test
  void compressedBodiesAreRefusedWith415WhenDecompressionIsOff() throws Exception {
    bed = TestBed.builder().decompressRequests(false).start();
    Http.Reply refused = send(bed.client, HttpMethod.POST, "/v1/chat/completions",
        Buffer.buffer(gzip(Http.chat(4, false).getBytes())),
        "authorization", "Bearer " + SECRET, "content-type", "application/json", "content-encoding", "gzip");
    assertEquals(415, refused.status());
    assertEquals("unsupported_content_encoding", refused.error().getString("code"));
  }

  @Test
  void browsersGetPreflightsAnsweredForAllowedOriginsOnly() throws Exception {
    bed = TestBed.builder().cors(new CorsSettings(List.of("https://app.example.com"), CorsSettings.DEFAULT_METHODS,
        CorsSettings.DEFAULT_HEADERS, CorsSettings.DEFAULT_EXPOSED, 600)).start();
    Http.Reply preflight = send(bed.client, HttpMethod.OPTIONS, "/v1/chat/completions", null,
        "origin", "https://app.example.com", "access-control-request-method", "POST",
        "access-control-request-headers", "authorization, content-type, x-stainless-os");
    assertEquals(204, preflight.status());
    assertEquals("https://app.example.com", preflight.header("access-control-allow-origin"));
    assertEquals("authorization, content-type, x-stainless-os", preflight.header("access-control-allow-headers"));
    assertTrue(preflight.header("access-control-allow-methods").contains("POST"));

    Http.Reply stranger = send(bed.client, HttpMethod.OPTIONS, "/v1/chat/completions", null,
        "origin", "https://evil.example.com", "access-control-request-method", "POST");
    assertNull(stranger.header("access-control-allow-origin"), "no grant for an origin not listed");

    Http.Reply actual = send(bed.client, HttpMethod.POST, "/v1/chat/completions", Buffer.buffer(Http.chat(4, false)),
        "origin", "https://app.example.com", "authorization", "Bearer " + SECRET, "content-type", "application/json");
    assertEquals(200, actual.status());
    assertEquals("https://app.example.com", actual.header("access-control-allow-origin"));
    assertTrue(actual.header("access-control-expose-headers").contains("x-request-id"));
  }

  @Test
  void withoutCorsConfiguredNothingIsGranted() throws Exception {
    bed = TestBed.builder().start();
    Http.Reply preflight = send(bed.client, HttpMethod.OPTIONS, "/v1/chat/completions", null,
        "origin", "https://app.example.com", "access-control-request-method", "POST");
    assertEquals(405, preflight.status(), "an OPTIONS like any other method the API does not take");
    assertNull(preflight.header("access-control-allow-origin"));
  }

  @Test
  void aRequestThatCanNeverFitItsTokenLimitTellsSdksNotToRetry() throws Exception {
    bed = TestBed.builder().limits(new LimitSpec(0, 100, 0)).start();
    Http.Reply refused = Http.post(bed.client, "/v1/chat/completions", Http.chat(5_000, false), SECRET);
    assertEquals(429, refused.status());
    assertEquals("false", refused.header("x-should-retry"));
    assertNull(refused.header("retry-after"));
    Http.Reply fits = Http.post(bed.client, "/v1/chat/completions", Http.chat(20, false), SECRET);
    assertEquals(200, fits.status());
    assertNull(fits.header("x-should-retry"));
  }

  @Test
  void aBackendAtItsQueueCapIsRetriedElsewhereAndOtherwiseAnswers503WithRetryAfter() throws Exception {
    // Each simulator runs one sequence and queues one: with two long requests sent to it directly,
    // it refuses the next with 503 before any byte, as vLLM with --max-num-queued-reqs does.
    // Round-robin: load-aware routing would see simulator 1's queue in its metrics and not try it at all.
    bed = TestBed.builder().simulators(2)
        .simulatorConfig(c -> c.withInterTokenMillis(5).withMaxNumSeqs(1).withMaxNumQueuedReqs(1))
        .route(r -> r.withStrategy(io.tollgate.gateway.config.ModelRoute.Strategy.of(
            io.tollgate.gateway.config.ModelRoute.Strategy.Kind.ROUND_ROBIN)))
        .start();
    HttpClient direct = bed.vertx.createHttpClient();
    fill(direct, 1);
    for (int i = 0; i < 4; i++) {
      Http.Reply reply = Http.post(bed.client, "/v1/chat/completions", Http.chat(4, false), SECRET);
      assertEquals(200, reply.status(), "a refusal before any byte goes to the other backend: " + reply.body());
    }
    assertTrue(bed.sim(1).stats().admissionRejections() > 0, "simulator 1 refused at its cap and was retried past");
    fill(direct, 2);
    Http.Reply refused = Http.post(bed.client, "/v1/chat/completions", Http.chat(4, false), SECRET);
    assertEquals(503, refused.status(), refused.body().toString());
    assertEquals("backend_overloaded", refused.error().getString("code"));
    assertEquals("1", refused.header("retry-after"));
    assertEquals("backend_overloaded", bed.usage.awaitEvents(5, 5_000).get(4).errorKind());
  }

  /** Two long generations straight to a simulator: its one running slot and its one queue place taken. */
  private void fill(HttpClient direct, int simulator) throws Exception {
    java.net.URI base = java.net.URI.create(bed.sim(simulator).baseUrl());
    for (int i = 0; i < 2; i++) {
      direct.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(base.getHost()).setPort(base.getPort())
              .setURI("/v1/chat/completions").putHeader("content-type", "application/json"))
          .compose(request -> request.send(Http.chat(1_000, false)));
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    while ((bed.sim(simulator).stats().running() < 1 || bed.sim(simulator).stats().waiting() < 1)
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(bed.sim(simulator).stats().running() >= 1 && bed.sim(simulator).stats().waiting() >= 1,
        "simulator " + simulator + " full: " + bed.sim(simulator).stats());
  }

  @Test
  void backendsThatDemandAKeyGetTheGatewaysAsBearerNeverTheClients() throws Exception {
    bed = TestBed.builder().simulators(1).simulatorConfig(c -> c.withInterTokenMillis(1).withApiKey("vllm-secret"))
        .upstreamApiKey("vllm-secret").start();
    Http.Reply chat = Http.post(bed.client, "/v1/chat/completions", Http.chat(4, false), SECRET);
    assertEquals(200, chat.status(), chat.body().toString());
    Http.Reply messages = Http.post(bed.client, "/v1/messages", new JsonObject().put("model", TestBed.MODEL)
        .put("max_tokens", 4).put("messages", new io.vertx.core.json.JsonArray().add(new JsonObject()
            .put("role", "user").put("content", "hi"))).encode(), null, "x-api-key", SECRET);
    assertEquals(200, messages.status(), "Anthropic's x-api-key is the client's; vLLM gets Bearer: " + messages.body());
  }

  @Test
  void aBackendThatRefusesTheGatewaysKeyIsTheDeploymentsFaultNotTheCallers() throws Exception {
    bed = TestBed.builder().simulators(1).simulatorConfig(c -> c.withInterTokenMillis(1).withApiKey("vllm-secret"))
        .start();
    Http.Reply refused = Http.post(bed.client, "/v1/chat/completions", Http.chat(4, false), SECRET);
    assertEquals(502, refused.status(), "not a 401 the caller would take for their own key: " + refused.body());
  }
}
