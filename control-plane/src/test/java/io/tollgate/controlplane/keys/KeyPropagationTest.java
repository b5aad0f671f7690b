package io.tollgate.controlplane.keys;

import io.tollgate.controlplane.testsupport.GatewayReplicas;
import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.gateway.auth.KeyHasher;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Key changes through the API reach real gateway replicas (platform mode, Redis) within a second. */
class KeyPropagationTest {

  private static RunningControlPlane cp;
  private static GatewayReplicas gateways;
  private static String root;

  @BeforeAll
  static void setUp() throws Exception {
    cp = RunningControlPlane.start();
    gateways = GatewayReplicas.start(2, 1, RunningControlPlane.PEPPER, cp.redisPrefix, GatewayReplicas.fastSimulator());
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "acme")).status());
  }

  @AfterAll
  static void tearDown() throws Exception {
    try {
      if (gateways != null) {
        gateways.close();
      }
    } finally {
      cp.close();
    }
  }

  @Test
  void ourHashEqualsTheGatewaysForTheSamePepperAndSecret() {
    String secret = "tg-0123456789ABCDEFGHIJabcdefghijKLMNOPQRST";
    assertEquals(new KeyHasher("test-vector-pepper").hash(secret), new KeySecrets("test-vector-pepper").hash(secret));
  }

  @Test
  void aCreatedKeyIsUsableAtOnceAndARevokedOneIsRefusedByBothReplicasWithinASecond() throws Exception {
    String secret = cp.post("/api/v1/orgs/acme/keys", root, new JsonObject().put("id", "app")
        .put("models", new JsonArray().add(GatewayReplicas.MODEL))).json().getString("secret");
    long created = System.nanoTime();
    for (int replica = 0; replica < 2; replica++) {
      assertEquals(200, awaitStatus(replica, secret, 200, 1_000), "replica " + replica + " accepts the new key");
    }
    assertTrue(millisSince(created) < 1_000);

    assertEquals(200, cp.post("/api/v1/orgs/acme/keys/app/revoke", root, null).status());
    long revoked = System.nanoTime();
    for (int replica = 0; replica < 2; replica++) {
      assertEquals(401, awaitStatus(replica, secret, 401, 1_000), "replica " + replica + " refuses the revoked key");
    }
    long took = millisSince(revoked);
    assertTrue(took < 1_000, "revocation took " + took + " ms");
  }

  @Test
  void rotationKeepsTheOldSecretForItsGraceAndALimitChangeApplies() throws Exception {
    String old = cp.post("/api/v1/orgs/acme/keys", root, new JsonObject().put("id", "rot")).json().getString("secret");
    assertEquals(200, gateways.chat(0, old).status());
    String fresh = cp.post("/api/v1/orgs/acme/keys/rot/rotate", root, new JsonObject().put("graceSeconds", 60))
        .json().getString("secret");
    assertEquals(200, awaitStatus(1, fresh, 200, 1_000));
    assertEquals(200, gateways.chat(1, old).status(), "the old secret works during the grace period");

    // A limit of one request a minute: the second request within the minute is refused with 429.
    assertEquals(200, cp.call(HttpMethod.PATCH, "/api/v1/orgs/acme/keys/rot", root,
        new JsonObject().put("limits", new JsonObject().put("requestsPerMinute", 1))).status());
    long deadline = System.currentTimeMillis() + 1_000;
    int status = 0;
    while (System.currentTimeMillis() < deadline && status != 429) {
      status = gateways.chat(0, fresh).status();
    }
    assertEquals(429, status, "the new limit reached the gateway");

    // Rotating again with no grace kills the previous secret at once.
    String third = cp.post("/api/v1/orgs/acme/keys/rot/rotate", root, new JsonObject().put("graceSeconds", 0))
        .json().getString("secret");
    assertEquals(401, awaitStatus(0, fresh, 401, 1_000));
    assertEquals(401, awaitStatus(0, old, 401, 1_000), "the first secret is long gone");
    assertTrue(third.startsWith("tg-"));
  }

  @Test
  void expiryAndModelAllowListReachTheGateways() throws Exception {
    // An expiry must be ahead of now when it is set: this one passes two seconds later.
    String soon = java.time.Instant.now().plusSeconds(2).toString();
    String secret = cp.post("/api/v1/orgs/acme/keys", root, new JsonObject().put("id", "exp").put("expiresAt", soon)
        .put("models", new JsonArray().add("another-model"))).json().getString("secret");
    assertEquals(401, awaitStatus(0, secret, 401, 5_000), "an expired key is no key");
    assertEquals(200, cp.call(HttpMethod.PATCH, "/api/v1/orgs/acme/keys/exp", root,
        new JsonObject().putNull("expiresAt")).status());
    assertEquals(403, awaitStatus(0, secret, 403, 1_000), "alive again, but not allowed this model");
    assertEquals(200, cp.call(HttpMethod.PATCH, "/api/v1/orgs/acme/keys/exp", root,
        new JsonObject().put("models", new JsonArray().add(GatewayReplicas.MODEL))).status());
    assertEquals(200, awaitStatus(0, secret, 200, 1_000));
  }

  @Test
  void deletingAnOrgRevokesItsKeysAtTheGateways() throws Exception {
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "doomed")).status());
    String secret = cp.post("/api/v1/orgs/doomed/keys", root, new JsonObject().put("id", "d")).json().getString("secret");
    assertEquals(200, awaitStatus(0, secret, 200, 1_000));
    assertEquals(200, awaitStatus(1, secret, 200, 1_000));
    assertEquals(204, cp.call(HttpMethod.DELETE, "/api/v1/orgs/doomed", root, null).status());
    assertEquals(401, awaitStatus(0, secret, 401, 1_000));
    assertEquals(401, awaitStatus(1, secret, 401, 1_000));
  }

  private static int awaitStatus(int replica, String secret, int wanted, long timeoutMillis) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    int status;
    do {
      status = gateways.chat(replica, secret).status();
    } while (status != wanted && System.currentTimeMillis() < deadline);
    return status;
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
