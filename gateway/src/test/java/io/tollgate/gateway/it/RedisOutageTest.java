package io.tollgate.gateway.it;

import io.tollgate.gateway.auth.RedisKeyStore;
import io.tollgate.gateway.config.LimitSpec;
import io.tollgate.gateway.config.PlatformSettings;
import io.tollgate.gateway.config.RedisSettings;
import io.tollgate.gateway.limit.LeasedLimiter;
import io.tollgate.gateway.limit.Limiter;
import io.tollgate.gateway.limit.RedisLimiter;
import io.tollgate.gateway.testsupport.LocalRedis;
import io.tollgate.testsupport.TcpRelay;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static io.tollgate.gateway.it.TestBed.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis dies or hangs in the middle of a run (a proxy in front of the real Redis cuts it): requests
 * keep being answered within the timeout, by policy; admission returns to Redis when it is back.
 * And keys live in Redis: a revocation reaches every replica's cache in under a second.
 */
class RedisOutageTest {

  private static final long TIMEOUT_MS = 150;

  private TestBed bed;
  private LocalRedis redis;
  private TcpRelay proxy;

  @AfterEach
  void stop() throws Exception {
    try {
      if (proxy != null) {
        TestBed.await(proxy.close());
      }
      if (redis != null) {
        redis.cleanUp();
      }
    } finally {
      if (bed != null) {
        bed.close();
      }
    }
  }

  private void startBehindProxy(RedisSettings.FailPolicy policy) throws Exception {
    String prefix = LocalRedis.newPrefix();
    URI redisUri = URI.create(LocalRedis.URL);
    bed = TestBed.builder().limits(new LimitSpec(10_000, 0, 0)).platform(vertx -> {
      proxy = TestBed.await(TcpRelay.start(vertx, redisUri.getHost(), redisUri.getPort()));
      return new PlatformSettings(LocalRedis.settings("redis://127.0.0.1:" + proxy.port(), prefix, policy, 2)
          .withTimeoutMs(TIMEOUT_MS), null);
    }).start();
    redis = LocalRedis.connect(bed.vertx, prefix);
  }

  private RedisLimiter limiter() {
    Limiter limiter = bed.gateway.services().limiter();
    return limiter instanceof LeasedLimiter leased ? leased.exact() : (RedisLimiter) limiter;
  }

  /** Sends a request and asserts it was answered well within the Redis timeout plus work. */
  private Http.Reply timedRequest() throws Exception {
    long start = System.nanoTime();
    Http.Reply reply = Http.post(bed.client, "/v1/chat/completions", Http.chat(2, false), SECRET);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis < TIMEOUT_MS + 1_000, "answered in " + millis + " ms, not stuck on Redis");
    return reply;
  }

  private void awaitBackOnRedis() throws Exception {
    long before = limiter().redisDecisions();
    long deadline = System.currentTimeMillis() + 5_000;
    while (limiter().redisDecisions() == before) {
      assertTrue(System.currentTimeMillis() < deadline, "admission did not return to Redis");
      timedRequest(); // 200 under fail-open, 503 under fail-closed, until a probe reaches Redis
      Thread.sleep(50);
    }
    assertTrue(!limiter().degraded());
    assertEquals(200, timedRequest().status());
  }

  @Test
  void failOpenKeepsAnsweringThroughADeadOrHungRedisAndComesBack() throws Exception {
    startBehindProxy(RedisSettings.FailPolicy.OPEN);
    assertEquals(200, timedRequest().status());
    assertTrue(limiter().redisDecisions() >= 1);

    TestBed.await(proxy.stopListening()); // Redis dies: connections closed, new ones refused
    for (int i = 0; i < 5; i++) {
      assertEquals(200, timedRequest().status(), "fail-open: served from the in-process limiter");
    }
    assertTrue(limiter().degraded());
    assertTrue(limiter().fallbackDecisions() >= 5);

    TestBed.await(proxy.restore());
    awaitBackOnRedis();

    proxy.blackhole(true); // Redis hangs: connections stay open, nothing answers
    for (int i = 0; i < 5; i++) {
      assertEquals(200, timedRequest().status(), "a hung Redis costs at most the timeout");
    }
    TestBed.await(proxy.restore());
    awaitBackOnRedis();
  }

  @Test
  void failClosedRefusesWith503WhileRedisIsDown() throws Exception {
    startBehindProxy(RedisSettings.FailPolicy.CLOSED);
    assertEquals(200, timedRequest().status());
    TestBed.await(proxy.stopListening());
    Http.Reply refused = timedRequest();
    assertEquals(503, refused.status());
    assertEquals("limiter_unavailable", refused.error().getString("code"));
    assertEquals(503, timedRequest().status());
    TestBed.await(proxy.restore());
    awaitBackOnRedis();
  }

  @Test
  void aKeyInRedisIsUsableAndItsRevocationReachesEveryReplicaInUnderASecond() throws Exception {
    String prefix = LocalRedis.newPrefix();
    RedisSettings settings = LocalRedis.settings(LocalRedis.URL, prefix, RedisSettings.FailPolicy.OPEN, 2);
    bed = TestBed.builder().platform(new PlatformSettings(settings, null)).start();
    redis = LocalRedis.connect(bed.vertx, prefix);
    bed.addReplica();
    io.vertx.core.http.HttpClient second = bed.clientOf(bed.gateways.get(1));

    String secret = "tg-redis-held-key-0001";
    String hash = new io.tollgate.gateway.auth.KeyHasher(TestBed.PEPPER).hash(secret);
    JsonObject record = new JsonObject().put("id", "redis-key").put("org", "acme")
        .put("models", new io.vertx.core.json.JsonArray().add("*"))
        .put("limits", new JsonObject().put("requestsPerMinute", 1_000));
    redis.send(Request.cmd(Command.SET).arg(RedisKeyStore.recordKey(prefix, hash)).arg(record.encode()));
    redis.send(Request.cmd(Command.PUBLISH).arg(RedisKeyStore.changesChannel(prefix)).arg(hash));

    assertEquals(200, Http.post(bed.client, "/v1/chat/completions", Http.chat(2, false), secret).status());
    assertEquals(200, Http.post(second, "/v1/chat/completions", Http.chat(2, false), secret).status());
    assertEquals("redis-key", bed.usage.awaitEvents(2, 2_000).get(0).keyId());

    redis.send(Request.cmd(Command.SET).arg(RedisKeyStore.recordKey(prefix, hash))
        .arg(record.copy().put("revoked", true).encode()));
    long revokedAt = System.nanoTime();
    redis.send(Request.cmd(Command.PUBLISH).arg(RedisKeyStore.changesChannel(prefix)).arg(hash));
    boolean firstRefuses = false;
    boolean secondRefuses = false;
    while (!(firstRefuses && secondRefuses)) {
      long elapsedMs = (System.nanoTime() - revokedAt) / 1_000_000;
      assertTrue(elapsedMs < 1_000, "revocation not effective on both replicas after " + elapsedMs + " ms");
      firstRefuses = firstRefuses || Http.get(bed.client, "/v1/models", secret).status() == 401;
      secondRefuses = secondRefuses || Http.get(second, "/v1/models", secret).status() == 401;
    }
    Http.Reply refused = Http.post(second, "/v1/chat/completions", Http.chat(2, false), secret);
    assertEquals(401, refused.status());
    assertEquals("api_key_revoked", refused.error().getString("code"), "a revoked key is told so, not 'incorrect'");
  }

  @Test
  void anExpiredKeyInRedisIsRefused() throws Exception {
    String prefix = LocalRedis.newPrefix();
    RedisSettings settings = LocalRedis.settings(LocalRedis.URL, prefix, RedisSettings.FailPolicy.OPEN, 1);
    bed = TestBed.builder().platform(new PlatformSettings(settings, null)).start();
    redis = LocalRedis.connect(bed.vertx, prefix);
    String secret = "tg-expired-key-0001";
    String hash = new io.tollgate.gateway.auth.KeyHasher(TestBed.PEPPER).hash(secret);
    redis.send(Request.cmd(Command.SET).arg(RedisKeyStore.recordKey(prefix, hash)).arg(new JsonObject()
        .put("id", "old").put("org", "acme").put("expiresAt", "2020-01-01T00:00:00Z").encode()));
    Http.Reply refused = Http.get(bed.client, "/v1/models", secret);
    assertEquals(401, refused.status());
    assertEquals("api_key_expired", refused.error().getString("code"), refused.body().toString());
    assertTrue(refused.error().getString("message").contains("expired"), refused.body().toString());
  }
}
