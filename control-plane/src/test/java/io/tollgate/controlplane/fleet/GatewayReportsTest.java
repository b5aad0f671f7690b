package io.tollgate.controlplane.fleet;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.controlplane.testsupport.RunningControlPlane.Reply;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The platform admin's view of the fleet (issue 16): the config versions, and what each gateway
 * instance last reported (the version it runs, its view of the backends). Gateways report, platform
 * admins read, org members do neither.
 */
class GatewayReportsTest {

  private static RunningControlPlane cp;
  private static String root;
  private static String reader;
  private static String owner;

  @BeforeAll
  static void setUp() throws Exception {
    cp = RunningControlPlane.start();
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    reader = cp.configReader(root, "gateways@example.com");
    owner = cp.user(root, "owner@example.com", false);
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "acme")).status());
    assertEquals(200, cp.put("/api/v1/orgs/acme/members/owner@example.com", root,
        new JsonObject().put("role", "owner")).status());
    assertEquals(201, cp.post("/api/v1/backends", root, new JsonObject().put("id", "b1")
        .put("url", "http://127.0.0.1:1")).status());
    assertEquals(201, cp.post("/api/v1/backends", root, new JsonObject().put("id", "b2")
        .put("url", "http://127.0.0.1:2")).status());
  }

  @AfterAll
  static void tearDown() throws Exception {
    cp.close();
  }

  private static JsonObject backend(String id, int waiting, double kv, String phase) {
    return new JsonObject().put("id", id).put("url", "http://127.0.0.1:1").put("healthy", true).put("available", true)
        .put("inFlight", 2).put("ejection", new JsonObject().put("phase", phase).put("ejections", 1))
        .put("metrics", new JsonObject().put("fresh", true).put("ageMs", 120).put("running", 3).put("waiting", waiting)
            .put("kvCacheUsage", kv));
  }

  @Test
  void aGatewaysReportIsWhatThePlatformAdminReadsWithItsAge() throws Exception {
    Instant before = Instant.now();
    JsonObject report = new JsonObject().put("configVersion", 3)
        .put("backends", new JsonArray().add(backend("b1", 7, 0.42, "active")).add(backend("b2", 0, 0.05, "ejected")));
    Reply sent = cp.put("/api/v1/gateways/gw-a:8080", reader, report);
    assertEquals(204, sent.status(), sent.body());
    assertEquals(204, cp.put("/api/v1/gateways/gw-b:8080", reader, new JsonObject().put("configVersion", 2)
        .put("backends", new JsonArray())).status());
    // A newer report replaces the instance's last one.
    assertEquals(204, cp.put("/api/v1/gateways/gw-b:8080", reader, new JsonObject().put("configVersion", 4)
        .put("backends", new JsonArray())).status());

    Reply listed = cp.get("/api/v1/gateways", root);
    assertEquals(200, listed.status(), listed.body());
    JsonArray gateways = listed.array();
    assertEquals(2, gateways.size(), listed.body());
    JsonObject a = gateways.getJsonObject(0);
    assertEquals("gw-a:8080", a.getString("instance"));
    assertEquals(3, a.getLong("configVersion"));
    assertEquals("gateways@example.com", a.getString("reportedBy"));
    assertFalse(Instant.parse(a.getString("reportedAt")).isBefore(before.minusSeconds(1)), a.encode());
    assertTrue(a.getLong("ageMs") >= 0 && a.getLong("ageMs") < 60_000, a.encode());
    JsonObject b1 = a.getJsonArray("backends").getJsonObject(0);
    assertEquals(7, b1.getJsonObject("metrics").getInteger("waiting"));
    assertEquals(0.42, b1.getJsonObject("metrics").getDouble("kvCacheUsage"));
    assertEquals("ejected", a.getJsonArray("backends").getJsonObject(1).getJsonObject("ejection").getString("phase"));
    assertEquals(4, gateways.getJsonObject(1).getLong("configVersion"));
  }

  @Test
  void aGatewayGoneForADayIsForgottenAndSoIsWhatCannotBeRead() throws Exception {
    String old = new JsonObject().put("instance", "gone:8080").put("configVersion", 1)
        .put("reportedAt", Instant.now().minusSeconds(25 * 3600).toString()).put("backends", new JsonArray()).encode();
    cp.redis(Request.cmd(Command.HSET).arg(cp.redisPrefix + ":gateways").arg("gone:8080").arg(old)
        .arg("garbled:8080").arg("{not json"));
    String listed = cp.get("/api/v1/gateways", root).body();
    assertFalse(listed.contains("gone:8080") || listed.contains("garbled:8080"), listed);
    long left = cp.redis(Request.cmd(Command.HEXISTS).arg(cp.redisPrefix + ":gateways").arg("gone:8080")).toLong();
    assertEquals(0L, left, "the old report is deleted, not only hidden");
  }

  @Test
  void orgMembersNeitherReadNorReport() throws Exception {
    assertEquals(403, cp.get("/api/v1/gateways", owner).status());
    assertEquals(403, cp.get("/api/v1/gateways", reader).status(), "a config reader reports but does not read the fleet");
    assertEquals(403, cp.put("/api/v1/gateways/sneaky", owner, new JsonObject().put("configVersion", 1)
        .put("backends", new JsonArray())).status());
    assertEquals(401, cp.get("/api/v1/gateways", null).status());
    assertFalse(cp.get("/api/v1/gateways", root).body().contains("sneaky"));
  }

  @Test
  void aReportThatCannotBeReadIsRefusedInWords() throws Exception {
    Reply empty = cp.put("/api/v1/gateways/gw-x", reader, new JsonObject());
    assertEquals(422, empty.status(), empty.body());
    assertTrue(empty.body().contains("$.configVersion") && empty.body().contains("$.backends"), empty.body());
    Reply badBackend = cp.put("/api/v1/gateways/gw-x", reader, new JsonObject().put("configVersion", -1)
        .put("backends", new JsonArray().add("b1")));
    assertEquals(422, badBackend.status(), badBackend.body());
    assertTrue(badBackend.body().contains("$.backends[0]") && badBackend.body().contains("$.configVersion"),
        badBackend.body());
    Reply badName = cp.put("/api/v1/gateways/" + "x".repeat(129), reader, new JsonObject().put("configVersion", 1)
        .put("backends", new JsonArray()));
    assertEquals(400, badName.status(), badName.body());
    assertTrue(badName.json().getJsonObject("error").getString("message").contains("instance"), badName.body());
  }

  @Test
  void theVersionsAreListedNewestFirstWithWhoMadeThem() throws Exception {
    assertEquals(201, cp.post("/api/v1/backends", root, new JsonObject().put("id", "b3")
        .put("url", "http://127.0.0.1:3")).status());
    long latest = cp.get("/api/v1/config/snapshots/latest", root).json().getLong("version");
    Reply listed = cp.get("/api/v1/config/versions", root);
    assertEquals(200, listed.status(), listed.body());
    JsonArray versions = listed.array();
    assertEquals(latest, versions.getJsonObject(0).getLong("version"));
    assertEquals("root@example.com", versions.getJsonObject(0).getString("createdBy"));
    assertTrue(versions.getJsonObject(0).getString("createdAt").endsWith("Z"), listed.body());
    assertFalse(versions.getJsonObject(0).containsKey("snapshot"), "the list holds no snapshot");
    for (int i = 1; i < versions.size(); i++) {
      assertEquals(versions.getJsonObject(i - 1).getLong("version") - 1, versions.getJsonObject(i).getLong("version"));
    }
    JsonArray page = cp.get("/api/v1/config/versions?before=" + latest + "&limit=1", root).array();
    assertEquals(1, page.size());
    assertEquals(latest - 1, page.getJsonObject(0).getLong("version"));
    assertEquals(200, cp.get("/api/v1/config/versions", reader).status());
    assertEquals(403, cp.get("/api/v1/config/versions", owner).status());
    Reply badLimit = cp.get("/api/v1/config/versions?limit=0", root);
    assertEquals(400, badLimit.status(), badLimit.body());
    assertTrue(badLimit.body().contains("limit must be a whole number from 1 to 500"), badLimit.body());
    assertEquals(400, cp.call(HttpMethod.GET, "/api/v1/config/versions?before=x", root, null).status());
  }
}
