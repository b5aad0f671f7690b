package io.tollgate.gateway.it;

import io.tollgate.frontdoor.testing.RawHttp;
import io.tollgate.gateway.config.BackendSpec;
import io.tollgate.gateway.config.LimitSpec;
import io.tollgate.gateway.config.PlatformSettings;
import io.tollgate.gateway.config.RedisSettings;
import io.tollgate.gateway.testsupport.LocalRedis;
import io.tollgate.gateway.usage.UsageEvent;
import io.tollgate.testsupport.GuardedVertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.tollgate.gateway.it.TestBed.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that reads [DONE] and sends its next request at once must find its concurrent-streams
 * slot free, even when the backend ends its HTTP response a while after [DONE] (the slot was
 * released only at the upstream's end, and such a client got 429 from its own limit).
 */
class StreamEndSlotTest {

  /** How long the backend below waits between [DONE] and the end of its response. */
  private static final long LINGER_MS = 400;

  private final GuardedVertx upstreamVertx = GuardedVertx.create();
  private TestBed bed;

  @AfterEach
  void stop() throws Exception {
    if (bed != null) {
      bed.close();
    }
    upstreamVertx.closeAndAssert();
  }

  /** vLLM's stream shape, except that the response ends LINGER_MS after [DONE]. */
  private int lingeringBackend() throws Exception {
    HttpServer server = upstreamVertx.vertx().createHttpServer().requestHandler(request -> {
      HttpServerResponse response = request.response();
      if (!request.path().endsWith("/chat/completions")) {
        response.end(request.path().equals("/metrics") ? "" : "{}");
        return;
      }
      request.body().onSuccess(body -> {
        response.setChunked(true).putHeader("content-type", "text/event-stream");
        String id = "chatcmpl-linger";
        response.write("data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
        response.write("data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\n");
        response.write("data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"total_tokens\":6,\"completion_tokens\":1}}\n\n");
        response.write("data: [DONE]\n\n");
        upstreamVertx.vertx().setTimer(LINGER_MS, t -> response.end());
      });
    });
    return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .actualPort();
  }

  @Test
  void theSlotIsFreeWhenTheClientReadsDone() throws Exception {
    start(bedTo(lingeringBackend()));
  }

  @Test
  void theSharedSlotInRedisIsFreeWhenTheClientReadsDone() throws Exception {
    RedisSettings redis = LocalRedis.settings(LocalRedis.URL, LocalRedis.newPrefix(), RedisSettings.FailPolicy.CLOSED, 1);
    start(bedTo(lingeringBackend()).platform(new PlatformSettings(redis, null)));
  }

  private TestBed.Builder bedTo(int upstream) {
    return TestBed.builder().simulators(1).limits(new LimitSpec(0, 0, 1))
        .snapshot(s -> new io.tollgate.gateway.config.ConfigSnapshot(s.version(),
            Map.of("sim-1", new BackendSpec("sim-1", URI.create("http://127.0.0.1:" + upstream))), s.models(),
            s.keysByHash(), s.defaultLimits(), s.defaultMaxTokens(), s.orgs(), s.routing()));
  }

  private void start(TestBed.Builder builder) throws Exception {
    bed = builder.start();
    String body = Http.chat(4, true);
    String request = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + SECRET
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
        + "\r\n\r\n" + body;
    Socket previous = null;
    for (int i = 0; i < 5; i++) {
      Socket socket = RawHttp.openAndStall(bed.gateway.port(), request);
      String received = readUntilDone(socket);
      assertTrue(received.startsWith("HTTP/1.1 200"), "request " + i + " refused by its own slot: " + received);
      if (previous != null) {
        previous.close();
      }
      previous = socket;
    }
    previous.close();
    List<UsageEvent> events = bed.usage.awaitEvents(5, 3_000);
    assertTrue(events.stream().allMatch(e -> e.status() == 200 && e.completionTokens() == 1), events.toString());
    assertEquals(5, events.size());
  }

  /** Reads until the client sees [DONE] (not the end of the response), as an eager client does. */
  private static String readUntilDone(Socket socket) throws Exception {
    socket.setSoTimeout(5_000);
    InputStream in = socket.getInputStream();
    StringBuilder received = new StringBuilder();
    byte[] buffer = new byte[8_192];
    while (!received.toString().contains("data: [DONE]") && !received.toString().startsWith("HTTP/1.1 4")) {
      int n = in.read(buffer);
      if (n < 0) {
        break;
      }
      received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
    }
    return received.toString();
  }
}
