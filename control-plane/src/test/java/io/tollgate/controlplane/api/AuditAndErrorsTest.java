package io.tollgate.controlplane.api;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.controlplane.testsupport.RunningControlPlane.Reply;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditAndErrorsTest {

  private static RunningControlPlane cp;
  private static String root;

  @BeforeAll
  static void setUp() throws Exception {
    cp = RunningControlPlane.start();
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
  }

  @AfterAll
  static void tearDown() throws Exception {
    cp.close();
  }

  private long auditRows() throws Exception {
    return cp.schema.count("SELECT count(*) FROM $S.audit_log WHERE action <> 'refused'");
  }

  @Test
  void everyMutationWritesOneAuditRowWithBeforeAfterActorAndRequestId() throws Exception {
    long start = auditRows();
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "audited")
        .put("budget", new JsonObject().put("limitUsd", 50))).status());
    cp.user(root, "ann@example.com", false);
    assertEquals(200, cp.put("/api/v1/orgs/audited/members/ann@example.com", root,
        new JsonObject().put("role", "member")).status());
    Reply created = cp.post("/api/v1/orgs/audited/keys", root, new JsonObject().put("id", "ci")
        .put("limits", new JsonObject().put("requestsPerMinute", 60)));
    assertEquals(201, created.status());
    String secret = created.json().getString("secret");
    assertTrue(secret.matches("tg-[0-9A-Za-z]{40}"));
    assertNull(cp.get("/api/v1/orgs/audited/keys/ci", root).json().getString("secret"), "the secret is shown once");
    assertEquals(200, cp.call(HttpMethod.PATCH, "/api/v1/orgs/audited/keys/ci", root,
        new JsonObject().put("limits", new JsonObject().put("tokensPerMinute", 1000))).status());
    assertEquals(200, cp.post("/api/v1/orgs/audited/keys/ci/rotate", root, new JsonObject()).status());
    assertEquals(200, cp.post("/api/v1/orgs/audited/keys/ci/revoke", root, null).status());
    assertEquals(200, cp.put("/api/v1/orgs/audited/budget", root, new JsonObject().put("limitUsd", 75)).status());
    assertEquals(204, cp.call(HttpMethod.DELETE, "/api/v1/orgs/audited/members/ann@example.com", root, null).status());

    List<Map<String, Object>> rows = cp.schema.rows("SELECT actor, action, target, before::text AS before, "
        + "after::text AS after, request_id FROM $S.audit_log WHERE action <> 'refused' ORDER BY id OFFSET " + start);
    assertEquals(List.of("org.create", "user.create", "member.put", "key.create", "key.update", "key.rotate",
        "key.revoke", "org.budget", "member.delete"), rows.stream().map(r -> r.get("action")).toList());
    for (Map<String, Object> row : rows) {
      assertEquals("root@example.com", row.get("actor"));
      assertNotNull(row.get("request_id"));
      String text = row.get("before") + " " + row.get("after");
      assertFalse(text.contains(secret) || text.contains("hmac-sha256") || text.contains("tga-"),
          "no secret, hash or token in the audit log: " + text);
    }
    JsonArray viaApi = cp.get("/api/v1/orgs/audited/audit", root).json().getJsonArray("entries");
    assertTrue(viaApi.size() >= 7);
    JsonObject rotate = viaApi.stream().map(JsonObject.class::cast)
        .filter(e -> e.getString("action").equals("key.rotate")).findFirst().orElseThrow();
    assertNotNull(rotate.getJsonObject("before"));
    assertNotNull(rotate.getJsonObject("after").getString("graceUntil"));
  }

  @Test
  void catalogueAndOrgChangesAreAuditedToo() throws Exception {
    long start = auditRows();
    assertEquals(201, cp.post("/api/v1/backends", root, new JsonObject().put("id", "ab").put("url", "http://h:1")).status());
    assertEquals(201, cp.post("/api/v1/models", root, new JsonObject().put("name", "am")
        .put("prices", new JsonObject().put("promptPerMillion", 1).put("completionPerMillion", 2))).status());
    assertEquals(201, cp.post("/api/v1/routes", root, new JsonObject().put("model", "am")
        .put("backends", new JsonArray().add("ab"))).status());
    assertEquals(201, cp.post("/api/v1/policies", root, new JsonObject().put("name", "ap")
        .put("limits", new JsonObject().put("requestsPerMinute", 1))).status());
    assertEquals(200, cp.put("/api/v1/policies/ap", root, new JsonObject()
        .put("limits", new JsonObject().put("requestsPerMinute", 2)).put("version", 1)).status());
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "ao")).status());
    assertEquals(200, cp.put("/api/v1/orgs/ao", root, new JsonObject().put("policy", "ap").put("version", 1)).status());
    assertEquals(204, cp.call(HttpMethod.DELETE, "/api/v1/orgs/ao", root, null).status());
    assertEquals(204, cp.call(HttpMethod.DELETE, "/api/v1/routes/am", root, null).status());
    assertEquals(204, cp.call(HttpMethod.DELETE, "/api/v1/models/am", root, null).status());
    assertEquals(204, cp.call(HttpMethod.DELETE, "/api/v1/backends/ab", root, null).status());
    assertEquals(204, cp.call(HttpMethod.DELETE, "/api/v1/policies/ap", root, null).status());
    List<Map<String, Object>> rows = cp.schema.rows("SELECT action, target, before IS NOT NULL AS has_before, "
        + "after IS NOT NULL AS has_after FROM $S.audit_log WHERE action <> 'refused' ORDER BY id OFFSET " + start);
    assertEquals(List.of("backend.create", "model.create", "route.create", "policy.create", "policy.update",
        "org.create", "org.update", "org.delete", "route.delete", "model.delete", "backend.delete", "policy.delete"),
        rows.stream().map(r -> r.get("action")).toList());
    assertEquals("policy:ap", rows.get(4).get("target"));
    assertEquals(Boolean.TRUE, rows.get(4).get("has_before"));
    assertEquals(Boolean.TRUE, rows.get(4).get("has_after"));
    assertEquals(Boolean.FALSE, rows.get(11).get("has_after"));
    JsonArray policyTrail = cp.get("/api/v1/audit?target=policy:ap", root).json().getJsonArray("entries");
    assertEquals(List.of("policy.delete", "policy.update", "policy.create"),
        policyTrail.stream().map(e -> ((JsonObject) e).getString("action")).toList());
  }

  @Test
  void aFailedTransactionLeavesNoAuditRow() throws Exception {
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "dup")).status());
    long before = auditRows();
    Reply duplicate = cp.post("/api/v1/orgs", root, new JsonObject().put("name", "dup"));
    assertEquals(409, duplicate.status());
    Reply unknownPolicy = cp.post("/api/v1/orgs", root, new JsonObject().put("name", "p").put("policy", "nope"));
    assertEquals(422, unknownPolicy.status(), unknownPolicy.body());
    assertEquals(201, cp.post("/api/v1/orgs/dup/keys", root, new JsonObject().put("id", "k")).status());
    long afterKey = auditRows();
    assertEquals(409, cp.post("/api/v1/orgs/dup/keys", root, new JsonObject().put("id", "k")).status());
    assertEquals(before + 1, afterKey);
    assertEquals(afterKey, auditRows(), "refused changes leave no audit row");
    assertEquals(1, cp.schema.count("SELECT count(*) FROM $S.api_keys WHERE org = 'dup'"));
  }

  @Test
  void errorsAreJsonWithStatusMessageAndFieldPaths() throws Exception {
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "errs")).status());
    Reply badJson = cp.raw(HttpMethod.POST, "/api/v1/orgs", root, "{\"name\": ");
    assertEquals(400, badJson.status());
    assertEquals("the body is not valid JSON: Unexpected end-of-input within/between Object entries at line 1, column 10",
        badJson.json().getJsonObject("error").getString("message"));
    assertEquals(400, cp.raw(HttpMethod.POST, "/api/v1/orgs", root, "[1]").status());
    java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(zipped)) {
      gzip.write("{\"name\":\"zipped\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    Reply compressed = cp.raw(HttpMethod.POST, "/api/v1/orgs", root, io.vertx.core.buffer.Buffer.buffer(zipped.toByteArray()),
        java.util.Map.of("content-encoding", "gzip"));
    assertEquals(415, compressed.status(), compressed.body());
    assertEquals("Content-Encoding 'gzip' is not supported: send the body uncompressed",
        compressed.json().getJsonObject("error").getString("message"));
    Reply empty = cp.call(HttpMethod.POST, "/api/v1/orgs", root, null);
    assertEquals("$.name", empty.json().getJsonObject("error").getJsonArray("fields").getJsonObject(0).getString("path"));
    Reply invalid = cp.post("/api/v1/orgs/errs/keys", root, new JsonObject().put("id", "bad id!")
        .put("models", new JsonArray().add(3))
        .put("limits", new JsonObject().put("requestsPerMinute", -1).put("tokensPerMinute", 1.5))
        .put("budget", new JsonObject().put("period", "year"))
        .put("expiresAt", "tomorrow"));
    assertEquals(422, invalid.status());
    List<String> paths = invalid.json().getJsonObject("error").getJsonArray("fields").stream()
        .map(f -> ((JsonObject) f).getString("path")).toList();
    assertEquals(List.of("$.id", "$.models[0]", "$.limits.requestsPerMinute", "$.limits.tokensPerMinute",
        "$.budget.limitUsd", "$.budget.period", "$.expiresAt"), paths);

    assertEquals(401, cp.get("/api/v1/orgs", null).status());
    assertEquals(401, cp.get("/api/v1/orgs", "tga-wrong").json().getJsonObject("error").getInteger("status"));
    assertEquals(404, cp.get("/api/v1/orgs/nowhere", root).status());
    assertEquals(404, cp.get("/api/v1/nothing-here", root).status());

    int version = cp.get("/api/v1/orgs/errs", root).json().getInteger("version");
    assertEquals(200, cp.put("/api/v1/orgs/errs", root, new JsonObject().put("display", "E").put("version", version)).status());
    Reply stale = cp.put("/api/v1/orgs/errs", root, new JsonObject().put("display", "F").put("version", version));
    assertEquals(409, stale.status());
    assertTrue(stale.json().getJsonObject("error").getString("message").contains("stale version"));
  }

  @Test
  void spendShowsWhatTheGatewaysChargedThisPeriod() throws Exception {
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "payer")
        .put("budget", new JsonObject().put("limitUsd", 10).put("period", "day"))).status());
    assertEquals(201, cp.post("/api/v1/orgs/payer/keys", root, new JsonObject().put("id", "pk")
        .put("budget", new JsonObject().put("limitUsd", 2))).status());
    java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
    String tag = "{" + cp.redisPrefix + ":payer}";
    cp.redisSet(tag + ":o:spend:d" + today, "1250000");
    cp.redisSet(tag + ":k:pk:spend:m" + today.toString().substring(0, 7), "500000");
    JsonObject spend = cp.get("/api/v1/orgs/payer/spend", root).json();
    assertEquals(1.25, spend.getJsonObject("budget").getDouble("spentUsd"));
    assertEquals(0.5, spend.getJsonArray("keyBudgets").getJsonObject(0).getDouble("spentUsd"));
  }

  @Test
  void keyIdsAreTheirOrgsOwn() throws Exception {
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "first")).status());
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "second")).status());
    assertEquals(201, cp.post("/api/v1/orgs/first/keys", root, new JsonObject().put("id", "shared-id")).status());
    Reply same = cp.post("/api/v1/orgs/second/keys", root, new JsonObject().put("id", "shared-id"));
    assertEquals(201, same.status(), "another org's key id says nothing here: " + same.body());
    assertEquals(409, cp.post("/api/v1/orgs/second/keys", root, new JsonObject().put("id", "shared-id")).status());
    assertEquals("first", cp.get("/api/v1/orgs/first/keys/shared-id", root).json().getString("org"));
    assertEquals(200, cp.post("/api/v1/orgs/second/keys/shared-id/revoke", root, null).status());
    assertFalse(cp.get("/api/v1/orgs/first/keys/shared-id", root).json().getBoolean("revoked"), "only second's");
  }

  @Test
  void theBootstrapTokenRetiresOnceAPlatformAdminExists() throws Exception {
    assertEquals(401, cp.get("/api/v1/me", cp.bootstrapToken).status());
    assertEquals("root@example.com", cp.get("/api/v1/me", root).json().getString("actor"));
  }
}
