package io.tollgate.controlplane.api;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.controlplane.testsupport.RunningControlPlane.Reply;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Service accounts as a kind of their own: org-scoped with one role, their own tokens (expiry,
 * rotation with grace), named service_account:ORG/NAME in the audit log; bad input refused by field.
 */
class ServiceAccountTest {

  private static RunningControlPlane cp;
  private static String root;

  @BeforeAll
  static void start() throws Exception {
    cp = RunningControlPlane.start();
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    for (String org : new String[] {"acme", "other"}) {
      assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", org)).status());
    }
  }

  @AfterAll
  static void stop() throws Exception {
    cp.close();
  }

  private static String create(String name, String role) throws Exception {
    Reply created = cp.post("/api/v1/orgs/acme/service-accounts", root, new JsonObject().put("name", name)
        .put("role", role).put("description", "the deploy pipeline"));
    assertEquals(201, created.status(), created.body());
    String token = created.json().getString("token");
    assertTrue(token.startsWith("tgs-"), token);
    return token;
  }

  @Test
  void aServiceAccountActsInItsOrgWithItsRoleAndIsNamedSoInTheAuditLog() throws Exception {
    String token = create("ci", "member");
    JsonObject me = cp.get("/api/v1/me", token).json();
    assertEquals("service_account:acme/ci", me.getString("actor"));
    assertEquals(new JsonObject().put("acme", "member"), me.getJsonObject("roles"));
    Reply key = cp.post("/api/v1/orgs/acme/keys", token, new JsonObject().put("id", "from-ci"));
    assertEquals(201, key.status(), key.body());
    assertEquals(404, cp.get("/api/v1/orgs/other", token).status(), "nothing of another org");
    assertEquals(403, cp.put("/api/v1/orgs/acme/members/root@example.com", token,
        new JsonObject().put("role", "viewer")).status(), "a member manages no members");
    Reply audit = cp.get("/api/v1/audit?actor=service_account:acme/ci", root);
    assertTrue(audit.body().contains("\"action\":\"key.create\""), audit.body());
    Reply listed = cp.get("/api/v1/orgs/acme/service-accounts", root);
    assertTrue(listed.body().contains("\"name\":\"ci\"") && !listed.body().contains("tgs-"), listed.body());
  }

  @Test
  void aRotatedTokenKeepsTheOldOneForTheGraceAndNoLonger() throws Exception {
    String first = create("rotating", "viewer");
    Reply rotated = cp.post("/api/v1/orgs/acme/service-accounts/rotating/token", root,
        new JsonObject().put("graceSeconds", 3600));
    assertEquals(200, rotated.status(), rotated.body());
    String second = rotated.json().getString("token");
    assertNotNull(rotated.json().getString("previousTokenExpiresAt"));
    assertEquals(200, cp.get("/api/v1/orgs/acme", first).status(), "the old token within its grace");
    assertEquals(200, cp.get("/api/v1/orgs/acme", second).status());
    Reply again = cp.post("/api/v1/orgs/acme/service-accounts/rotating/token", root,
        new JsonObject().put("graceSeconds", 0));
    String third = again.json().getString("token");
    assertEquals(401, cp.get("/api/v1/orgs/acme", first).status(), "one previous token at most");
    assertEquals(401, cp.get("/api/v1/orgs/acme", second).status(), "grace 0 ends it at once");
    assertEquals(200, cp.get("/api/v1/orgs/acme", third).status());
  }

  @Test
  void anExpiredOrDeletedAccountsTokenIsRefused() throws Exception {
    String token = create("short-lived", "viewer");
    RunningControlPlane.await(cp.plane.pool().preparedQuery("UPDATE " + cp.schema.name + ".service_accounts SET "
        + "token_expires_at = now() - interval '1 minute' WHERE name = $1").execute(Tuple.of("short-lived")));
    assertEquals(401, cp.get("/api/v1/me", token).status());
    String other = create("doomed", "viewer");
    assertEquals(204, cp.call(io.vertx.core.http.HttpMethod.DELETE, "/api/v1/orgs/acme/service-accounts/doomed",
        root, null).status());
    assertEquals(401, cp.get("/api/v1/me", other).status());
  }

  @Test
  void badInputIsRefusedByField() throws Exception {
    Reply bad = cp.post("/api/v1/orgs/acme/service-accounts", root, new JsonObject().put("name", "Has Spaces")
        .put("role", "owner").put("tokenTtl", "soon"));
    assertEquals(422, bad.status(), bad.body());
    assertTrue(bad.body().contains("$.name") && bad.body().contains("$.role") && bad.body().contains("$.tokenTtl"),
        bad.body());
    create("twice", "viewer");
    assertEquals(409, cp.post("/api/v1/orgs/acme/service-accounts", root, new JsonObject().put("name", "twice")
        .put("role", "viewer")).status());
    assertEquals(404, cp.post("/api/v1/orgs/acme/service-accounts/nobody/token", root, null).status());
    assertEquals(404, cp.get("/api/v1/orgs/nope/service-accounts", root).status());
  }
}
