package io.tollgate.analytics.api;

import io.tollgate.analytics.config.AnalyticsSettings;
import io.tollgate.analytics.testsupport.Events;
import io.tollgate.analytics.testsupport.RunningAnalytics;
import io.tollgate.analytics.testsupport.TestBroker;
import io.tollgate.analytics.testsupport.TestStore;
import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every analytics endpoint × every kind of caller, with identities from a real control plane (issue
 * #17: one shared token meant an org owner could not be given their own usage without everyone's).
 * Org roles that read spend in the control plane's role table (owner, admin, member, viewer,
 * billing) read their org; someone outside it gets the same 404 as an org without usage; the
 * machine token and platform admins read every org; reliability across orgs covers only the
 * caller's; unknown tokens get 401.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnalyticsRoleMatrixTest {

  private static final Instant BASE = Instant.parse("2025-04-01T10:00:00Z");
  private static final String RANGE = "from=2025-04-01T00:00:00Z&to=2025-04-02T00:00:00Z";
  private static final int ACME_EVENTS = 30;
  private static final int OTHER_EVENTS = 20;
  private static final List<String> ROLES = List.of("owner", "admin", "member", "viewer", "billing");

  private TestStore store;
  private TestBroker broker;
  private RunningControlPlane cp;
  private RunningAnalytics analytics;
  private RunningAnalytics cached;
  private String root;
  private final Map<String, String> tokens = new LinkedHashMap<>();

  @BeforeAll
  void start() throws Exception {
    cp = RunningControlPlane.start();
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    for (String org : List.of("acme", "other")) {
      assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", org)).status());
    }
    tokens.put("platform admin", root);
    for (String role : ROLES) {
      String email = role + "@example.com";
      tokens.put(role, cp.user(root, email, false));
      assertEquals(200, cp.put("/api/v1/orgs/acme/members/" + email, root, new JsonObject().put("role", role)).status());
    }
    tokens.put("outsider", cp.user(root, "outsider@example.com", false));
    assertEquals(200, cp.put("/api/v1/orgs/other/members/outsider@example.com", root,
        new JsonObject().put("role", "owner")).status());
    tokens.put("no role", cp.user(root, "nobody@example.com", false));

    store = TestStore.create();
    broker = TestBroker.create();
    String url = "http://127.0.0.1:" + cp.plane.port();
    AnalyticsSettings base = RunningAnalytics.settings(store, broker.settings);
    // Every request asks the control plane: what the matrix sees is the control plane's answer now.
    analytics = RunningAnalytics.start(new AnalyticsSettings(base.rabbitmq(), base.postgres(),
        base.api().withControlPlane(url, 0))).awaitConsuming();
    List<String> events = new ArrayList<>();
    for (int i = 0; i < ACME_EVENTS + OTHER_EVENTS; i++) {
      events.add(Events.event(i, BASE.plusSeconds(60L * i)).put("org_id", i < ACME_EVENTS ? "acme" : "other").encode());
    }
    broker.publish(events);
    assertEquals(ACME_EVENTS + OTHER_EVENTS, store.awaitCount(ACME_EVENTS + OTHER_EVENTS, 30_000));
    // Answers kept for a minute: the caching test's.
    cached = RunningAnalytics.start(new AnalyticsSettings(base.rabbitmq(), base.postgres(),
        base.api().withControlPlane(url, 60_000)));
  }

  @AfterAll
  void stop() throws Exception {
    for (AutoCloseable running : new AutoCloseable[] {cached, analytics, broker, store, cp}) {
      if (running != null) {
        running.close();
      }
    }
  }

  @Test
  void everyEndpointAnswersEveryCallerAsTheRoleTableSays() throws Exception {
    Set<String> acmeReaders = Set.of("platform admin", "owner", "admin", "member", "viewer", "billing");
    List<String> acmeRoutes = List.of("/v1/orgs/acme/usage?granularity=day&" + RANGE, "/v1/orgs/acme/usage/export?" + RANGE,
        "/v1/reliability?org=acme&" + RANGE);
    Map<String, String> callers = new LinkedHashMap<>(tokens);
    callers.put("machine", RunningAnalytics.TOKEN);
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    for (String route : acmeRoutes) {
      for (Map.Entry<String, String> caller : callers.entrySet()) {
        RunningAnalytics.Reply reply = analytics.get(route, caller.getValue());
        boolean reads = acmeReaders.contains(caller.getKey()) || caller.getKey().equals("machine");
        int expected = reads ? 200 : 404;
        if (reply.status() != expected) {
          wrong.add(route + " as " + caller.getKey() + ": expected " + expected + ", got " + reply.status() + " "
              + reply.body());
        } else if (reads && requests(route, reply) != ACME_EVENTS) {
          wrong.add(route + " as " + caller.getKey() + ": expected acme's " + ACME_EVENTS + " requests, got "
              + reply.body());
        } else if (!reads && !reply.errorCode().equals("unknown_org")) {
          wrong.add(route + " as " + caller.getKey() + ": expected unknown_org (as for an org without usage), got "
              + reply.body());
        }
        checked++;
      }
      assertEquals(401, analytics.get(route, "not-a-token").status(), route);
      assertEquals(401, analytics.get(route, null).status(), route);
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    assertEquals(acmeRoutes.size() * callers.size(), checked);
    // The outsider reads its own org as the machine token does.
    RunningAnalytics.Reply own = analytics.get("/v1/orgs/other/usage?granularity=day&" + RANGE, tokens.get("outsider"));
    assertEquals(200, own.status(), own.body().toString());
    assertEquals(OTHER_EVENTS, own.json().getJsonObject("totals").getLong("requests"));
  }

  @Test
  void reliabilityAcrossOrgsCoversOnlyTheOrgsTheCallerReads() throws Exception {
    Map<String, Integer> expected = new LinkedHashMap<>();
    expected.put("machine", ACME_EVENTS + OTHER_EVENTS);
    expected.put("platform admin", ACME_EVENTS + OTHER_EVENTS);
    ROLES.forEach(role -> expected.put(role, ACME_EVENTS));
    expected.put("outsider", OTHER_EVENTS);
    expected.put("no role", 0);
    for (Map.Entry<String, Integer> caller : expected.entrySet()) {
      String token = caller.getKey().equals("machine") ? RunningAnalytics.TOKEN : tokens.get(caller.getKey());
      RunningAnalytics.Reply reply = analytics.get("/v1/reliability?" + RANGE, token);
      assertEquals(200, reply.status(), caller.getKey() + ": " + reply.body());
      assertEquals((long) caller.getValue(), sum(reply.json().getJsonArray("data")), caller.getKey() + ": " + reply.body());
    }
  }

  @Test
  void aMemberRemovedFromTheOrgLosesItsUsageAtOnceWithoutCaching() throws Exception {
    String token = cp.user(root, "leaver@example.com", false);
    assertEquals(200, cp.put("/api/v1/orgs/acme/members/leaver@example.com", root,
        new JsonObject().put("role", "viewer")).status());
    assertEquals(200, analytics.get("/v1/orgs/acme/usage?granularity=day&" + RANGE, token).status());
    assertEquals(204, cp.call(io.vertx.core.http.HttpMethod.DELETE, "/api/v1/orgs/acme/members/leaver@example.com",
        root, null).status());
    assertEquals(404, analytics.get("/v1/orgs/acme/usage?granularity=day&" + RANGE, token).status());
  }

  @Test
  void theControlPlaneIsAskedOnceForABurstWhileItsAnswerIsKept() throws Exception {
    String token = cp.user(root, "dashboard@example.com", false);
    assertEquals(200, cp.put("/api/v1/orgs/acme/members/dashboard@example.com", root,
        new JsonObject().put("role", "viewer")).status());
    double before = accessLookups();
    for (int i = 0; i < 5; i++) {
      assertEquals(200, cached.get("/v1/orgs/acme/usage?granularity=day&" + RANGE, token).status());
    }
    assertEquals(1.0, accessLookups() - before, "one lookup for five calls with the same token");
    // A refusal is kept too: an unknown token cannot make every request a lookup.
    double refusedBefore = accessLookups401();
    for (int i = 0; i < 3; i++) {
      RunningAnalytics.Reply refused = cached.get("/v1/orgs/acme/usage?granularity=day&" + RANGE, "tga-unknown");
      assertEquals(401, refused.status());
      assertEquals("invalid_token", refused.errorCode());
    }
    assertEquals(1.0, accessLookups401() - refusedBefore);
  }

  @Test
  void theControlPlanesRefusalIsPassedOnInWords() throws Exception {
    RunningAnalytics.Reply reply = analytics.get("/v1/orgs/acme/usage?granularity=day&" + RANGE, "tga-nobody-has-this");
    assertEquals(401, reply.status());
    assertEquals("unknown token", reply.json().getJsonObject("error").getString("message"));
    assertFalse(reply.body().toString().contains("tga-nobody-has-this"));
  }

  private double accessLookups() throws Exception {
    return metric("200");
  }

  private double accessLookups401() throws Exception {
    return metric("401");
  }

  /** The control plane's own count of GET /api/v1/me/access answered with {@code status}. */
  private double metric(String status) throws Exception {
    String scrape = cp.get("/metrics", null).body();
    Pattern line = Pattern.compile("tollgate_control_plane_http_requests_total\\{([^}]*)} ([0-9.Ee+-]+)");
    double total = 0;
    for (Matcher m = line.matcher(scrape); m.find(); ) {
      if (m.group(1).contains("route=\"/api/v1/me/access\"") && m.group(1).contains("status=\"" + status + "\"")) {
        total += Double.parseDouble(m.group(2));
      }
    }
    return total;
  }

  private static long requests(String route, RunningAnalytics.Reply reply) {
    if (route.contains("/export")) {
      return reply.body().toString().split("\r\n").length - 1L;
    }
    if (route.startsWith("/v1/reliability")) {
      return sum(reply.json().getJsonArray("data"));
    }
    return reply.json().getJsonObject("totals").getLong("requests");
  }

  private static long sum(JsonArray data) {
    long total = 0;
    for (int i = 0; i < data.size(); i++) {
      total += data.getJsonObject(i).getLong("requests");
    }
    return total;
  }
}
