package io.tollgate.loadtest.peers;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java floor of loadtests/peers.sh relays what the stub answers, as it is, over keep-alive connections: a
 * floor that dropped bytes, or opened a connection per request, would not be the floor of anything.
 */
class FloorProxyTest {

  private static final String SMALL = "{\"model\":\"m\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String STREAM = "{\"model\":\"m\",\"max_tokens\":64,\"stream\":true,"
      + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private static UpstreamStub.Running stub;
  private static FloorProxy.Running floor;
  private static FloorProxy.Running vertxFloor;
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    stub = UpstreamStub.start("127.0.0.1", 0, 1, "peers-model", 64);
    floor = FloorProxy.start("127.0.0.1", 0, 1, new InetSocketAddress("127.0.0.1", stub.port()), FloorProxy.Front.netty);
    vertxFloor = FloorProxy.start("127.0.0.1", 0, 1, new InetSocketAddress("127.0.0.1", stub.port()),
        FloorProxy.Front.vertx);
  }

  @AfterAll
  static void stop() {
    vertxFloor.close();
    floor.close();
    stub.close();
  }

  @Test
  void relaysBothAnswersByteForByte() throws Exception {
    relaysBothAnswersByteForByte(floor);
  }

  @Test
  void theVertxFrontRelaysBothAnswersByteForByte() throws Exception {
    relaysBothAnswersByteForByte(vertxFloor);
  }

  @Test
  void sequentialRequestsShareOneUpstreamConnection() throws Exception {
    sequentialRequestsShareOneUpstreamConnection(floor);
    sequentialRequestsShareOneUpstreamConnection(vertxFloor);
  }

  private static void relaysBothAnswersByteForByte(FloorProxy.Running proxy) throws Exception {
    HttpResponse<String> direct = post(stub.port(), SMALL);
    HttpResponse<String> proxied = post(proxy.port(), SMALL);
    assertEquals(200, proxied.statusCode());
    assertEquals(direct.body(), proxied.body());
    assertEquals("application/json", proxied.headers().firstValue("content-type").orElse(""));

    HttpResponse<String> directStream = post(stub.port(), STREAM);
    HttpResponse<String> proxiedStream = post(proxy.port(), STREAM);
    assertEquals(200, proxiedStream.statusCode());
    assertEquals(directStream.body(), proxiedStream.body());
    assertTrue(proxiedStream.body().endsWith("data: [DONE]\n\n"), proxiedStream.body());
    assertEquals(1 + 64 + 1 + 1, proxiedStream.body().split("\n\n").length, "every event, the usage chunk and [DONE]");
  }

  private static void sequentialRequestsShareOneUpstreamConnection(FloorProxy.Running proxy) throws Exception {
    long before = proxy.upstreamConnections();
    for (int i = 0; i < 20; i++) {
      assertEquals(200, post(proxy.port(), i % 2 == 0 ? SMALL : STREAM).statusCode());
    }
    assertTrue(proxy.upstreamConnections() - before <= 1,
        "20 requests one after another opened " + (proxy.upstreamConnections() - before) + " upstream connections");
  }

  @Test
  void anUnreachableUpstreamIsABadGateway() throws Exception {
    int closedPort;
    try (ServerSocket free = new ServerSocket(0)) {
      closedPort = free.getLocalPort();
    }
    for (FloorProxy.Front front : FloorProxy.Front.values()) {
      try (FloorProxy.Running nowhere = FloorProxy.start("127.0.0.1", 0, 1,
          new InetSocketAddress("127.0.0.1", closedPort), front)) {
        assertEquals(502, post(nowhere.port(), SMALL).statusCode(), front + " front");
      }
    }
  }

  private static HttpResponse<String> post(int port, String json) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
