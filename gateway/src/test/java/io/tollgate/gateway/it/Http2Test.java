package io.tollgate.gateway.it;

import io.tollgate.frontdoor.Http2Policy;
import io.tollgate.frontdoor.TlsSettings;
import io.tollgate.frontdoor.testing.TestCertificates;
import io.tollgate.gateway.config.GatewayTls;
import io.tollgate.gateway.config.LimitSpec;
import io.tollgate.gateway.usage.UsageEvent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.tollgate.gateway.it.TestBed.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/2 through the gateway with real clients: the JDK's client (h2 over TLS by ALPN, h2c by
 * Upgrade) and Vert.x's (h2c with prior knowledge). A request that completes is accounted as
 * completed; a stream the client resets is aborted at the backend and accounted as a disconnect.
 */
class Http2Test {

  @TempDir
  Path dir;
  private TestBed bed;
  private HttpClient h2c;

  @AfterEach
  void stop() throws Exception {
    if (h2c != null) {
      h2c.close();
    }
    if (bed != null) {
      bed.close();
    }
  }

  private TestBed.Builder clearText() {
    return TestBed.builder().simulators(1).simulatorConfig(c -> c.withInterTokenMillis(2))
        .http2(Http2Policy.defaults().withClearText(true));
  }

  /** Vert.x's client speaking h2c with prior knowledge (no Upgrade): every request on one connection. */
  private HttpClient priorKnowledge() {
    h2c = bed.vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1").setDefaultPort(bed.gateway.port()));
    Http.bind(h2c, bed.vertx.getOrCreateContext());
    return h2c;
  }

  private static Http.Reply post(HttpClient client, String body) throws Exception {
    return Http.onContext(client, () -> client.request(new RequestOptions().setMethod(HttpMethod.POST)
            .setURI("/v1/chat/completions").putHeader("content-type", "application/json")
            .putHeader("authorization", "Bearer " + SECRET))
        .compose(request -> request.send(body).compose(response -> {
          if (response.version() != HttpVersion.HTTP_2) {
            return Future.failedFuture("answered over " + response.version());
          }
          return response.body().map(b -> new Http.Reply(response.statusCode(), response.headers(), b));
        })));
  }

  private static void assertCompleted(UsageEvent event) {
    assertEquals(200, event.status(), event.toString());
    assertNull(event.errorKind(), event.toString());
    assertFalse(event.clientDisconnected(), "a completed HTTP/2 request is not a disconnect: " + event);
    assertTrue(event.completionTokens() > 0, event.toString());
  }

  @Test
  void wholeAndStreamedAnswersOverPriorKnowledgeH2cAreAccountedAsCompleted() throws Exception {
    bed = clearText().start();
    HttpClient client = priorKnowledge();
    Http.Reply whole = post(client, Http.chat(4, false));
    assertEquals(200, whole.status(), whole.body().toString());
    assertTrue(whole.json().getJsonArray("choices").size() > 0);
    Http.Reply streamed = post(client, Http.chat(4, true));
    assertEquals(200, streamed.status());
    assertTrue(streamed.tokenEvents() > 0, streamed.body().toString());
    assertTrue(streamed.body().toString().contains("[DONE]"));
    List<UsageEvent> events = bed.usage.awaitEvents(2, 5_000);
    events.forEach(Http2Test::assertCompleted);
    String metrics = Http.get(bed.adminClient(), "/metrics", TestBed.ADMIN_TOKEN).body().toString();
    assertFalse(metrics.lines().anyMatch(line -> line.startsWith("tollgate_requests_total")
        && line.contains("client_disconnected")), "no disconnect counted: " + metrics.lines()
        .filter(line -> line.startsWith("tollgate_requests_total")).collect(Collectors.joining("\n")));
  }

  @Test
  void manyConcurrentStreamsOnOneConnectionAreEachAccountedOnce() throws Exception {
    bed = clearText().start();
    HttpClient client = priorKnowledge();
    int streams = 40;
    List<Future<Http.Reply>> replies = new ArrayList<>();
    Http.onContext(client, () -> {
      for (int i = 0; i < streams; i++) {
        String body = Http.chat(3, i % 2 == 0);
        replies.add(client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/chat/completions")
                .putHeader("content-type", "application/json").putHeader("authorization", "Bearer " + SECRET))
            .compose(request -> request.send(body))
            .compose(response -> response.body().map(b -> new Http.Reply(response.statusCode(), response.headers(), b))));
      }
      return Future.all(replies);
    });
    for (Future<Http.Reply> reply : replies) {
      assertEquals(200, reply.result().status());
    }
    List<UsageEvent> events = bed.usage.awaitEvents(streams, 10_000);
    assertEquals(streams, events.size());
    events.forEach(Http2Test::assertCompleted);
    Set<String> ids = events.stream().map(UsageEvent::requestId).collect(Collectors.toSet());
    assertEquals(streams, ids.size(), "one event per stream");
    String metrics = Http.get(bed.adminClient(), "/metrics", TestBed.ADMIN_TOKEN).body().toString();
    assertTrue(metrics.lines().anyMatch(line -> line.startsWith("tollgate_http_connections_open") && line.endsWith(" 1.0")),
        "all on one connection: " + metrics.lines().filter(line -> line.startsWith("tollgate_http_connections_open"))
            .collect(Collectors.joining("\n")));
  }

  @Test
  void aStreamTheClientResetsIsAbortedAtTheBackendAndAccountedAsADisconnect() throws Exception {
    bed = TestBed.builder().simulators(1).simulatorConfig(c -> c.withInterTokenMillis(20))
        .http2(Http2Policy.defaults().withClearText(true)).start();
    HttpClient client = priorKnowledge();
    Http.onContext(client, () -> client.request(new RequestOptions().setMethod(HttpMethod.POST)
            .setURI("/v1/chat/completions").putHeader("content-type", "application/json")
            .putHeader("authorization", "Bearer " + SECRET))
        .compose(request -> request.send(Http.chat(500, true)).compose(response -> {
          io.vertx.core.Promise<Void> firstBytes = io.vertx.core.Promise.promise();
          response.handler(chunk -> {
            if (firstBytes.tryComplete()) {
              request.reset(); // RST_STREAM(CANCEL), the connection stays
            }
          });
          return firstBytes.future();
        })));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (bed.sim(1).stats().aborted() < 1 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(1, bed.sim(1).stats().aborted(), "the backend's request was aborted");
    UsageEvent event = bed.usage.awaitEvents(1, 5_000).get(0);
    assertEquals("client_disconnected", event.errorKind());
    assertTrue(event.clientDisconnected());
    // The connection survives its stream's reset: the next request on it completes.
    assertEquals(200, post(client, Http.chat(2, false)).status());
    assertCompleted(bed.usage.awaitEvents(2, 5_000).get(1));
  }

  @Test
  void theJdkClientUpgradesToH2cAndIsAccountedAsCompleted() throws Exception {
    bed = clearText().start();
    java.net.http.HttpClient jdk = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_2).build();
    {
      URI uri = URI.create("http://127.0.0.1:" + bed.gateway.port() + "/v1/chat/completions");
      // The upgrade happens on the connection's first request (one without a body, as the JDK sends it).
      HttpResponse<String> health = jdk.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + bed.gateway.port() + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode());
      assertEquals(java.net.http.HttpClient.Version.HTTP_2, health.version(), "upgraded");
      for (boolean stream : new boolean[] {false, true}) {
        HttpResponse<String> reply = jdk.send(HttpRequest.newBuilder(uri).header("authorization", "Bearer " + SECRET)
            .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Http.chat(4, stream)))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, reply.statusCode(), reply.body());
        assertEquals(java.net.http.HttpClient.Version.HTTP_2, reply.version());
      }
    }
    bed.usage.awaitEvents(2, 5_000).forEach(Http2Test::assertCompleted);
  }

  @Test
  void theJdkClientNegotiatesH2OverTlsAndLimitsRefuseInOpenAisShape() throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca(dir, "ca");
    TestCertificates.Issued server = TestCertificates.server(dir, "gateway", ca);
    TlsSettings tls = TlsSettings.of(server.certFile().toString(), server.keyFile().toString())
        .withReloadIntervalMs(3_600_000);
    bed = TestBed.builder().simulators(1).simulatorConfig(c -> c.withInterTokenMillis(2))
        .limits(new LimitSpec(2, 0, 0))
        .tls(new GatewayTls(tls, TlsSettings.off(), "")).start();
    java.net.http.HttpClient jdk = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_2).sslContext(TestCertificates.clientContext(ca, null)).build();
    {
      URI uri = URI.create("https://localhost:" + bed.gateway.port() + "/v1/chat/completions");
      List<HttpResponse<String>> replies = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        replies.add(jdk.send(HttpRequest.newBuilder(uri).header("authorization", "Bearer " + SECRET)
            .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Http.chat(4, i == 1)))
            .build(), HttpResponse.BodyHandlers.ofString()));
      }
      for (HttpResponse<String> reply : replies) {
        assertEquals(java.net.http.HttpClient.Version.HTTP_2, reply.version(), "ALPN chose h2");
      }
      assertEquals(200, replies.get(0).statusCode(), replies.get(0).body());
      assertEquals(200, replies.get(1).statusCode(), replies.get(1).body());
      assertEquals(429, replies.get(2).statusCode(), replies.get(2).body());
      JsonObject error = new JsonObject(replies.get(2).body()).getJsonObject("error");
      assertEquals("rate_limit_exceeded", error.getString("code"), error.encode());
      assertTrue(replies.get(2).headers().firstValue("retry-after").isPresent());
    }
    List<UsageEvent> events = bed.usage.awaitEvents(3, 5_000);
    assertCompleted(events.get(0));
    assertCompleted(events.get(1));
    assertEquals(429, events.get(2).status());
  }

  /**
   * OkHttp (the OpenAI Java SDK's default client) offers h2 by ALPN: a TLS gateway now serves the
   * SDK over HTTP/2, and a streamed completion through it is accounted as completed.
   */
  @Test
  void theOpenAiSdksOkHttpSpeaksH2OverTlsAndItsStreamIsAccountedAsCompleted() throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca(dir, "ca");
    TestCertificates.Issued server = TestCertificates.server(dir, "gateway", ca);
    bed = TestBed.builder().simulators(1).simulatorConfig(c -> c.withInterTokenMillis(2))
        .tls(new GatewayTls(TlsSettings.of(server.certFile().toString(), server.keyFile().toString())
            .withReloadIntervalMs(3_600_000), TlsSettings.off(), "")).start();
    String base = "https://localhost:" + bed.gateway.port();
    okhttp3.OkHttpClient okHttp = new okhttp3.OkHttpClient.Builder()
        .sslSocketFactory(TestCertificates.clientContext(ca, null).getSocketFactory(), TestCertificates.trustManager(ca))
        .build();
    try (okhttp3.Response health = okHttp.newCall(new okhttp3.Request.Builder().url(base + "/healthz").build()).execute()) {
      assertEquals(200, health.code());
      assertEquals(okhttp3.Protocol.HTTP_2, health.protocol(), "OkHttp negotiated h2");
    } finally {
      okHttp.dispatcher().executorService().shutdown();
      okHttp.connectionPool().evictAll();
    }
    com.openai.client.OpenAIClient openai = com.openai.client.okhttp.OpenAIOkHttpClient.builder()
        .baseUrl(base + "/v1").apiKey(SECRET).maxRetries(0)
        .sslSocketFactory(TestCertificates.clientContext(ca, null).getSocketFactory())
        .trustManager(TestCertificates.trustManager(ca))
        .build();
    StringBuilder text = new StringBuilder();
    try (var stream = openai.chat().completions().createStreaming(
        com.openai.models.chat.completions.ChatCompletionCreateParams.builder()
            .model(TestBed.MODEL).addUserMessage("hello over h2").maxCompletionTokens(8L).build())) {
      stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
    } finally {
      openai.close();
    }
    assertTrue(text.length() > 0, "streamed text");
    assertCompleted(bed.usage.awaitEvents(1, 5_000).get(0));
  }

  /**
   * A reader that stops reading an SSE stream over HTTP/2 stops receiving WINDOW_UPDATEs for it:
   * the stream's flow-control window fills, the gateway's response queue reports full, and the
   * gateway pauses the backend instead of buffering the stream.
   */
  @Test
  void aSlowHttp2ReaderPausesTheBackendThroughFlowControl() throws Exception {
    bed = TestBed.builder().simulators(1).simulatorConfig(c -> c.withInterTokenMillis(0.05).withMaxModelLen(100_000))
        .http2(Http2Policy.defaults().withClearText(true)).start();
    // The reader on a Vert.x of its own: catching up on a paused 50,000-token stream takes its
    // event loop seconds on this machine, which is the test client's business, not the gateway's.
    io.vertx.core.Vertx readerVertx = io.vertx.core.Vertx.vertx();
    HttpClient client = readerVertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1").setDefaultPort(bed.gateway.port()));
    Http.bind(client, readerVertx.getOrCreateContext());
    try {
      readSlowly(client);
    } finally {
      readerVertx.close();
    }
  }

  private void readSlowly(HttpClient client) throws Exception {
    java.util.concurrent.atomic.AtomicLong bytesRead = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicReference<io.vertx.core.http.HttpClientResponse> stream =
        new java.util.concurrent.atomic.AtomicReference<>();
    io.vertx.core.Promise<Void> ended = io.vertx.core.Promise.promise();
    Http.onContext(client, () -> client.request(new RequestOptions().setMethod(HttpMethod.POST)
            .setURI("/v1/chat/completions").putHeader("content-type", "application/json")
            .putHeader("authorization", "Bearer " + SECRET))
        .compose(request -> request.send(Http.chat(50_000, true)))
        .map(response -> {
          response.handler(chunk -> bytesRead.addAndGet(chunk.length()));
          response.endHandler(v -> ended.tryComplete());
          stream.set(response);
          return null;
        }));
    waitFor("first bytes", 5_000, () -> bytesRead.get() > 0);
    stream.get().pause();
    waitFor("the simulator to pause the stream", 10_000, () -> bed.sim(1).stats().pausedStreams() >= 1);
    var paused = bed.sim(1).stats();
    assertEquals(0, paused.completed(), "the stream is paused, not finished");
    assertTrue(paused.generationTokens() < 20_000, "generation stopped far short of 50,000 tokens: "
        + paused.generationTokens());
    stream.get().resume();
    ended.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    UsageEvent event = bed.usage.awaitEvents(1, 10_000).get(0);
    assertCompleted(event);
    assertEquals(50_000, event.completionTokens());
  }

  @Test
  void aClientThatDropsItsConnectionMidStreamAbortsTheBackend() throws Exception {
    bed = TestBed.builder().simulators(1).simulatorConfig(c -> c.withInterTokenMillis(20))
        .http2(Http2Policy.defaults().withClearText(true)).start();
    HttpClient client = priorKnowledge();
    Http.onContext(client, () -> client.request(new RequestOptions().setMethod(HttpMethod.POST)
            .setURI("/v1/chat/completions").putHeader("content-type", "application/json")
            .putHeader("authorization", "Bearer " + SECRET))
        .compose(request -> request.send(Http.chat(500, true)).compose(response -> {
          io.vertx.core.Promise<Void> firstBytes = io.vertx.core.Promise.promise();
          response.handler(chunk -> {
            if (firstBytes.tryComplete()) {
              request.connection().close(); // the whole connection goes, not just the stream
            }
          });
          return firstBytes.future();
        })));
    waitFor("the backend's request aborted", 5_000, () -> bed.sim(1).stats().aborted() >= 1);
    UsageEvent event = bed.usage.awaitEvents(1, 5_000).get(0);
    assertEquals("client_disconnected", event.errorKind());
    assertTrue(event.clientDisconnected());
  }

  /**
   * Refusals that end an HTTP/1.1 connection (a key refused before its body, a body over the
   * limit) end only their stream on HTTP/2: answered in OpenAI's shape, and the connection's next
   * request is served.
   */
  @Test
  void refusalsBeforeTheBodyEndTheirStreamNotTheConnection() throws Exception {
    bed = clearText().start();
    HttpClient client = priorKnowledge();
    Http.Reply unauthenticated = Http.onContext(client, () -> client.request(new RequestOptions()
            .setMethod(HttpMethod.POST).setURI("/v1/chat/completions").putHeader("content-type", "application/json")
            .putHeader("authorization", "Bearer not-a-key"))
        .compose(request -> request.send(Http.chat(4, false)))
        .compose(response -> response.body().map(b -> new Http.Reply(response.statusCode(), response.headers(), b))));
    assertEquals(401, unauthenticated.status());
    assertEquals("invalid_api_key", unauthenticated.error().getString("code"));
    assertNull(unauthenticated.headers().get("connection"), "no connection-specific header on HTTP/2");

    String tooLarge = new JsonObject(Http.chat(4, false)).put("padding", "x".repeat(100 * 1024)).encode();
    Http.Reply refused = post(client, tooLarge);
    assertEquals(413, refused.status(), refused.body().toString());
    assertEquals("request_too_large", refused.error().getString("code"));

    assertEquals(200, post(client, Http.chat(2, false)).status(), "the same connection serves on");
    String metrics = Http.get(bed.adminClient(), "/metrics", TestBed.ADMIN_TOKEN).body().toString();
    assertTrue(metrics.lines().anyMatch(line -> line.startsWith("tollgate_http_connections_open") && line.endsWith(" 1.0")),
        "one connection throughout");
  }

  @Test
  void aStreamWhoseBodyMissesTheDeadlineGets408AndIsRecorded() throws Exception {
    bed = TestBed.builder().simulators(1).http2(Http2Policy.defaults().withClearText(true))
        .frontDoor(io.tollgate.frontdoor.FrontDoorSettings.defaults().withTimeouts(10_000, 1_000, 10_000)).start();
    HttpClient client = priorKnowledge();
    Http.Reply timedOut = Http.onContext(client, () -> client.request(new RequestOptions().setMethod(HttpMethod.POST)
            .setURI("/v1/chat/completions").putHeader("content-type", "application/json")
            .putHeader("authorization", "Bearer " + SECRET).putHeader("content-length", "5000"))
        .compose(request -> {
          request.write("{\"model\":"); // and never the rest
          return request.response();
        })
        .compose(response -> response.body().map(b -> new Http.Reply(response.statusCode(), response.headers(), b))));
    assertEquals(408, timedOut.status(), timedOut.body().toString());
    assertEquals("request_timeout", timedOut.error().getString("code"));
    UsageEvent event = bed.usage.awaitEvents(1, 5_000).get(0);
    assertEquals(408, event.status());
    assertEquals("request_timeout", event.errorKind());
    assertEquals(200, post(client, Http.chat(2, false)).status(), "the connection's other streams go on");
  }

  private static void waitFor(String what, long timeoutMillis, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
