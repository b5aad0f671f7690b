package io.tollgate.controlplane.api;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Refused attempts are in the audit log: who, what, why; reads that merely find nothing are not. */
class RefusedAttemptsTest {

  private static RunningControlPlane cp;
  private static String root;
  private static String viewer;

  @BeforeAll
  static void setUp() throws Exception {
    cp = RunningControlPlane.start();
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    viewer = cp.user(root, "vic@example.com", false);
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "acme")).status());
    assertEquals(200, cp.put("/api/v1/orgs/acme/members/vic@example.com", root, new JsonObject().put("role", "viewer"))
        .status());
  }

  @AfterAll
  static void tearDown() throws Exception {
    cp.close();
  }

  /** The refused entries, newest first, waiting for the ones expected (each is written after its answer). */
  private static JsonArray refused(int expected) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    JsonArray entries;
    do {
      entries = cp.get("/api/v1/audit?action=refused", root).json().getJsonArray("entries");
      if (entries.size() >= expected) {
        return entries;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    return entries;
  }

  @Test
  void whoWhatAndWhyOfEachRefusal() throws Exception {
    assertEquals(403, cp.post("/api/v1/orgs/acme/keys", viewer, new JsonObject().put("id", "k")).status());
    assertEquals(401, cp.call(HttpMethod.DELETE, "/api/v1/backends/gpu-a", "tga-stolen", null).status());
    assertEquals(422, cp.post("/api/v1/backends", root, new JsonObject().put("id", "b").put("colour", "red")).status());
    assertEquals(404, cp.get("/api/v1/orgs/acme/keys/none", viewer).status(), "a read that finds nothing");
    assertEquals(200, cp.get("/api/v1/orgs/acme", viewer).status());

    JsonArray entries = refused(3);
    assertEquals(3, entries.size(), entries.encodePrettily());
    List<String> summary = entries.stream().map(e -> (JsonObject) e).map(e -> e.getString("actor") + " "
        + e.getString("target") + " " + e.getJsonObject("after").getInteger("status")).toList();
    assertEquals(List.of("root@example.com api:/api/v1/backends 422",
        "anonymous backend:gpu-a 401", "vic@example.com org:acme 403"), summary);
    JsonObject forbidden = entries.getJsonObject(2);
    assertEquals("POST", forbidden.getJsonObject("after").getString("method"));
    assertEquals("/api/v1/orgs/{org}/keys", forbidden.getJsonObject("after").getString("route"));
    assertTrue(forbidden.getJsonObject("after").getString("reason").contains("viewer"), forbidden.encode());
    assertTrue(entries.getJsonObject(0).getJsonObject("after").getString("reason").contains("refused"),
        entries.getJsonObject(0).encode());

    // Counted once the row is written, which can be just after it is readable.
    String audited = "tollgate_control_plane_refused_attempts_total{outcome=\"audited\"} 3.0";
    io.tollgate.controlplane.observability.Scrape scrape = io.tollgate.controlplane.observability.Scrape.of(cp);
    for (int i = 0; i < 100 && !scrape.text().contains(audited); i++) {
      Thread.sleep(20);
      scrape = io.tollgate.controlplane.observability.Scrape.of(cp);
    }
    assertTrue(scrape.text().contains(audited),
        scrape.text().lines().filter(l -> l.contains("refused_attempts")).toList().toString());

    // A path no route serves is named as it was sent.
    assertEquals(405, cp.call(HttpMethod.DELETE, "/api/v1/me", viewer, null).status());
    JsonArray latest = refused(4);
    assertEquals("api:/api/v1/me", latest.getJsonObject(0).getString("target"), latest.getJsonObject(0).encode());

    // The org's own trail shows the attempts on it.
    JsonArray org = cp.get("/api/v1/orgs/acme/audit?action=refused", root).json().getJsonArray("entries");
    assertEquals(1, org.size(), org.encode());
  }
}
