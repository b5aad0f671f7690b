package io.tollgate.controlplane.api;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.controlplane.testsupport.RunningControlPlane.Reply;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unknown fields are refused by name (with "did you mean"); PATCH is a JSON merge patch guarded by the version read. */
class StrictBodiesAndPatchTest {

  private static RunningControlPlane cp;
  private static String root;
  private static HttpClient client;

  @BeforeAll
  static void setUp() throws Exception {
    cp = RunningControlPlane.start();
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    client = cp.guarded.vertx().createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(cp.plane.port()));
  }

  @AfterAll
  static void tearDown() throws Exception {
    client.close();
    cp.close();
  }

  /** The (path, reason) pairs of a 422. */
  private static List<String> refusals(Reply reply) {
    assertEquals(422, reply.status(), reply.body());
    return reply.json().getJsonObject("error").getJsonArray("fields").stream()
        .map(f -> ((JsonObject) f).getString("path") + " " + ((JsonObject) f).getString("reason")).toList();
  }

  @Test
  void unknownFieldsAreRefusedByNameWithASuggestionWhenClose() throws Exception {
    assertEquals(List.of("$.lables unknown field lables: did you mean labels?"),
        refusals(cp.post("/api/v1/backends", root, new JsonObject().put("id", "b").put("url", "http://h:1")
            .put("lables", new JsonObject()))));
    assertEquals(List.of("$.dispaly unknown field dispaly: did you mean display?"),
        refusals(cp.post("/api/v1/orgs", root, new JsonObject().put("name", "o").put("dispaly", "O"))));
    List<String> colour = refusals(cp.post("/api/v1/orgs", root, new JsonObject().put("name", "o").put("colour", "red")));
    assertEquals(1, colour.size());
    assertTrue(colour.get(0).startsWith("$.colour unknown field colour (known: "), colour.toString());
    assertEquals(List.of("$.budget.perod unknown field perod: did you mean period?"),
        refusals(cp.post("/api/v1/orgs", root, new JsonObject().put("name", "o")
            .put("budget", new JsonObject().put("limitUsd", 5).put("perod", "day")))));
    assertEquals(404, cp.get("/api/v1/orgs/o", root).status(), "nothing was created");

    assertEquals(201, cp.post("/api/v1/backends", root, new JsonObject().put("id", "b").put("url", "http://h:1")).status());
    assertEquals(201, cp.post("/api/v1/models", root, new JsonObject().put("name", "m")
        .put("prices", new JsonObject().put("promptPerMillion", 1).put("completionPerMillion", 2))).status());
    // Nested route fields are held to the gateways' snapshot schema, by the body's own paths.
    List<String> route = refusals(cp.post("/api/v1/routes", root, new JsonObject().put("model", "m")
        .put("backends", new JsonArray().add("b")).put("stratgy", "least-load")
        .put("timeouts", new JsonObject().put("firstTokn", 1000))));
    assertTrue(route.contains("$.stratgy unknown field stratgy: did you mean strategy?"), route.toString());
    assertTrue(route.stream().anyMatch(r -> r.startsWith("$.timeouts.firstTokn unknown field firstTokn")), route.toString());
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "keyed")).status());
    List<String> key = refusals(cp.post("/api/v1/orgs/keyed/keys", root, new JsonObject().put("id", "k")
        .put("limits", new JsonObject().put("requestsPerMinut", 5))));
    assertEquals(List.of("$.limits.requestsPerMinut unknown field requestsPerMinut: did you mean requestsPerMinute?"), key);
  }

  @Test
  void aKeyCannotBeMadeToExpireInThePast() throws Exception {
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "exp")).status());
    assertEquals(List.of("$.expiresAt is in the past (2020-01-01T00:00:00Z): a key's expiry must be ahead of now"),
        refusals(cp.post("/api/v1/orgs/exp/keys", root, new JsonObject().put("id", "old")
            .put("expiresAt", "2020-01-01T00:00:00Z"))));
    assertEquals(201, cp.post("/api/v1/orgs/exp/keys", root, new JsonObject().put("id", "exp-k")
        .put("expiresAt", "2999-01-01T00:00:00Z")).status());
    assertEquals(422, cp.call(HttpMethod.PATCH, "/api/v1/orgs/exp/keys/exp-k", root, new JsonObject()
        .put("expiresAt", "2020-01-01T00:00:00Z")).status());
  }

  @Test
  void patchChangesOnlyTheFieldsItNames() throws Exception {
    assertEquals(201, cp.post("/api/v1/policies", root, new JsonObject().put("name", "p").put("limits",
        new JsonObject().put("requestsPerMinute", 10).put("tokensPerMinute", 1000).put("maxConcurrentStreams", 2))).status());
    Reply patched = cp.call(HttpMethod.PATCH, "/api/v1/policies/p", root, new JsonObject()
        .put("limits", new JsonObject().put("requestsPerMinute", 11)));
    assertEquals(200, patched.status(), patched.body());
    assertEquals(new JsonObject().put("requestsPerMinute", 11).put("tokensPerMinute", 1000).put("maxConcurrentStreams", 2),
        patched.json().getJsonObject("limits"));
    // null removes a field.
    JsonObject cleared = cp.call(HttpMethod.PATCH, "/api/v1/policies/p", root, new JsonObject()
        .put("limits", new JsonObject().putNull("maxConcurrentStreams"))).json();
    assertEquals(new JsonObject().put("requestsPerMinute", 11).put("tokensPerMinute", 1000), cleared.getJsonObject("limits"));

    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "po").put("display", "P")
        .put("policy", "p").put("budget", new JsonObject().put("limitUsd", 50).put("period", "day"))).status());
    JsonObject org = cp.call(HttpMethod.PATCH, "/api/v1/orgs/po", root, new JsonObject()
        .put("budget", new JsonObject().put("limitUsd", 60))).json();
    assertEquals("P", org.getString("display"));
    assertEquals("p", org.getString("policy"));
    assertEquals(new JsonObject().put("limitUsd", 60.0).put("period", "day"), org.getJsonObject("budget"));
    assertEquals(List.of("$.budjet unknown field budjet: did you mean budget?"),
        refusals(cp.call(HttpMethod.PATCH, "/api/v1/orgs/po", root, new JsonObject().putNull("budjet"))));
    assertNull(cp.call(HttpMethod.PATCH, "/api/v1/orgs/po", root, new JsonObject().putNull("budget")).json()
        .getValue("budget"), "null clears the budget");
    assertEquals("P", cp.get("/api/v1/orgs/po", root).json().getString("display"));
  }

  @Test
  void aStaleVersionIsRefused412ByIfMatchAnd409InTheBody() throws Exception {
    assertEquals(201, cp.post("/api/v1/backends", root, new JsonObject().put("id", "v").put("url", "http://h:2")).status());
    Sent read = send(HttpMethod.GET, "/api/v1/backends/v", null, null);
    assertEquals("\"1\"", read.etag());
    Sent first = send(HttpMethod.PATCH, "/api/v1/backends/v", "\"1\"", new JsonObject().put("url", "http://h:3"));
    assertEquals(200, first.status(), first.body());
    assertEquals("\"2\"", first.etag());
    Sent stale = send(HttpMethod.PATCH, "/api/v1/backends/v", "\"1\"", new JsonObject().put("url", "http://h:4"));
    assertEquals(412, stale.status(), stale.body());
    assertTrue(stale.body().contains("stale version 1"), stale.body());
    Reply staleBody = cp.call(HttpMethod.PATCH, "/api/v1/backends/v", root, new JsonObject().put("url", "http://h:4")
        .put("version", 1));
    assertEquals(409, staleBody.status(), staleBody.body());
    assertEquals("http://h:3", cp.get("/api/v1/backends/v", root).json().getString("url"));

    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "vo")).status());
    assertEquals(201, cp.post("/api/v1/orgs/vo/keys", root, new JsonObject().put("id", "k")).status());
    assertEquals(200, send(HttpMethod.PATCH, "/api/v1/orgs/vo/keys/k", "\"1\"", new JsonObject()
        .put("limits", new JsonObject().put("requestsPerMinute", 5))).status());
    assertEquals(412, send(HttpMethod.PATCH, "/api/v1/orgs/vo/keys/k", "\"1\"", new JsonObject()
        .put("limits", new JsonObject().put("requestsPerMinute", 6))).status());
    assertEquals(412, send(HttpMethod.PATCH, "/api/v1/orgs/vo", "\"7\"", new JsonObject().put("display", "x")).status());
  }

  private record Sent(int status, String body, String etag) {
  }

  private static Sent send(HttpMethod method, String path, String ifMatch, JsonObject body) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path).putHeader("authorization", "Bearer " + root);
    if (ifMatch != null) {
      options.putHeader("if-match", ifMatch);
    }
    if (body != null) {
      options.putHeader("content-type", "application/json");
    }
    Buffer payload = body == null ? Buffer.buffer() : body.toBuffer();
    return cp.onContext(() -> client.request(options).compose(request -> request.send(payload)
        .compose(response -> response.body().map(b -> new Sent(response.statusCode(), b.toString(),
            response.getHeader("etag"))))));
  }
}
