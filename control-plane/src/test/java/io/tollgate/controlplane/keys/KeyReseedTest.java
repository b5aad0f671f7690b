package io.tollgate.controlplane.keys;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
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
 * PostgreSQL is the keys' truth: the gateways' Redis (a redis-server of this test's own, without
 * persistence) restarted empty, or flushed, holds every key record again within 5 s, with no
 * operator action: live keys, a revoked one (still refused), and a rotated key's previous secret.
 */
class KeyReseedTest {

  private Process redisServer;
  private Path redisDir;
  private int port;

  @AfterEach
  void stop() throws InterruptedException {
    stopRedis();
  }

  private void startRedis() throws Exception {
    if (redisDir == null) {
      redisDir = Files.createTempDirectory(Path.of("target"), "redis-reseed");
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

  /** One command in RESP; the answer's first line, and for a bulk string its value. */
  private String command(String... args) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      StringBuilder request = new StringBuilder("*" + args.length + "\r\n");
      for (String arg : args) {
        request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
      }
      socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
      java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
          StandardCharsets.UTF_8));
      String line = in.readLine();
      if (line != null && line.startsWith("$") && !line.equals("$-1")) {
        return in.readLine();
      }
      return line;
    } catch (IOException e) {
      return "down: " + e.getMessage();
    }
  }

  private String record(RunningControlPlane cp, String secret) {
    return command("GET", cp.redisPrefix + ":key:" + new KeySecrets(RunningControlPlane.PEPPER).hash(secret));
  }

  private void awaitRecords(RunningControlPlane cp, String what, String... secrets) throws InterruptedException {
    long start = System.currentTimeMillis();
    while (true) {
      boolean all = !"$-1".equals(command("GET", KeyReseeder.marker(cp.redisPrefix)));
      for (String secret : secrets) {
        all &= record(cp, secret) != null && record(cp, secret).startsWith("{");
      }
      if (all) {
        long took = System.currentTimeMillis() - start;
        assertTrue(took < 5_000, what + ": back after " + took + " ms");
        System.out.println("key re-seed " + what + ": " + took + " ms");
        return;
      }
      assertTrue(System.currentTimeMillis() - start < 5_000, what + ": key records not back within 5 s");
      Thread.sleep(50);
    }
  }

  @Test
  void redisRestartedEmptyOrFlushedHoldsEveryKeyAgainWithinFiveSeconds() throws Exception {
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    startRedis();
    try (RunningControlPlane cp = RunningControlPlane.start("redis://127.0.0.1:" + port)) {
      String root = cp.user(cp.bootstrapToken, "root@example.com", true);
      assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "acme")).status());
      String live = cp.post("/api/v1/orgs/acme/keys", root, new JsonObject().put("id", "live")).json().getString("secret");
      String gone = cp.post("/api/v1/orgs/acme/keys", root, new JsonObject().put("id", "gone")).json().getString("secret");
      String old = cp.post("/api/v1/orgs/acme/keys", root, new JsonObject().put("id", "rot")).json().getString("secret");
      String rotated = cp.post("/api/v1/orgs/acme/keys/rot/rotate", root, new JsonObject()).json().getString("secret");
      assertEquals(200, cp.post("/api/v1/orgs/acme/keys/gone/revoke", root, new JsonObject()).status());
      awaitRecords(cp, "first seed", live, gone, old, rotated);

      // Redis restarted without persistence: empty.
      stopRedis();
      startRedis();
      assertEquals("$-1", command("GET", KeyReseeder.marker(cp.redisPrefix)), "restarted empty");
      awaitRecords(cp, "after a restart", live, gone, old, rotated);
      assertTrue(new JsonObject(record(cp, gone)).getBoolean("revoked"), "a revoked key stays revoked");
      assertTrue(new JsonObject(record(cp, live)).getString("id").equals("live"));
      assertTrue(new JsonObject(record(cp, old)).getString("expiresAt") != null, "the previous secret keeps its grace end");

      // Flushed by someone.
      assertEquals("+OK", command("FLUSHALL"));
      awaitRecords(cp, "after FLUSHALL", live, gone, old, rotated);
      assertTrue(cp.plane.reseeder().reseeds() >= 3, "seeded at start, after the restart and after the flush");
    }
  }

  /** The marker once it holds PostgreSQL's key version (the check after a change caught up). */
  private String settledMarker(RunningControlPlane cp) throws Exception {
    String version = cp.onContext(() -> io.tollgate.controlplane.store.KeyStore.changeVersion(cp.plane.pool()))
        .toString();
    long deadline = System.currentTimeMillis() + 5_000;
    while (!version.equals(command("GET", KeyReseeder.marker(cp.redisPrefix)))) {
      assertTrue(System.currentTimeMillis() < deadline, "the marker did not reach version " + version + ": "
          + command("GET", KeyReseeder.marker(cp.redisPrefix)));
      Thread.sleep(50);
    }
    return version;
  }

  @Test
  void aReplicaThatLaggedHasItsStaleLiveRecordsCaughtUpWithinSeconds() throws Exception {
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    startRedis();
    try (RunningControlPlane cp = RunningControlPlane.start("redis://127.0.0.1:" + port)) {
      String root = cp.user(cp.bootstrapToken, "root@example.com", true);
      assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "acme")).status());
      assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "leaving")).status());
      String revoked = cp.post("/api/v1/orgs/acme/keys", root, new JsonObject().put("id", "revoked")).json()
          .getString("secret");
      String limited = cp.post("/api/v1/orgs/acme/keys", root, new JsonObject().put("id", "limited")
          .put("limits", new JsonObject().put("requestsPerMinute", 100))).json().getString("secret");
      String deleted = cp.post("/api/v1/orgs/leaving/keys", root, new JsonObject().put("id", "k")).json()
          .getString("secret");
      String untouched = cp.post("/api/v1/orgs/acme/keys", root, new JsonObject().put("id", "untouched")).json()
          .getString("secret");
      // The state a replica holds when it stops receiving writes here: records and marker.
      String lagged = settledMarker(cp);
      String revokedThen = record(cp, revoked);
      String limitedThen = record(cp, limited);
      String deletedThen = record(cp, deleted);
      assertEquals(100, new JsonObject(limitedThen).getJsonObject("limits").getInteger("requestsPerMinute"));

      // Changes the primary takes and the replica never gets.
      assertEquals(200, cp.post("/api/v1/orgs/acme/keys/revoked/revoke", root, new JsonObject()).status());
      assertEquals(200, cp.call(io.vertx.core.http.HttpMethod.PATCH, "/api/v1/orgs/acme/keys/limited", root,
          new JsonObject().put("limits", new JsonObject().put("requestsPerMinute", 5))).status());
      assertEquals(204, cp.call(io.vertx.core.http.HttpMethod.DELETE, "/api/v1/orgs/leaving", root, null).status());
      String current = settledMarker(cp);
      assertTrue(Long.parseLong(current) > Long.parseLong(lagged), "every change moved the version");

      // Failover to the replica: the older records (a live revoked key, old limits, a deleted org's
      // key) and the older marker, none of them missing.
      assertEquals("+OK", command("SET", cp.redisPrefix + ":key:" + new KeySecrets(RunningControlPlane.PEPPER)
          .hash(revoked), revokedThen));
      assertEquals("+OK", command("SET", cp.redisPrefix + ":key:" + new KeySecrets(RunningControlPlane.PEPPER)
          .hash(limited), limitedThen));
      assertEquals("+OK", command("SET", cp.redisPrefix + ":key:" + new KeySecrets(RunningControlPlane.PEPPER)
          .hash(deleted), deletedThen));
      assertEquals("+OK", command("SET", KeyReseeder.marker(cp.redisPrefix), lagged));
      long reseedsBefore = cp.plane.reseeder().reseeds();

      long start = System.currentTimeMillis();
      while (!(new JsonObject(record(cp, revoked)).getBoolean("revoked")
          && new JsonObject(record(cp, limited)).getJsonObject("limits").getInteger("requestsPerMinute") == 5
          && "$-1".equals(record(cp, deleted)))) {
        assertTrue(System.currentTimeMillis() - start < 5_000, "the lagging replica's stale records not caught up"
            + " within 5 s: " + record(cp, revoked) + " " + record(cp, limited) + " " + record(cp, deleted));
        Thread.sleep(50);
      }
      System.out.println("key catch-up after a lagging replica: " + (System.currentTimeMillis() - start) + " ms");
      assertEquals(current, settledMarker(cp), "the marker is PostgreSQL's version again");
      assertTrue(cp.plane.reseeder().reseeds() > reseedsBefore);
      assertTrue(record(cp, untouched).startsWith("{") && !new JsonObject(record(cp, untouched)).getBoolean("revoked"),
          "a key that did not change is left as it was");
    }
  }
}
