package io.tollgate.controlplane.snapshot;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.controlplane.testsupport.RunningControlPlane.Reply;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Config snapshots carry every org's budgets, limits and backend URLs (issue #17: any signed-in user
 * read them all). Every snapshot route × every kind of caller: platform admins and config readers
 * read, every org role (of this org or another) gets 403 and not a byte of the snapshot, no token 401.
 */
class SnapshotAccessTest {

  private static final List<String> ORG_ROLES = List.of("owner", "admin", "member", "viewer", "billing");
  private static final Set<String> READERS = Set.of("platform admin", "config reader");

  private static RunningControlPlane cp;
  private static String root;
  private static final Map<String, String> TOKENS = new LinkedHashMap<>();

  @BeforeAll
  static void setUp() throws Exception {
    cp = RunningControlPlane.start();
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    TOKENS.put("platform admin", root);
    Reply reader = cp.post("/api/v1/users", root, new JsonObject().put("email", "gateways@example.com")
        .put("configReader", true));
    assertEquals(201, reader.status(), reader.body());
    assertTrue(reader.json().getBoolean("configReader"));
    TOKENS.put("config reader", reader.json().getString("token"));
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "acme")
        .put("budget", new JsonObject().put("limitUsd", 1234).put("period", "month"))).status());
    for (String role : ORG_ROLES) {
      String email = role + "@example.com";
      TOKENS.put(role, cp.user(root, email, false));
      assertEquals(200, cp.put("/api/v1/orgs/acme/members/" + email, root, new JsonObject().put("role", role)).status());
    }
    TOKENS.put("no role", cp.user(root, "nobody@example.com", false));
  }

  @AfterAll
  static void tearDown() throws Exception {
    cp.close();
  }

  @Test
  void onlyPlatformAdminsAndConfigReadersReadSnapshots() throws Exception {
    long latest = cp.get("/api/v1/config/snapshots/latest", root).json().getLong("version");
    List<String> routes = List.of("/api/v1/config/snapshots/latest", "/api/v1/config/snapshots/" + latest,
        "/api/v1/config/snapshots/1");
    List<String> wrong = new ArrayList<>();
    for (String route : routes) {
      for (Map.Entry<String, String> caller : TOKENS.entrySet()) {
        Reply reply = cp.get(route, caller.getValue());
        if (READERS.contains(caller.getKey())) {
          // Version 1 predates the org; the others hold it.
          boolean holdsOrg = route.endsWith("/1") || reply.body().contains("\"acme\"");
          if (reply.status() != 200 || !holdsOrg) {
            wrong.add(route + " as " + caller.getKey() + ": expected the snapshot, got " + reply.status() + " "
                + reply.body());
          }
        } else if (reply.status() != 403 || reply.body().contains("acme") || reply.body().contains("1234")) {
          wrong.add(route + " as " + caller.getKey() + ": expected 403 without the snapshot, got " + reply.status()
              + " " + reply.body());
        }
      }
      assertEquals(401, cp.get(route, null).status(), route + " without a token");
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
  }

  @Test
  void theLatestSnapshotReadByAConfigReaderHoldsTheOrgsBudget() throws Exception {
    Reply reply = cp.get("/api/v1/config/snapshots/latest", TOKENS.get("config reader"));
    assertEquals(200, reply.status(), reply.body());
    assertTrue(reply.body().contains("\"acme\"") && reply.body().contains("1234"), reply.body());
  }

  @Test
  void aConfigReaderIsNoAdmin() throws Exception {
    String reader = TOKENS.get("config reader");
    assertEquals(403, cp.get("/api/v1/users", reader).status());
    assertEquals(403, cp.post("/api/v1/orgs", reader, new JsonObject().put("name", "sneaky")).status());
    assertEquals(404, cp.get("/api/v1/orgs/acme", reader).status());
    assertEquals(403, cp.post("/api/v1/backends", reader, new JsonObject().put("id", "b").put("url", "http://x"))
        .status());
    JsonObject me = cp.get("/api/v1/me", reader).json();
    assertTrue(me.getBoolean("configReader"));
    assertFalse(me.getBoolean("platformAdmin"));
  }

  @Test
  void onlyAPlatformAdminMakesAConfigReaderAndTheFlagIsABoolean() throws Exception {
    Reply byOwner = cp.post("/api/v1/users", TOKENS.get("owner"), new JsonObject().put("email", "r2@example.com")
        .put("configReader", true));
    assertEquals(403, byOwner.status(), byOwner.body());
    Reply notBoolean = cp.post("/api/v1/users", root, new JsonObject().put("email", "r3@example.com")
        .put("configReader", "yes"));
    assertEquals(422, notBoolean.status(), notBoolean.body());
    assertTrue(notBoolean.body().contains("$.configReader"), notBoolean.body());
  }
}
