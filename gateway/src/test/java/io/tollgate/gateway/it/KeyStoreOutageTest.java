package io.tollgate.gateway.it;

import io.tollgate.gateway.auth.KeyHasher;
import io.tollgate.gateway.auth.RedisKeyStore;
import io.tollgate.gateway.config.PlatformSettings;
import io.tollgate.gateway.config.RedisSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis is a cache of the keys, not their truth: on a Redis server of this test's own (started and
 * stopped for real, so the shared one is left alone), a key the gateway looked up keeps being served
 * while Redis is down (a key never seen gets 503 key_store_unavailable), and after Redis comes back
 * empty until the control plane re-seeds it; once re-seeded, Redis is the answer again.
 */
class KeyStoreOutageTest {

  private static final String SECRET = "tg-key-held-through-outage-0001";
  private static final String OTHER = "tg-key-never-looked-up-0002";

  private TestBed bed;
  private Process redisServer;
  private Path redisDir;
  private int port;

  @AfterEach
  void stop() throws Exception {
    try {
      if (bed != null) {
        bed.close();
      }
    } finally {
      stopRedis();
    }
  }

  private void startRedis() throws Exception {
    if (redisDir == null) {
      redisDir = Files.createTempDirectory(Path.of("target"), "redis-outage");
    }
    try {
      redisServer = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--save", "", "--appendonly", "no", "--dir", redisDir.toString())
          .redirectErrorStream(true).redirectOutput(redisDir.resolve("redis.log").toFile()).start();
    } catch (IOException e) {
      throw new AssertionError("redis-server is needed for this test (apt-get install redis-server): " + e, e);
    }
    long deadline = System.currentTimeMillis() + 10_000;
    while (!"+PONG".equals(command("PING"))) {
      assertTrue(System.currentTimeMillis() < deadline, "redis-server on " + port + " did not start");
      Thread.sleep(50);
    }
  }

  private void stopRedis() throws InterruptedException {
    if (redisServer != null) {
      redisServer.destroyForcibly();
      redisServer.waitFor(10, TimeUnit.SECONDS);
      redisServer = null;
    }
  }

  /** One command in RESP (arguments as a bulk-string array), the first line of the answer. */
  private String command(String... args) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      StringBuilder request = new StringBuilder("*" + args.length + "\r\n");
      for (String arg : args) {
        request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
      }
      socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = socket.getInputStream().read()) != -1 && c != '\r') {
        line.append((char) c);
      }
      return line.toString();
    } catch (IOException e) {
      return "down: " + e.getMessage();
    }
  }

  private void seed(String prefix, String secret, String id) {
    String hash = new KeyHasher(TestBed.PEPPER).hash(secret);
    JsonObject record = new JsonObject().put("id", id).put("org", "acme").put("models", new JsonArray().add("*"))
        .put("limits", new JsonObject().put("requestsPerMinute", 100_000));
    assertEquals("+OK", command("SET", RedisKeyStore.recordKey(prefix, hash), record.encode()));
  }

  private int status(String secret) throws Exception {
    return Http.get(bed.client, "/v1/models", secret).status();
  }

  @Test
  void knownKeysAreServedThroughAnOutageAndAnEmptyRedisUntilReseeded() throws Exception {
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    startRedis();
    String prefix = "tgtest-outage-" + System.nanoTime();
    RedisSettings settings = new RedisSettings("redis://127.0.0.1:" + port, 200, RedisSettings.FailPolicy.OPEN, 1,
        prefix, 60_000);
    bed = TestBed.builder().platform(new PlatformSettings(settings, null)).start();
    seed(prefix, SECRET, "held");
    command("SET", RedisKeyStore.seededMarker(prefix), "1");
    assertEquals(200, status(SECRET));

    // Redis stopped for real: the key looked up before is served; one never seen cannot be checked.
    stopRedis();
    for (int i = 0; i < 20; i++) {
      assertEquals(200, status(SECRET), "a known key is served while Redis is down");
    }
    Http.Reply unknown = Http.get(bed.client, "/v1/models", OTHER);
    assertEquals(503, unknown.status());
    assertEquals("key_store_unavailable", unknown.error().getString("code"), unknown.body().toString());

    // Back, but empty (no persistence): no 401 for the known key before the control plane re-seeds.
    startRedis();
    for (int i = 0; i < 20; i++) {
      assertEquals(200, status(SECRET), "a known key is served while Redis is not re-seeded");
      Thread.sleep(20);
    }
    // A key this gateway never saw is not in its cache: Redis's "no such key" is all it has (401),
    // until the control plane's re-seed (seconds; ControlPlaneKeyReseedTest).

    // Re-seeded (what the control plane does by itself): Redis answers again, for both.
    seed(prefix, SECRET, "held");
    command("SET", RedisKeyStore.seededMarker(prefix), "2");
    assertEquals(200, status(SECRET));
    long deadline = System.currentTimeMillis() + 5_000;
    int other = Http.get(bed.client, "/v1/models", OTHER).status();
    while (other != 401 && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
      other = Http.get(bed.client, "/v1/models", OTHER).status();
    }
    assertEquals(401, other, "once seeded, a key Redis does not have is unknown");
    String metrics = Http.get(bed.adminClient(), "/metrics", null).body().toString();
    assertTrue(metrics.contains("tollgate_keys_served_stale_total"), "the metric is exported");
  }
}
