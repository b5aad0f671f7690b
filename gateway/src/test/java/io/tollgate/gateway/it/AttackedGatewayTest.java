package io.tollgate.gateway.it;

import io.tollgate.frontdoor.testing.FrontDoorChecks;
import io.tollgate.frontdoor.testing.RawHttp;
import io.tollgate.gateway.GatewayMain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway as its own process with a 256 MB heap (the attack that found the hole), attacked
 * over real sockets by what anyone who reaches the port can send: hundreds of connections
 * declaring large bodies and sending nothing, then a barrage of bad input. It must stay up, keep
 * serving others, answer each with a 4xx or a close, and not grow.
 */
class AttackedGatewayTest {

  private static final long BODY_DEADLINE_MS = 4_000;
  private static final String CHAT = "/v1/chat/completions";

  private Process gateway;
  private Path log;
  private int port;
  private String key;

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.destroy();
      if (!gateway.waitFor(20, TimeUnit.SECONDS)) {
        gateway.destroyForcibly();
      }
    }
  }

  private void launch() throws Exception {
    port = freePort();
    log = Files.createTempFile(Path.of("target"), "attacked-gateway", ".log");
    Path spool = Files.createTempFile(Path.of("target"), "attacked-usage", ".jsonl");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // A fixed, pre-touched heap: RSS then moves only with what is allocated outside it.
    ProcessBuilder builder = new ProcessBuilder(java, "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch",
        "-cp", System.getProperty("java.class.path"), GatewayMain.class.getName(), "--demo",
        "--port", Integer.toString(port), "--admin-port", Integer.toString(freePort()), "--log-format", "text")
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("TOLLGATE_HTTP_BODY_TIMEOUT_MS", Long.toString(BODY_DEADLINE_MS));
    builder.environment().put("TOLLGATE_HTTP_HEADER_TIMEOUT_MS", "3000");
    builder.environment().put("TOLLGATE_USAGE_SPOOL", spool.toString());
    gateway = builder.start();
    key = DemoKey.await(gateway, log);
    // The front door works on the transport production uses (its handlers sit in Netty's pipeline),
    // and on the pooled buffers GatewayMain chooses: with this 256 MB heap Netty's own default would be
    // its low-memory adaptive allocator, so the RSS bounds below hold for the allocator production runs.
    // The start's log line goes through the asynchronous log writer, which on a busy machine can
    // trail the banner that printed the key.
    String transport = "epoll transport, pooled buffers";
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!Files.readString(log).contains(transport) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(Files.readString(log).contains(transport), Files.readString(log));
  }

  @Test
  void survivesDeclaredBodiesThatNeverComeAndABarrageOfBadInput() throws Exception {
    launch();
    for (int i = 0; i < 200; i++) {
      assertEquals(200, chat().status());
    }
    long rssBefore = rssKb();

    // A: 300 connections with the key, each declaring a body at the limit and sending nothing, and
    // 300 without a key declaring a gigabyte.
    List<Socket> stalled = new ArrayList<>();
    List<Long> opened = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      opened.add(System.nanoTime());
      stalled.add(RawHttp.openAndStall(port, head("Authorization: Bearer " + key + "\r\nContent-Length: 1048576\r\n")));
      stalled.add(RawHttp.openAndStall(port, head("Content-Length: 1000000000\r\n")));
    }
    for (int i = 0; i < 10; i++) {
      long start = System.nanoTime();
      assertEquals(200, get("/healthz").status());
      assertEquals(200, chat().status(), "others are served during the attack");
      assertTrue(System.nanoTime() - start < 2_000_000_000L, "served promptly during the attack");
    }
    int timedOut = 0;
    int refused = 0;
    for (int i = 0; i < stalled.size(); i++) {
      try (Socket socket = stalled.get(i)) {
        RawHttp.Reply reply = RawHttp.awaitClose(socket, opened.get(i / 2), BODY_DEADLINE_MS + 5_000);
        assertTrue(reply.closedByServer(), "closed at the body deadline: " + reply);
        if (i % 2 == 0) {
          assertEquals(List.of(408), reply.statuses(), reply.toString());
          timedOut++;
        } else {
          assertEquals(List.of(401), reply.statuses(), reply.toString());
          refused++;
        }
      }
    }
    assertEquals(300, timedOut);
    assertEquals(300, refused);

    // B: a barrage of bad input, each answered with a 4xx or a closed connection.
    ExecutorService slowloris = Executors.newFixedThreadPool(20);
    List<Future<RawHttp.Reply>> slow = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      slow.add(slowloris.submit(() -> RawHttp.trickle(port, "POST " + CHAT + " HTTP/1.1\r\nHost: x\r\n",
          "X-Slow: " + "s".repeat(200), 200, 10_000)));
    }
    // Another client keeps calling during the barrage: it must be served, promptly, every time.
    ExecutorService bystander = Executors.newSingleThreadExecutor();
    java.util.concurrent.atomic.AtomicBoolean barrageOver = new java.util.concurrent.atomic.AtomicBoolean();
    Future<List<Long>> bystanderMillis = bystander.submit(() -> {
      List<Long> millis = new ArrayList<>();
      while (!barrageOver.get()) {
        long start = System.nanoTime();
        Answer answer = chat();
        assertEquals(200, answer.status(), answer.body());
        millis.add((System.nanoTime() - start) / 1_000_000);
      }
      return millis;
    });
    Random random = new Random(20);
    int answered = 0;
    for (int round = 0; round < 250; round++) {
      for (byte[] attempt : barrage(random)) {
        RawHttp.Reply reply = RawHttp.exchange(port, attempt, 5_000);
        boolean fourXx = !reply.statuses().isEmpty() && reply.statuses().stream().allMatch(s -> s >= 400 && s < 500);
        assertTrue(fourXx || (reply.statuses().isEmpty() && reply.closedByServer()),
            "a 4xx or a closed connection: " + reply);
        assertTrue(reply.closedByServer(), "each bad request here ends its connection: " + reply);
        answered++;
      }
    }
    assertTrue(answered >= 2_000, "barrage of " + answered);
    barrageOver.set(true);
    List<Long> served = bystanderMillis.get(30, TimeUnit.SECONDS);
    bystander.shutdown();
    assertTrue(served.size() >= 10, "the bystander was served " + served.size() + " times during the barrage");
    long slowest = served.stream().mapToLong(Long::longValue).max().orElseThrow();
    assertTrue(slowest < 2_000, "the bystander's slowest request during the barrage took " + slowest + " ms");
    for (Future<RawHttp.Reply> future : slow) {
      RawHttp.Reply reply = future.get(30, TimeUnit.SECONDS);
      assertTrue(reply.closedByServer() && reply.statuses().isEmpty(), "slowloris cut at the header deadline: " + reply);
    }
    slowloris.shutdown();

    assertEquals(200, get("/healthz").status());
    assertEquals(200, chat().status(), "a normal request right after");
    long grownKb = rssKb() - rssBefore;
    String output = Files.readString(log);
    assertFalse(output.contains("OutOfMemoryError"), "no OutOfMemoryError: " + output);
    assertTrue(gateway.isAlive());
    assertTrue(grownKb < 64 * 1024, "RSS grew by " + grownKb / 1024 + " MB");
  }

  /** One of each kind of bad input; every well-formed head asks to close, so each ends its connection. */
  private List<byte[]> barrage(Random random) {
    List<byte[]> attempts = new ArrayList<>();
    byte[] noise = new byte[1 + random.nextInt(8_192)];
    random.nextBytes(noise);
    attempts.add(noise);
    String auth = "Authorization: Bearer " + key + "\r\nConnection: close\r\n";
    attempts.add(post(auth, "{\"model\":\"demo-llama\",\"messages\":[{\"role\":"));
    attempts.add(post(auth, "[".repeat(50_000)));
    byte[] invalidUtf8 = "{\"model\":\"demo-llama\",\"messages\":[{\"role\":\"user\",\"content\":\"\u00ff\u00fe\"}]}"
        .getBytes(StandardCharsets.ISO_8859_1);
    attempts.add(bytes(head(auth + "Content-Length: " + invalidUtf8.length + "\r\n"), invalidUtf8));
    attempts.add(post(auth, "{\"model\":\"" + "m".repeat(100_000) + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
    attempts.add(post(auth + "Content-Encoding: gzip\r\n", "\u001f\u008b\u0008garbage"));
    attempts.add(post("Connection: close\r\n", "{\"model\":\"demo-llama\"}"));
    attempts.add(("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(100_000) + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    attempts.add(new FrontDoorChecks(port, CHAT, "/healthz", auth, reply -> { })
        .smugglingAttempts().values().stream().skip(random.nextInt(9)).findFirst().orElseThrow()
        .getBytes(StandardCharsets.ISO_8859_1));
    return attempts;
  }

  private String head(String headers) {
    return "POST " + CHAT + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" + headers + "\r\n";
  }

  private byte[] post(String headers, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return bytes(head(headers + "Content-Length: " + bytes.length + "\r\n"), bytes);
  }

  private static byte[] bytes(String head, byte[] body) {
    byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(body, 0, all, headBytes.length, body.length);
    return all;
  }

  private record Answer(int status, String body) {
  }

  private Answer chat() throws IOException {
    return call("POST", CHAT, "{\"model\":\"demo-llama\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
  }

  private Answer get(String path) throws IOException {
    return call("GET", path, null);
  }

  private Answer call(String method, String path, String body) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL()
        .openConnection();
    connection.setRequestMethod(method);
    connection.setConnectTimeout(5_000);
    connection.setReadTimeout(10_000);
    connection.setRequestProperty("Authorization", "Bearer " + key);
    if (body != null) {
      connection.setDoOutput(true);
      connection.setRequestProperty("Content-Type", "application/json");
      connection.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
    int status = connection.getResponseCode();
    byte[] answer = (status >= 400 ? connection.getErrorStream() : connection.getInputStream()).readAllBytes();
    return new Answer(status, new String(answer, StandardCharsets.UTF_8));
  }

  private long rssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(gateway.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for the gateway process");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
