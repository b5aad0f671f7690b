package io.tollgate.controlplane.alerts;

import io.tollgate.controlplane.store.AlertStore;
import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Thresholds per budget ({@code alertsAt}): kept with the org's and the key's budget, carried to
 * the gateways in the snapshot and the key record, read by the alert relay; bad ones refused.
 */
class AlertThresholdsTest {

  private static RunningControlPlane cp;
  private static String root;

  @BeforeAll
  static void start() throws Exception {
    cp = RunningControlPlane.start();
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "acme")).status());
  }

  @AfterAll
  static void stop() throws Exception {
    cp.close();
  }

  @Test
  void thresholdsTravelWithTheBudgetToTheSnapshotTheKeyRecordAndTheRelay() throws Exception {
    RunningControlPlane.Reply set = cp.put("/api/v1/orgs/acme/budget", root, new JsonObject().put("limitUsd", 100)
        .put("period", "day").put("alertsAt", new JsonArray().add(90).add(25)));
    assertEquals(200, set.status(), set.body());
    assertEquals(new JsonObject().put("limitUsd", 100.0).put("period", "day").put("alertsAt", new JsonArray().add(25).add(90)),
        cp.get("/api/v1/orgs/acme", root).json().getJsonObject("budget"), "kept ascending");
    JsonObject snapshot = cp.get("/api/v1/config/snapshots/latest", root).json();
    assertTrue(snapshot.encode().contains("\"alertsAt\":[25,90]"), snapshot.encode());

    JsonObject key = cp.post("/api/v1/orgs/acme/keys", root, new JsonObject().put("id", "ci")
        .put("budget", new JsonObject().put("limitUsd", 5).put("alertsAt", new JsonArray().add(100)))).json();
    assertEquals(new JsonArray().add(100), key.getJsonObject("budget").getJsonArray("alertsAt"), key.encode());
    JsonObject plain = cp.post("/api/v1/orgs/acme/keys", root, new JsonObject().put("id", "plain")
        .put("budget", new JsonObject().put("limitUsd", 5))).json();
    assertFalse(plain.getJsonObject("budget").containsKey("alertsAt"), "the default is not written out");
    RunningControlPlane.Reply patched = cp.call(HttpMethod.PATCH, "/api/v1/orgs/acme/keys/plain", root,
        new JsonObject().put("budget", new JsonObject().put("limitUsd", 6).put("alertsAt", new JsonArray().add(75))));
    assertEquals(200, patched.status(), patched.body());

    List<Budget> budgets = cp.onContext(() -> AlertStore.budgets(cp.plane.pool()));
    assertEquals(List.of(List.of(25, 90), List.of(100), List.of(75)),
        budgets.stream().map(Budget::alertsAt).toList(), budgets.toString());
    assertEquals(List.of("org", "key", "key"), budgets.stream().map(Budget::scope).toList());
  }

  @Test
  void badThresholdsAreRefusedByPath() throws Exception {
    for (JsonArray bad : List.of(new JsonArray(), new JsonArray().add(0), new JsonArray().add(101),
        new JsonArray().add(50).add(50), new JsonArray().add(12.5), new JsonArray().add("80"))) {
      RunningControlPlane.Reply reply = cp.put("/api/v1/orgs/acme/budget", root, new JsonObject().put("limitUsd", 1)
          .put("alertsAt", bad));
      assertEquals(422, reply.status(), bad.encode() + ": " + reply.body());
      JsonObject field = reply.json().getJsonObject("error").getJsonArray("fields").getJsonObject(0);
      assertEquals("$.alertsAt", field.getString("path"));
    }
    RunningControlPlane.Reply key = cp.post("/api/v1/orgs/acme/keys", root, new JsonObject().put("id", "k")
        .put("budget", new JsonObject().put("limitUsd", 1).put("alertsAt", new JsonArray().add(200))));
    assertEquals("$.budget.alertsAt", key.json().getJsonObject("error").getJsonArray("fields").getJsonObject(0)
        .getString("path"));
  }
}
