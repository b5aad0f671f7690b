package io.tollgate.controlplane.config;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.testsupport.Services;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;

import static io.tollgate.controlplane.testsupport.RunningControlPlane.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** What the gateways check their TOLLGATE_REDIS_PREFIX and TOLLGATE_KEY_PEPPER against. */
class PlatformMarkerTest {

  @Test
  void theControlPlaneWritesItsPrefixAndAFingerprintOfItsPepperNeverThePepperAtStart() throws Exception {
    try (RunningControlPlane cp = RunningControlPlane.start()) {
      Redis redis = Redis.createClient(cp.guarded.vertx(), Services.REDIS_URL);
      try {
        Response stored = await(redis.send(Request.cmd(Command.GET).arg(cp.redisPrefix + ":platform")));
        assertNotNull(stored, "the marker is written before the API serves");
        JsonObject marker = new JsonObject(stored.toString());
        assertEquals(cp.redisPrefix, marker.getString("prefix"));
        assertEquals(PlatformMarker.fingerprint(RunningControlPlane.PEPPER), marker.getString("pepperFingerprint"));
        assertFalse(stored.toString().contains(RunningControlPlane.PEPPER), stored.toString());
      } finally {
        redis.close();
      }
    }
  }

  @Test
  void theFingerprintIsTheOneTheGatewaysComputeForTheSamePepper() {
    // printf 'tollgate:pepper-fingerprint:v1' | openssl dgst -sha256 -hmac pepper → 7d1a3235d249a5a5…,
    // as in the gateway's PlatformMarkerTest: the two modules share no code, so the vector is the contract.
    assertEquals("hmac-sha256:7d1a3235d249a5a5", PlatformMarker.fingerprint("pepper"));
    assertNotEquals(PlatformMarker.fingerprint("pepper"), PlatformMarker.fingerprint("pepper2"));
  }
}
