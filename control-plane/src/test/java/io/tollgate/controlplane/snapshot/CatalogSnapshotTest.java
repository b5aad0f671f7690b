package io.tollgate.controlplane.snapshot;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.controlplane.testsupport.RunningControlPlane.Reply;
import io.tollgate.gateway.config.ConfigHolder;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Catalogue changes → immutable, valid, versioned snapshots; invalid ones refused with every reason. */
class CatalogSnapshotTest {

  private static RunningControlPlane cp;
  private static String root;

  @BeforeAll
  static void setUp() throws Exception {
    cp = RunningControlPlane.start();
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    assertEquals(404, cp.get("/api/v1/config/snapshots/latest", root).status(), "no version before the first change");
    created(cp.post("/api/v1/backends", root, new JsonObject().put("id", "b1").put("url", "http://10.0.0.1:8000")));
    created(cp.post("/api/v1/backends", root, new JsonObject().put("id", "b2").put("url", "http://10.0.0.2:8000")));
    created(cp.post("/api/v1/models", root, new JsonObject().put("name", "meta/llama-8b")
        .put("prices", new JsonObject().put("promptPerMillion", 0.1).put("completionPerMillion", 0.4))));
    created(cp.post("/api/v1/routes", root, new JsonObject().put("model", "meta/llama-8b")
        .put("backends", new JsonArray().add("b1")).put("maxAttempts", 2)));
    created(cp.post("/api/v1/policies", root, new JsonObject().put("name", "default")
        .put("limits", new JsonObject().put("requestsPerMinute", 600))));
  }

  @AfterAll
  static void tearDown() throws Exception {
    cp.close();
  }

  private static JsonObject created(Reply reply) {
    assertEquals(201, reply.status(), reply.body());
    return reply.json();
  }

  private static JsonObject latest() throws Exception {
    Reply reply = cp.get("/api/v1/config/snapshots/latest", root);
    assertEquals(200, reply.status(), reply.body());
    return reply.json();
  }

  @Test
  void eachChangeMakesAVersionTheGatewayAccepts() throws Exception {
    JsonObject latest = latest();
    JsonObject snapshot = latest.getJsonObject("snapshot");
    assertTrue(latest.getLong("version") >= 4);
    assertEquals("meta/llama-8b", snapshot.getJsonArray("models").getJsonObject(0).getString("name"));
    assertEquals(0.4, snapshot.getJsonArray("models").getJsonObject(0).getJsonObject("prices")
        .getDouble("completionPerMillion"));
    assertEquals(600, snapshot.getJsonObject("defaults").getJsonObject("limits").getInteger("requestsPerMinute"));
    // The gateway's own validate-and-parse path takes it as it is.
    ConfigHolder.fromRaw(snapshot);

    JsonObject route = cp.get("/api/v1/routes/meta/llama-8b", root).json();
    Reply moved = cp.put("/api/v1/routes/meta/llama-8b", root, new JsonObject()
        .put("backends", new JsonArray().add("b2")).put("version", route.getInteger("version")));
    assertEquals(200, moved.status(), moved.body());
    JsonObject next = latest();
    assertEquals(latest.getLong("version") + 1, next.getLong("version"));
    assertEquals("b2", next.getJsonObject("snapshot").getJsonArray("models").getJsonObject(0)
        .getJsonArray("backends").getString(0));
    // Old versions stay as they were.
    JsonObject old = cp.get("/api/v1/config/snapshots/" + latest.getLong("version"), root).json();
    assertEquals(snapshot, old.getJsonObject("snapshot"));

    // A change that leaves the snapshot as it is makes no version.
    JsonObject model = cp.get("/api/v1/models/meta/llama-8b", root).json();
    assertEquals(200, cp.put("/api/v1/models/meta/llama-8b", root, new JsonObject().put("prices", model.getJsonObject("prices"))
        .put("version", model.getInteger("version"))).status());
    assertEquals(next.getLong("version"), latest().getLong("version"));
    assertEquals(409, cp.put("/api/v1/models/meta/llama-8b", root, new JsonObject().put("prices", model.getJsonObject("prices"))
        .put("version", model.getInteger("version"))).status(), "stale version");
  }

  @Test
  void orgBudgetsAndPoliciesAreInTheSnapshotToo() throws Exception {
    created(cp.post("/api/v1/policies", root, new JsonObject().put("name", "team")
        .put("limits", new JsonObject().put("requestsPerMinute", 100).put("tokensPerMinute", 5000))));
    long before = latest().getLong("version");
    created(cp.post("/api/v1/orgs", root, new JsonObject().put("name", "acme").put("policy", "team")
        .put("budget", new JsonObject().put("limitUsd", 25).put("period", "day"))));
    JsonObject next = latest();
    assertEquals(before + 1, next.getLong("version"));
    JsonObject org = next.getJsonObject("snapshot").getJsonArray("orgs").getJsonObject(0);
    assertEquals(new JsonObject().put("id", "acme").put("limits", new JsonObject().put("requestsPerMinute", 100)
        .put("tokensPerMinute", 5000)).put("budget", new JsonObject().put("limitUsd", 25.0).put("period", "day")), org);
    ConfigHolder.fromRaw(next.getJsonObject("snapshot"));
  }

  private static JsonObject modelIn(JsonObject snapshot, String name) {
    return snapshot.getJsonArray("models").stream().map(JsonObject.class::cast)
        .filter(model -> model.getString("name").equals(name)).findFirst().orElse(null);
  }

  @Test
  void aRouteWithWeightsIsAcceptedAndInTheSnapshot() throws Exception {
    // Named to sort after the other tests' models, whose positions in the snapshot they check.
    created(cp.post("/api/v1/models", root, new JsonObject().put("name", "zeta/weighted")
        .put("prices", new JsonObject().put("promptPerMillion", 1).put("completionPerMillion", 1))));
    JsonObject weights = new JsonObject().put("b1", 3).put("b2", 0);
    created(cp.post("/api/v1/routes", root, new JsonObject().put("model", "zeta/weighted")
        .put("backends", new JsonArray().add("b1").add("b2")).put("weights", weights)));
    JsonObject snapshot = latest().getJsonObject("snapshot");
    JsonObject route = modelIn(snapshot, "zeta/weighted");
    assertEquals(weights, route.getJsonObject("weights"), route.encode());
    assertEquals(new JsonArray().add("b1").add("b2"), route.getJsonArray("backends"), "backends stay a list of ids");
    assertEquals(weights, cp.get("/api/v1/routes/zeta/weighted", root).json().getJsonObject("weights"));
    // The gateway takes it as it is, weights included.
    assertEquals(3, ConfigHolder.fromRaw(snapshot).current().models().get("zeta/weighted").weight("b1"));
  }

  @Test
  void aWeightNamingABackendOutsideTheRouteIsRefusedWithItsReason() throws Exception {
    created(cp.post("/api/v1/models", root, new JsonObject().put("name", "zeta/refused")
        .put("prices", new JsonObject().put("promptPerMillion", 1).put("completionPerMillion", 1))));
    long version = latest().getLong("version");

    Reply refused = cp.post("/api/v1/routes", root, new JsonObject().put("model", "zeta/refused")
        .put("backends", new JsonArray().add("b1")).put("weights", new JsonObject().put("b1", 2).put("gpu-9", 1)));
    assertEquals(422, refused.status(), refused.body());
    List<String> reasons = reasons(refused);
    assertTrue(reasons.stream().anyMatch(r -> r.matches("\\$\\.models\\[\\d+]\\.weights\\.gpu-9 backend gpu-9 is not in the "
        + "backends of the route of model zeta/refused \\(a weight applies to a backend of the route\\)")), reasons.toString());
    assertEquals(1, reasons.size(), reasons.toString());

    Reply drained = cp.post("/api/v1/routes", root, new JsonObject().put("model", "zeta/refused")
        .put("backends", new JsonArray().add("b1")).put("weights", new JsonObject().put("b1", 0)));
    assertEquals(422, drained.status(), drained.body());
    assertTrue(reasons(drained).stream().anyMatch(r -> r.endsWith(".weights every backend of the route of model "
        + "zeta/refused has weight 0: at least one must take requests (0 drains a backend)")), reasons(drained).toString());

    Reply outOfRange = cp.post("/api/v1/routes", root, new JsonObject().put("model", "zeta/refused")
        .put("backends", new JsonArray().add("b1")).put("weights", new JsonObject().put("b1", 1001)));
    assertEquals(422, outOfRange.status(), outOfRange.body());
    List<String> range = reasons(outOfRange);
    assertTrue(!range.isEmpty() && range.stream().allMatch(r -> r.contains(".weights.b1 ")), range.toString());

    assertEquals(version, latest().getLong("version"), "no new version");
    assertEquals(0, cp.schema.count("SELECT count(*) FROM $S.routes WHERE model = 'zeta/refused'"));
  }

  private static List<String> reasons(Reply reply) {
    return reply.json().getJsonObject("error").getJsonArray("fields").stream()
        .map(f -> ((JsonObject) f).getString("path") + " " + ((JsonObject) f).getString("reason")).toList();
  }

  @Test
  void anInvalidConfigIsRefusedWithEveryReasonAndChangesNothing() throws Exception {
    long version = latest().getLong("version");
    long audit = cp.schema.count("SELECT count(*) FROM $S.audit_log WHERE action <> 'refused'");
    created(cp.post("/api/v1/models", root, new JsonObject().put("name", "other")
        .put("prices", new JsonObject().put("promptPerMillion", 1).put("completionPerMillion", 1))));
    version = latest().getLong("version"); // a model without a route is not in the snapshot
    audit = cp.schema.count("SELECT count(*) FROM $S.audit_log WHERE action <> 'refused'");

    Reply refused = cp.post("/api/v1/routes", root, new JsonObject().put("model", "other")
        .put("backends", new JsonArray().add("nope").add("b1")).put("maxAttempts", 0).put("strategy", "psychic")
        .put("fallback", "missing-model"));
    assertEquals(422, refused.status(), refused.body());
    List<String> reasons = refused.json().getJsonObject("error").getJsonArray("fields").stream()
        .map(f -> ((JsonObject) f).getString("path") + " " + ((JsonObject) f).getString("reason")).toList();
    assertTrue(reasons.stream().anyMatch(r -> r.startsWith("$.models[1].backends[0] unknown backend nope")), reasons.toString());
    assertTrue(reasons.stream().anyMatch(r -> r.startsWith("$.models[1].maxAttempts")), reasons.toString());
    assertTrue(reasons.stream().anyMatch(r -> r.startsWith("$.models[1].strategy")), reasons.toString());
    assertTrue(reasons.stream().anyMatch(r -> r.startsWith("$.models[1].fallback")), reasons.toString());
    assertEquals(version, latest().getLong("version"), "no new version");
    assertEquals(audit, cp.schema.count("SELECT count(*) FROM $S.audit_log WHERE action <> 'refused'"), "no audit row");
    assertEquals(0, cp.schema.count("SELECT count(*) FROM $S.routes WHERE model = 'other'"));

    Reply inUse = cp.call(HttpMethod.DELETE, "/api/v1/backends/b2", root, null);
    assertEquals(422, inUse.status(), "a backend a route uses cannot go");
    assertEquals(version, latest().getLong("version"));
  }
}
