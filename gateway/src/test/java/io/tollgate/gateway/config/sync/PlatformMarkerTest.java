package io.tollgate.gateway.config.sync;

import io.tollgate.gateway.config.RedisSettings;
import io.tollgate.testsupport.GuardedVertx;
import io.tollgate.testsupport.Services;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway in platform mode checks the control plane's marker in the real Redis before it listens:
 * a prefix or a pepper the control plane does not use refuses the start, naming the variable.
 */
class PlatformMarkerTest {

  /** A control plane that does not answer (nothing listens on port 1). */
  private static final URI NOWHERE = URI.create("http://127.0.0.1:1");

  private GuardedVertx guarded;
  private Vertx vertx;
  private Redis redis;
  private final String prefix = "tg-marker-" + UUID.randomUUID();

  @BeforeEach
  void setUp() {
    Services.requireRedis();
    guarded = GuardedVertx.create();
    vertx = guarded.vertx();
    redis = Redis.createClient(vertx, Services.REDIS_URL);
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      await(redis.send(Request.cmd(Command.DEL).arg(PlatformMarker.key(prefix))));
      redis.close();
    } finally {
      guarded.closeAndAssert();
    }
  }

  private RedisSettings settings(String keyPrefix) {
    return new RedisSettings(Services.REDIS_URL, 50, RedisSettings.FailPolicy.OPEN, 1, keyPrefix);
  }

  private void writeMarker(String pepper) throws Exception {
    JsonObject marker = new JsonObject().put("prefix", prefix).put("pepperFingerprint", PlatformMarker.fingerprint(pepper));
    await(redis.send(Request.cmd(Command.SET).arg(PlatformMarker.key(prefix)).arg(marker.encode())));
  }

  @Test
  void theSamePrefixAndPepperAsTheControlPlanePass() throws Exception {
    writeMarker("the-pepper");
    await(PlatformMarker.check(vertx, settings(prefix), "the-pepper", NOWHERE));
  }

  @Test
  void anotherPepperIsRefusedNamingTollgateKeyPepperAndNeverShowingEitherPepper() throws Exception {
    writeMarker("the-control-planes-pepper");
    Throwable refused = failure(PlatformMarker.check(vertx, settings(prefix), "a-typo-pepper", NOWHERE));
    assertInstanceOf(PlatformMarker.Mismatch.class, refused);
    assertTrue(refused.getMessage().startsWith("TOLLGATE_KEY_PEPPER differs from the control plane's"),
        refused.getMessage());
    assertFalse(refused.getMessage().contains("the-control-planes-pepper"), refused.getMessage());
    assertFalse(refused.getMessage().contains("a-typo-pepper"), refused.getMessage());
  }

  @Test
  void aPrefixUnderWhichTheRunningControlPlaneWroteNothingIsRefusedNamingTollgateRedisPrefix() throws Exception {
    writeMarker("the-pepper");
    HttpServer controlPlane = await(vertx.createHttpServer()
        .requestHandler(request -> request.response().end("{\"status\":\"ok\"}")).listen(0, "127.0.0.1"));
    try {
      String otherPrefix = prefix + "-other";
      Throwable refused = failure(PlatformMarker.check(vertx, settings(otherPrefix), "the-pepper",
          URI.create("http://127.0.0.1:" + controlPlane.actualPort())));
      assertInstanceOf(PlatformMarker.Mismatch.class, refused);
      assertTrue(refused.getMessage().contains("TOLLGATE_REDIS_PREFIX=\"" + otherPrefix + "\""), refused.getMessage());
    } finally {
      await(controlPlane.close());
    }
  }

  @Test
  void noMarkerWhileTheControlPlaneDoesNotAnswerYetStartsAsAGatewayStartingWithItWould() throws Exception {
    await(PlatformMarker.check(vertx, settings(prefix + "-not-yet"), "the-pepper", NOWHERE));
  }

  @Test
  void withoutAControlPlaneNoMarkerIsNeeded() throws Exception {
    await(PlatformMarker.check(vertx, settings(prefix + "-hand-made"), "any", (java.net.URI) null));
  }

  @Test
  void anUnreachableRedisDoesNotStopTheStartTheFailPolicyDecidesLater() throws Exception {
    RedisSettings nowhere = new RedisSettings("redis://127.0.0.1:1", 50, RedisSettings.FailPolicy.OPEN, 1, prefix);
    await(PlatformMarker.check(vertx, nowhere, "any", NOWHERE));
  }

  @Test
  void theFingerprintIsTheDocumentedHmacSoTheControlPlaneComputesTheSame() {
    // printf 'tollgate:pepper-fingerprint:v1' | openssl dgst -sha256 -hmac pepper → 7d1a3235d249a5a5…
    assertEquals("hmac-sha256:7d1a3235d249a5a5", PlatformMarker.fingerprint("pepper"));
    assertEquals(PlatformMarker.fingerprint("p1"), PlatformMarker.fingerprint("p1"));
    assertFalse(PlatformMarker.fingerprint("p1").equals(PlatformMarker.fingerprint("p2")));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<?> future) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(future));
    return e.getCause();
  }
}
