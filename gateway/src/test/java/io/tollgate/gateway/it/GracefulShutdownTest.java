package io.tollgate.gateway.it;

import io.tollgate.gateway.GatewayMain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM to a real gateway process under load, as a rolling restart sends it: /readyz answers 503
 * at once, new requests are still accepted and served during the drain delay (no connection
 * refused), every stream in flight ends with [DONE], and every request answered, before or during
 * the drain, has its access-log line (the JDK's own logging shutdown no longer cuts them off).
 */
class GracefulShutdownTest {

  private static final long DRAIN_DELAY_MS = 3_000;
  private static final int STREAMS = 20;

  private Process gateway;
  private Path log;
  private int port;
  private String key;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @AfterEach
  void stop() throws Exception {
    if (gateway != null && gateway.isAlive()) {
      gateway.destroyForcibly();
      gateway.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private void launch() throws Exception {
    port = freePort();
    log = Files.createTempFile(Path.of("target"), "graceful-gateway", ".log");
    Path spool = Files.createTempFile(Path.of("target"), "graceful-usage", ".jsonl");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        GatewayMain.class.getName(), "--demo", "--port", Integer.toString(port), "--admin-port",
        Integer.toString(freePort()), "--log-format", "json")
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("TOLLGATE_DRAIN_DELAY_MS", Long.toString(DRAIN_DELAY_MS));
    builder.environment().put("TOLLGATE_SHUTDOWN_GRACE_MS", "20000");
    builder.environment().put("TOLLGATE_USAGE_SPOOL", spool.toString());
    gateway = builder.start();
    key = DemoKey.await(gateway, log);
  }

  private HttpRequest chat(String requestId, boolean stream, int maxTokens) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json").header("x-request-id", requestId)
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"demo-llama\",\"max_tokens\":" + maxTokens
            + ",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build();
  }

  private int readyz() {
    try {
      return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  @Test
  void sigtermDrainsWithoutRefusingConnectionsAndLogsEveryRequestAnswered() throws Exception {
    launch();
    for (int i = 0; i < 20; i++) {
      assertEquals(200, client.send(chat("warm-" + i, false, 4), HttpResponse.BodyHandlers.ofString()).statusCode());
    }
    assertEquals(200, readyz());
    List<String> answered = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      answered.add("warm-" + i);
    }
    // Long streams in flight (400 tokens at 10 ms: about 4 s each).
    List<CompletableFuture<HttpResponse<String>>> streams = new ArrayList<>();
    for (int i = 0; i < STREAMS; i++) {
      streams.add(client.sendAsync(chat("stream-" + i, true, 400), HttpResponse.BodyHandlers.ofString()));
    }
    Thread.sleep(500);

    gateway.toHandle().destroy(); // SIGTERM
    long sigterm = System.currentTimeMillis();
    int ready = readyz();
    while (ready == 200 && System.currentTimeMillis() - sigterm < 1_000) {
      ready = readyz();
    }
    assertEquals(503, ready, "readiness goes 503 at once after SIGTERM");

    // New requests during the drain delay, on new connections: served, none refused.
    ConcurrentLinkedQueue<String> refused = new ConcurrentLinkedQueue<>();
    int during = 0;
    while (System.currentTimeMillis() - sigterm < DRAIN_DELAY_MS - 700) {
      String id = "drain-" + during++;
      try {
        HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpResponse<String> response = fresh.send(chat(id, false, 4), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), id + ": " + response.body());
        answered.add(id);
      } catch (ConnectException e) {
        refused.add(id + ": " + e);
      }
      assertEquals(503, readyz(), "readiness stays 503 throughout the drain");
      Thread.sleep(100);
    }
    assertEquals(List.of(), List.copyOf(refused), "no connection refused during the drain delay");
    // About 20 on a quiet machine; a busy one (several suites on 2 cores) managed 5. Three still show
    // new connections served through the drain rather than a window that passed unused.
    assertTrue(during >= 3, "requests were sent during the drain: " + during);

    for (int i = 0; i < STREAMS; i++) {
      HttpResponse<String> stream = streams.get(i).get(30, TimeUnit.SECONDS);
      assertEquals(200, stream.statusCode());
      assertTrue(stream.body().trim().endsWith("data: [DONE]"), "stream " + i + " ended with [DONE]");
      answered.add("stream-" + i);
    }
    assertTrue(gateway.waitFor(30, TimeUnit.SECONDS), "the gateway exits after draining");
    long exited = System.currentTimeMillis() - sigterm;
    assertTrue(exited >= DRAIN_DELAY_MS, "the listener stayed open for the drain delay: exited after " + exited);

    String lines = Files.readString(log);
    List<String> unlogged = answered.stream()
        .filter(id -> !lines.contains("\"logger\":\"tollgate.access\"") || !lines.contains("\"request_id\":\"" + id + "\""))
        .toList();
    assertEquals(List.of(), unlogged, "every request answered has its access-log line");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
