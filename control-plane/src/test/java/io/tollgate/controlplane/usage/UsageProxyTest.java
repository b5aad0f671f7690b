package io.tollgate.controlplane.usage;

import io.tollgate.controlplane.config.AnalyticsLink;
import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.controlplane.testsupport.RunningControlPlane.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Org usage through the control plane: scoped to the org the caller may read, asked with the
 * analytics token, which never reaches the caller. The analytics service here is a stand-in HTTP
 * server that records what it was asked and answers as config/openapi/analytics.yaml says (the
 * end-to-end suite asks the real one).
 */
class UsageProxyTest {

  private static final String TOKEN = "analytics-" + UUID.randomUUID();
  private static final List<HttpServerRequest> ASKED = new CopyOnWriteArrayList<>();
  private static Vertx vertx;
  private static HttpServer analytics;
  private static RunningControlPlane cp;
  private static String root;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    analytics = RunningControlPlane.await(vertx.createHttpServer().requestHandler(UsageProxyTest::answer).listen(0));
    cp = RunningControlPlane.start(new AnalyticsLink("http://127.0.0.1:" + analytics.actualPort(), TOKEN));
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    for (String org : List.of("acme", "quiet", "other")) {
      assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", org)).status());
    }
  }

  /** The stand-in: acme has usage, quiet never had any (404), a bad range is a 400. */
  private static void answer(HttpServerRequest request) {
    ASKED.add(request);
    if (!("Bearer " + TOKEN).equals(request.getHeader("authorization"))) {
      request.response().setStatusCode(401).end(error("authentication_error", "missing or wrong token"));
    } else if ("bad".equals(request.getParam("from"))) {
      request.response().setStatusCode(400).end(error("invalid_request_error", "from must be an ISO-8601 instant"));
    } else if (request.path().equals("/v1/orgs/acme/usage/export")) {
      // Chunked, in pieces, as the real export streams it.
      request.response().setChunked(true).putHeader("content-type", "text/csv; charset=utf-8");
      request.response().write("event_id,time,org_id\r\n");
      for (int i = 0; i < 1000; i++) {
        request.response().write("e" + i + ",2026-12-06T10:00:00Z,acme\r\n");
      }
      request.response().end();
    } else if (request.path().equals("/v1/orgs/acme/usage")) {
      request.response().putHeader("content-type", "application/json").end(new JsonObject().put("org", "acme")
          .put("granularity", request.getParam("granularity")).put("group_by", "model")
          .put("data", new JsonArray().add(new JsonObject().put("bucket", "2026-12-06T10:00:00Z").put("model", "m")
              .put("requests", 3)))
          .put("totals", new JsonObject().put("requests", 3)).encode());
    } else if (request.path().equals("/v1/orgs/acme/statements/2026-11")) {
      // As the real one answers ?format=html: the page with its own headers, in pieces.
      request.response().setChunked(true).putHeader("content-type", "text/html; charset=utf-8")
          .putHeader("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'")
          .putHeader("x-content-type-options", "nosniff").putHeader("x-internal", "not passed on");
      request.response().write("<!DOCTYPE html><html><body><h1>Usage statement: November 2026</h1>");
      request.response().end("<p>format=" + request.getParam("format") + "</p></body></html>");
    } else if (request.path().equals("/v1/orgs/acme/statements/2026-13")) {
      request.response().setStatusCode(400).end(error("invalid_request_error",
          "the month must be yyyy-mm (such as 2025-03), got \"2026-13\""));
    } else if (request.path().equals("/v1/orgs/acme/usage/last-used")) {
      request.response().putHeader("content-type", "application/json").end(new JsonObject().put("org", "acme")
          .put("data", new JsonArray().add(new JsonObject().put("key_id", "ci")
              .put("last_used", "2026-12-06T10:00:00.123Z"))).encode());
    } else if (request.path().equals("/v1/reliability") && "acme".equals(request.getParam("org"))) {
      request.response().end(new JsonObject().put("org", "acme").put("data", new JsonArray().add(new JsonObject()
          .put("model", "m").put("requests", 3))).encode());
    } else {
      request.response().setStatusCode(404).end(error("not_found_error", "no usage was ever recorded"));
    }
  }

  private static String error(String type, String message) {
    return new JsonObject().put("error", new JsonObject().put("type", type).put("message", message)).encode();
  }

  @BeforeEach
  void forget() {
    ASKED.clear();
  }

  @AfterAll
  static void stop() throws Exception {
    cp.close();
    RunningControlPlane.await(vertx.close());
  }

  private static final String RANGE = "from=2026-12-06T00:00:00Z&to=2026-12-07T00:00:00Z";

  @Test
  void aMemberGetsTheirOrgsUsageAskedWithTheAnalyticsToken() throws Exception {
    String member = cp.user(root, "m-" + UUID.randomUUID() + "@example.com", false);
    String email = cp.get("/api/v1/me", member).json().getString("actor");
    assertEquals(200, cp.put("/api/v1/orgs/acme/members/" + email, root, new JsonObject().put("role", "member")).status());
    Reply usage = cp.get("/api/v1/orgs/acme/usage?" + RANGE + "&granularity=hour&group_by=model&org=other", member);
    assertEquals(200, usage.status(), usage.body());
    assertEquals(3, usage.json().getJsonObject("totals").getInteger("requests"));
    assertTrue(!usage.body().contains(TOKEN));
    assertEquals(1, ASKED.size());
    HttpServerRequest asked = ASKED.get(0);
    assertEquals("/v1/orgs/acme/usage", asked.path());
    assertEquals("2026-12-06T00:00:00Z", asked.getParam("from"));
    assertEquals("hour", asked.getParam("granularity"));
    // Only the parameters the endpoint takes go on: no smuggled org.
    assertEquals(null, asked.getParam("org"));

    Reply reliability = cp.get("/api/v1/orgs/acme/reliability?" + RANGE + "&org=other", member);
    assertEquals(200, reliability.status(), reliability.body());
    assertEquals("acme", ASKED.get(1).getParam("org"));
  }

  @Test
  void keysLastUseComesFromTheAnalyticsServiceForThatOrgOnly() throws Exception {
    String viewer = cp.user(root, "v-" + UUID.randomUUID() + "@example.com", false);
    String email = cp.get("/api/v1/me", viewer).json().getString("actor");
    assertEquals(200, cp.put("/api/v1/orgs/acme/members/" + email, root, new JsonObject().put("role", "viewer")).status());
    Reply lastUsed = cp.get("/api/v1/orgs/acme/usage/last-used?org=other", viewer);
    assertEquals(200, lastUsed.status(), lastUsed.body());
    assertEquals("2026-12-06T10:00:00.123Z", lastUsed.json().getJsonArray("data").getJsonObject(0).getString("last_used"));
    assertEquals("/v1/orgs/acme/usage/last-used", ASKED.get(0).path());
    assertEquals(null, ASKED.get(0).getParam("org"), "no smuggled parameter");
    // An org the analytics service never saw has no key used yet; an outsider learns nothing.
    Reply quiet = cp.get("/api/v1/orgs/quiet/usage/last-used", root);
    assertEquals(200, quiet.status(), quiet.body());
    assertTrue(quiet.json().getJsonArray("data").isEmpty());
    String outsider = cp.user(root, "o-" + UUID.randomUUID() + "@example.com", false);
    int asked = ASKED.size();
    assertEquals(404, cp.get("/api/v1/orgs/acme/usage/last-used", outsider).status());
    assertEquals(asked, ASKED.size());
  }

  @Test
  void aStatementIsPassedOnWithItsOwnHeadersToThoseWhoReadSpend() throws Exception {
    String billing = cp.user(root, "b-" + UUID.randomUUID() + "@example.com", false);
    String email = cp.get("/api/v1/me", billing).json().getString("actor");
    assertEquals(200, cp.put("/api/v1/orgs/acme/members/" + email, root, new JsonObject().put("role", "billing")).status());
    var options = new io.vertx.core.http.RequestOptions().setMethod(io.vertx.core.http.HttpMethod.GET)
        .setURI("/api/v1/orgs/acme/statements/2026-11?format=html&org=other").putHeader("authorization", "Bearer " + billing);
    RunningControlPlane.Exchange page = cp.exchange(options, null);
    assertEquals(200, page.status(), page.body());
    assertEquals("text/html; charset=utf-8", page.headers().get("content-type"));
    assertEquals("default-src 'none'; style-src 'unsafe-inline'", page.headers().get("content-security-policy"));
    assertEquals("nosniff", page.headers().get("x-content-type-options"));
    assertEquals(null, page.headers().get("x-internal"));
    assertTrue(page.body().contains("Usage statement: November 2026") && page.body().contains("format=html"), page.body());
    assertEquals("/v1/orgs/acme/statements/2026-11", ASKED.get(0).path());
    assertEquals(null, ASKED.get(0).getParam("org"), "no smuggled parameter");
    assertTrue(!page.body().contains(TOKEN));
    // The analytics service's 400 in words; an org it never saw is 404; an outsider is not asked.
    Reply bad = cp.get("/api/v1/orgs/acme/statements/2026-13", billing);
    assertEquals(400, bad.status(), bad.body());
    assertTrue(bad.body().contains("yyyy-mm"), bad.body());
    assertEquals(404, cp.get("/api/v1/orgs/quiet/statements/2026-11", root).status());
    String outsider = cp.user(root, "o-" + UUID.randomUUID() + "@example.com", false);
    int asked = ASKED.size();
    assertEquals(404, cp.get("/api/v1/orgs/acme/statements/2026-11", outsider).status());
    assertEquals(asked, ASKED.size());
  }

  @Test
  void theCsvExportIsStreamedThroughAsAnAttachment() throws Exception {
    var options = new io.vertx.core.http.RequestOptions().setMethod(io.vertx.core.http.HttpMethod.GET)
        .setURI("/api/v1/orgs/acme/usage/export?" + RANGE).putHeader("authorization", "Bearer " + root);
    RunningControlPlane.Exchange csv = cp.exchange(options, null);
    assertEquals(200, csv.status(), csv.body());
    assertEquals("text/csv; charset=utf-8", csv.headers().get("content-type"));
    assertEquals("attachment; filename=\"usage-acme.csv\"", csv.headers().get("content-disposition"));
    String[] lines = csv.body().split("\r\n");
    assertEquals(1001, lines.length);
    assertEquals("e999,2026-12-06T10:00:00Z,acme", lines[1000]);
    assertEquals("/v1/orgs/acme/usage/export", ASKED.get(0).path());
    assertEquals("2026-12-07T00:00:00Z", ASKED.get(0).getParam("to"));
    // An org the analytics service never saw: 404 in words; a bad range: its 400.
    assertEquals(404, cp.get("/api/v1/orgs/quiet/usage/export?" + RANGE, root).status());
    assertEquals(400, cp.get("/api/v1/orgs/acme/usage/export?from=bad&to=x", root).status());
  }

  @Test
  void outsidersAreToldNothingAndTheAnalyticsServiceIsNotAsked() throws Exception {
    String outsider = cp.user(root, "o-" + UUID.randomUUID() + "@example.com", false);
    assertEquals(404, cp.get("/api/v1/orgs/acme/usage?" + RANGE + "&granularity=hour", outsider).status());
    assertEquals(404, cp.get("/api/v1/orgs/acme/reliability?" + RANGE, outsider).status());
    assertEquals(404, cp.get("/api/v1/orgs/acme/usage/export?" + RANGE, outsider).status());
    assertEquals(401, cp.get("/api/v1/orgs/acme/usage?" + RANGE + "&granularity=hour", null).status());
    assertEquals(404, cp.get("/api/v1/orgs/nope/usage?" + RANGE + "&granularity=hour", root).status());
    assertEquals(List.of(), ASKED);
  }

  @Test
  void anOrgWithoutUsageYetHasEmptyFiguresAndBadRangesAreTheCallersFault() throws Exception {
    Reply quiet = cp.get("/api/v1/orgs/quiet/usage?" + RANGE + "&granularity=day", root);
    assertEquals(200, quiet.status(), quiet.body());
    assertEquals(0, quiet.json().getJsonArray("data").size());
    assertEquals(0, quiet.json().getJsonObject("totals").getInteger("requests"));
    Reply bad = cp.get("/api/v1/orgs/acme/usage?from=bad&to=x&granularity=day", root);
    assertEquals(400, bad.status(), bad.body());
    assertEquals("from must be an ISO-8601 instant", bad.json().getJsonObject("error").getString("message"));
  }

  @Test
  void withoutAnAnalyticsServiceUsageIsUnavailableInWords() throws Exception {
    try (RunningControlPlane bare = RunningControlPlane.start()) {
      String admin = bare.user(bare.bootstrapToken, "root@example.com", true);
      assertEquals(201, bare.post("/api/v1/orgs", admin, new JsonObject().put("name", "acme")).status());
      Reply reply = bare.get("/api/v1/orgs/acme/usage?" + RANGE + "&granularity=hour", admin);
      assertEquals(503, reply.status(), reply.body());
      assertTrue(reply.body().contains("TOLLGATE_ANALYTICS_URL"), reply.body());
    }
    // Configured but down: 503 naming it.
    try (RunningControlPlane down = RunningControlPlane.start(new AnalyticsLink("http://127.0.0.1:1", TOKEN))) {
      String admin = down.user(down.bootstrapToken, "root@example.com", true);
      assertEquals(201, down.post("/api/v1/orgs", admin, new JsonObject().put("name", "acme")).status());
      Reply reply = down.get("/api/v1/orgs/acme/usage?" + RANGE + "&granularity=hour", admin);
      assertEquals(503, reply.status(), reply.body());
      assertTrue(reply.body().contains("analytics service cannot be reached"), reply.body());
    }
  }
}
