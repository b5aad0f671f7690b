package io.tollgate.gateway.it;

import io.tollgate.gateway.auth.RedisKeyStore;
import io.tollgate.gateway.config.PlatformSettings;
import io.tollgate.gateway.config.RedisSettings;
import io.tollgate.gateway.testsupport.LocalRedis;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Redis emptied under a platform the control plane manages (its platform marker is there, its
 * seed marker is not yet): a key the gateway never saw cannot be told from a wrong one, so it is
 * answered 503 (SDKs retry) rather than 401 (they give up); once the control plane has re-seeded,
 * an unknown key is 401 again. Without a control plane (no platform marker) it is 401 throughout.
 */
class UnseededKeyStoreTest {

  private TestBed bed;
  private LocalRedis redis;

  @AfterEach
  void close() throws Exception {
    if (redis != null) {
      redis.cleanUp();
    }
    if (bed != null) {
      bed.close();
    }
  }

  private void start(String prefix) throws Exception {
    bed = TestBed.builder().platform(new PlatformSettings(
        LocalRedis.settings(LocalRedis.URL, prefix, RedisSettings.FailPolicy.CLOSED, 1), null)).start();
    redis = LocalRedis.connect(bed.vertx, prefix);
  }

  @Test
  void anUnknownKeyIs503WhileTheControlPlaneHasNotReseededAnd401After() throws Exception {
    String prefix = LocalRedis.newPrefix();
    start(prefix);
    redis.send(Request.cmd(Command.SET).arg(prefix + ":platform").arg("{\"fingerprint\":\"x\"}"));
    Http.Reply unseeded = Http.post(bed.client, "/v1/chat/completions", Http.chat(4, false), "tg-never-seen-1");
    assertEquals(503, unseeded.status(), unseeded.body().toString());
    assertEquals("key_store_unavailable", unseeded.error().getString("code"));

    redis.send(Request.cmd(Command.SET).arg(RedisKeyStore.seededMarker(prefix)).arg("digest"));
    Thread.sleep(1_100); // the gateway asks about the markers at most once a second
    Http.Reply seeded = Http.post(bed.client, "/v1/chat/completions", Http.chat(4, false), "tg-never-seen-2");
    assertEquals(401, seeded.status(), seeded.body().toString());
    assertEquals("invalid_api_key", seeded.error().getString("code"));
  }

  @Test
  void withoutAControlPlaneAnUnknownKeyIs401() throws Exception {
    start(LocalRedis.newPrefix());
    Http.Reply unknown = Http.post(bed.client, "/v1/chat/completions", Http.chat(4, false), "tg-never-seen-3");
    assertEquals(401, unknown.status(), unknown.body().toString());
  }
}
