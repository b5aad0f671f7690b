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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every answer of the port, wherever it comes from, is JSON in the API's error shape with the right status. */
class ErrorContractTest {

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

  /** The error object of an answer, after checking the answer is the API's shape with this status. */
  private static JsonObject error(Reply reply, int status) {
    assertEquals(status, reply.status(), reply.body());
    JsonObject error = new JsonObject(reply.body()).getJsonObject("error");
    assertEquals(status, error.getInteger("status"), reply.body());
    assertFalse(error.getString("message").isBlank(), reply.body());
    return error;
  }

  @Test
  void pathsOutsideTheApiGetA404InTheApiShape() throws Exception {
    // Was Vert.x's HTML page "Resource not found".
    error(cp.get("/nothing/here", null), 404);
    error(cp.get("/api/v2/orgs", root), 404);
  }

  @Test
  void aKnownPathWithAnotherMethodGets405WithTheMethodsItAllows() throws Exception {
    JsonObject me = error(cp.call(HttpMethod.DELETE, "/api/v1/me", root, null), 405);
    assertTrue(me.getString("message").contains("GET"), me.encode());
    JsonObject key = error(cp.call(HttpMethod.PUT, "/api/v1/orgs/acme/keys/ci", root, new JsonObject()), 405);
    assertTrue(key.getString("message").contains("PATCH"), key.encode());
    error(cp.call(HttpMethod.POST, "/health", null, null), 405);
    // A path with no route at all is still a 404.
    error(cp.call(HttpMethod.DELETE, "/api/v1/nothing", root, null), 404);
  }

  @Test
  void theAllowHeaderListsTheMethods() throws Exception {
    io.vertx.core.http.HttpClient client = cp.guarded.vertx().createHttpClient(
        new io.vertx.core.http.HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(cp.plane.port()));
    try {
      String allow = cp.onContext(() -> client.request(new io.vertx.core.http.RequestOptions()
              .setMethod(HttpMethod.POST).setURI("/api/v1/orgs/acme").putHeader("authorization", "Bearer " + root))
          .compose(request -> request.send().compose(response -> response.body().map(body -> response.statusCode()
              + " " + response.getHeader("allow")))));
      assertEquals("405 DELETE, GET, PATCH, PUT", allow);
    } finally {
      RunningControlPlane.await(client.close());
    }
  }

  @Test
  void schemaRefusalsReadAsSentencesNotValidatorText() throws Exception {
    assertEquals(201, cp.post("/api/v1/backends", root, new JsonObject().put("id", "b1").put("url", "http://h:1")).status());
    assertEquals(201, cp.post("/api/v1/models", root, new JsonObject().put("name", "m1")
        .put("prices", new JsonObject().put("promptPerMillion", 1).put("completionPerMillion", 2))).status());
    Reply empty = cp.post("/api/v1/routes", root, new JsonObject().put("model", "m1").put("backends", new JsonArray()));
    JsonObject error = error(empty, 422);
    String reasons = error.getJsonArray("fields").encode();
    assertFalse(reasons.contains("( +"), "raw validator text: " + reasons);
    assertTrue(reasons.contains("must have at least 1 item"), reasons);

    Reply badId = cp.post("/api/v1/backends", root, new JsonObject().put("id", "gpu a!").put("url", "http://h:1"));
    assertEquals("must be 1 to 64 letters, digits or . _ - (got \"gpu a!\")",
        error(badId, 422).getJsonArray("fields").getJsonObject(0).getString("reason"));

    Reply wrongType = cp.post("/api/v1/routes", root, new JsonObject().put("model", "m1")
        .put("backends", new JsonArray().add("b1")).put("maxAttempts", "three"));
    String typeReasons = error(wrongType, 422).getJsonArray("fields").encode();
    assertFalse(typeReasons.contains("Instance type"), typeReasons);
    assertTrue(typeReasons.contains("must be an integer"), typeReasons);
  }

  @Test
  void whatPostgresqlRefusesReadsAsWordsNotConstraintText() throws Exception {
    JsonObject noPolicy = error(cp.post("/api/v1/orgs", root, new JsonObject().put("name", "p1").put("policy", "nope")), 422);
    assertEquals("no policy nope", noPolicy.getString("message"), noPolicy.encode());
    assertEquals("$.policy", noPolicy.getJsonArray("fields").getJsonObject(0).getString("path"));
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "p2")).status());
    assertEquals("name p2 already exists", error(cp.post("/api/v1/orgs", root, new JsonObject().put("name", "p2")), 409)
        .getString("message"));
    assertEquals(201, cp.post("/api/v1/policies", root, new JsonObject().put("name", "used")
        .put("limits", new JsonObject().put("requestsPerMinute", 1))).status());
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "p3").put("policy", "used")).status());
    JsonObject inUse = error(cp.call(HttpMethod.DELETE, "/api/v1/policies/used", root, null), 422);
    assertEquals("used is still in use by an org", inUse.getString("message"), inUse.encode());
    JsonObject ghost = error(cp.put("/api/v1/orgs/p2/members/ghost@example.com", root, new JsonObject()
        .put("role", "viewer")), 422);
    assertTrue(ghost.getString("message").startsWith("no user ghost@example.com: create it first"), ghost.encode());
  }

  @Test
  void anOversizedBodyIsA413InTheApiShape() throws Exception {
    String big = "{\"name\":\"" + "a".repeat(ApiServer.MAX_BODY_BYTES + 10) + "\"}";
    error(cp.raw(HttpMethod.POST, "/api/v1/orgs", root, big), 413);
  }

  @Test
  void everyRefusalOfTheApiIsInTheShape() throws Exception {
    for (Reply reply : List.of(cp.get("/api/v1/orgs", null), cp.get("/api/v1/orgs/none", root),
        cp.raw(HttpMethod.POST, "/api/v1/orgs", root, "{"))) {
      assertTrue(reply.status() >= 400);
      error(reply, reply.status());
    }
  }
}
