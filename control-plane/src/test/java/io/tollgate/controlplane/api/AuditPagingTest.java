package io.tollgate.controlplane.api;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.controlplane.testsupport.RunningControlPlane.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit trail pages through everything (no silent cut at 1,000) and filters by actor, action, target and time. */
class AuditPagingTest {

  private static RunningControlPlane cp;
  private static String root;
  private static String ann;

  @BeforeAll
  static void setUp() throws Exception {
    cp = RunningControlPlane.start();
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    ann = cp.user(root, "ann@example.com", false);
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "paged")).status());
    assertEquals(200, cp.put("/api/v1/orgs/paged/members/ann@example.com", root, new JsonObject().put("role", "owner"))
        .status());
    for (int i = 0; i < 25; i++) {
      assertEquals(201, cp.post("/api/v1/orgs/paged/keys", ann, new JsonObject().put("id", "k" + i)).status());
    }
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "other")).status());
  }

  @AfterAll
  static void tearDown() throws Exception {
    cp.close();
  }

  private static List<JsonObject> all(String path, String token) throws Exception {
    List<JsonObject> entries = new ArrayList<>();
    String next = null;
    do {
      Reply page = cp.get(path + (path.contains("?") ? "&" : "?") + "limit=10" + (next == null ? "" : "&before=" + next), token);
      assertEquals(200, page.status(), page.body());
      JsonArray items = page.json().getJsonArray("entries");
      assertTrue(items.size() <= 10);
      items.forEach(item -> entries.add((JsonObject) item));
      next = page.json().getString("next");
    } while (next != null);
    return entries;
  }

  @Test
  void theOrgTrailPagesNewestFirstThroughEveryEntry() throws Exception {
    List<JsonObject> trail = all("/api/v1/orgs/paged/audit", ann);
    assertEquals(27, trail.size(), "org.create, member.put and 25 key.create");
    assertEquals("org.create", trail.get(trail.size() - 1).getString("action"));
    for (int i = 1; i < trail.size(); i++) {
      assertTrue(trail.get(i - 1).getLong("id") > trail.get(i).getLong("id"), "newest first");
    }
    assertTrue(trail.stream().noneMatch(e -> e.getString("target").equals("org:other")), "only this org's");
  }

  @Test
  void filtersNarrowByActorActionTargetAndTime() throws Exception {
    assertEquals(25, all("/api/v1/audit?actor=ann@example.com", root).size());
    assertEquals(25, all("/api/v1/audit?action=key.*", root).size());
    assertEquals(1, all("/api/v1/audit?action=member.put", root).size());
    assertEquals(1, all("/api/v1/audit?target=org:paged/key:k7", root).size());
    assertEquals(26, all("/api/v1/audit?target=org:paged/*", root).size());
    assertEquals(0, all("/api/v1/audit?since=" + Instant.now().plusSeconds(60), root).size());
    assertEquals(0, all("/api/v1/audit?until=2000-01-01T00:00:00Z", root).size());
    Reply page = cp.get("/api/v1/audit?limit=500", root);
    assertNull(page.json().getValue("next"), "everything fits in one page of 500");
    Reply bad = cp.get("/api/v1/audit?limit=5000&since=yesterday", root);
    assertEquals(400, bad.status());
    assertEquals(2, bad.json().getJsonObject("error").getJsonArray("fields").size(), bad.body());
  }
}
