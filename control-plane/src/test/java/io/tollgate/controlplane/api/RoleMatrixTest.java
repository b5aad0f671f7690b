package io.tollgate.controlplane.api;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.controlplane.testsupport.RunningControlPlane.Reply;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every route × every role, as the role table of docs/control-plane.md says: allowed (2xx) or 403;
 * someone outside the org gets 404 on its routes (cannot even learn it exists).
 */
class RoleMatrixTest {

  private static final String ORG = "acme";
  /** Least to most powerful, so destructive calls by the owner come last. */
  private static final List<String> ROLES = List.of("outsider", "viewer", "billing", "member", "admin", "owner");
  private static final Set<String> ALL = Set.of("viewer", "billing", "member", "admin", "owner");
  private static final Set<String> READERS = Set.of("viewer", "member", "admin", "owner");
  private static final Set<String> WRITERS = Set.of("member", "admin", "owner");
  private static final Set<String> ADMINS = Set.of("admin", "owner");
  private static final Set<String> NONE = Set.of();

  private static RunningControlPlane cp;
  private static String root;
  private static final Map<String, String> TOKENS = new LinkedHashMap<>();

  /** One route: how a role calls it, who may, and whether outsiders see 404 (org route) or 403. */
  private record Case(String name, Function<String, Request> request, Set<String> allowed, boolean orgScoped) {
  }

  private record Request(HttpMethod method, String path, JsonObject body) {
  }

  @BeforeAll
  static void setUp() throws Exception {
    cp = RunningControlPlane.start();
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", ORG)).status());
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "other")).status());
    for (String role : ROLES) {
      String email = role + "@example.com";
      TOKENS.put(role, cp.user(root, email, false));
      String org = role.equals("outsider") ? "other" : ORG;
      String asRole = role.equals("outsider") ? "owner" : role;
      assertEquals(200, cp.put("/api/v1/orgs/" + org + "/members/" + email, root,
          new JsonObject().put("role", asRole)).status());
      cp.user(root, "x-" + role + "@example.com", false);
    }
    assertEquals(201, cp.post("/api/v1/orgs/" + ORG + "/keys", root, new JsonObject().put("id", "k0")).status());
    assertEquals(201, cp.post("/api/v1/orgs/" + ORG + "/service-accounts", root, new JsonObject().put("name", "sa0")
        .put("role", "viewer")).status());
    assertEquals(201, cp.post("/api/v1/orgs/" + ORG + "/alerts/channels", root, new JsonObject().put("id", "c0")
        .put("type", "slack").put("url", "https://hooks.acme.test/hook")).status());
    assertEquals(201, cp.post("/api/v1/backends", root, new JsonObject().put("id", "b1").put("url", "http://127.0.0.1:1")).status());
    assertEquals(201, cp.post("/api/v1/models", root, new JsonObject().put("name", "m1").put("prices",
        new JsonObject().put("promptPerMillion", 1).put("completionPerMillion", 1))).status());
    assertEquals(201, cp.post("/api/v1/routes", root, new JsonObject().put("model", "m1")
        .put("backends", new io.vertx.core.json.JsonArray().add("b1"))).status());
    assertEquals(201, cp.post("/api/v1/policies", root, new JsonObject().put("name", "p1")
        .put("limits", new JsonObject().put("requestsPerMinute", 5))).status());
  }

  @AfterAll
  static void tearDown() throws Exception {
    cp.close();
  }

  private static List<Case> cases() {
    String org = "/api/v1/orgs/" + ORG;
    List<Case> cases = new ArrayList<>();
    cases.add(new Case("me", r -> get("/api/v1/me"), ALL, false));
    cases.add(new Case("my access", r -> get("/api/v1/me/access"), ALL, false));
    cases.add(new Case("list orgs", r -> get("/api/v1/orgs"), ALL, false));
    cases.add(new Case("get org", r -> get(org), ALL, true));
    cases.add(new Case("update org", r -> new Request(HttpMethod.PUT, org,
        new JsonObject().put("display", "by " + r).put("version", orgVersion())), ADMINS, true));
    cases.add(new Case("set budget", r -> new Request(HttpMethod.PUT, org + "/budget",
        new JsonObject().put("limitUsd", 100).put("period", "month")), Set.of("billing", "admin", "owner"), true));
    cases.add(new Case("clear budget", r -> new Request(HttpMethod.DELETE, org + "/budget", null),
        Set.of("billing", "admin", "owner"), true));
    cases.add(new Case("patch org", r -> new Request(HttpMethod.PATCH, org,
        new JsonObject().put("display", "patched by " + r)), ADMINS, true));
    // A patch of the budget only is the budget's permission (billing has it), not the org's.
    cases.add(new Case("patch org budget", r -> new Request(HttpMethod.PATCH, org,
        new JsonObject().put("budget", new JsonObject().put("limitUsd", 90))), Set.of("billing", "admin", "owner"), true));
    cases.add(new Case("spend", r -> get(org + "/spend"), ALL, true));
    cases.add(new Case("audit", r -> get(org + "/audit"), Set.of("viewer", "admin", "owner"), true));
    // Alerts are about money: whoever sees spend sees them; whoever sets budgets says where they go.
    Set<String> budgeters = Set.of("billing", "admin", "owner");
    cases.add(new Case("alert history", r -> get(org + "/alerts"), ALL, true));
    cases.add(new Case("list alert channels", r -> get(org + "/alerts/channels"), ALL, true));
    cases.add(new Case("add alert channel", r -> new Request(HttpMethod.POST, org + "/alerts/channels",
        new JsonObject().put("id", "c-" + r).put("type", "teams").put("url", "https://example.com/" + r)), budgeters,
        true));
    cases.add(new Case("test alert channel", r -> new Request(HttpMethod.POST, org + "/alerts/channels/c0/test", null),
        budgeters, true));
    cases.add(new Case("remove alert channel", r -> new Request(HttpMethod.DELETE, org + "/alerts/channels/c-" + r,
        null), budgeters, true));
    cases.add(new Case("members", r -> get(org + "/members"), READERS, true));
    // Inviting needs an SMTP server (InvitesTest has one and checks who may); listing does not.
    cases.add(new Case("pending invites", r -> get(org + "/invites"), READERS, true));
    cases.add(new Case("put member", r -> new Request(HttpMethod.PUT, org + "/members/x-" + r + "@example.com",
        new JsonObject().put("role", "viewer")), ADMINS, true));
    cases.add(new Case("delete member", r -> new Request(HttpMethod.DELETE, org + "/members/x-" + r + "@example.com",
        null), ADMINS, true));
    cases.add(new Case("list service accounts", r -> get(org + "/service-accounts"), READERS, true));
    cases.add(new Case("create service account", r -> new Request(HttpMethod.POST, org + "/service-accounts",
        new JsonObject().put("name", "sa-" + r).put("role", "viewer")), ADMINS, true));
    cases.add(new Case("new service account token", r -> new Request(HttpMethod.POST, org + "/service-accounts/sa0/token",
        new JsonObject().put("graceSeconds", 0)), ADMINS, true));
    cases.add(new Case("delete service account", r -> new Request(HttpMethod.DELETE, org + "/service-accounts/sa-" + r,
        null), ADMINS, true));
    cases.add(new Case("list keys", r -> get(org + "/keys"), READERS, true));
    cases.add(new Case("create key", r -> new Request(HttpMethod.POST, org + "/keys", new JsonObject().put("id", "k-" + r)),
        WRITERS, true));
    cases.add(new Case("get key", r -> get(org + "/keys/k0"), READERS, true));
    cases.add(new Case("update key", r -> new Request(HttpMethod.PATCH, org + "/keys/k0",
        new JsonObject().put("limits", new JsonObject().put("requestsPerMinute", 10))), WRITERS, true));
    cases.add(new Case("rotate key", r -> new Request(HttpMethod.POST, org + "/keys/k0/rotate",
        new JsonObject().put("graceSeconds", 0)), WRITERS, true));
    cases.add(new Case("revoke key", r -> new Request(HttpMethod.POST, org + "/keys/k-" + r + "/revoke", null),
        WRITERS, true));
    cases.add(new Case("create user", r -> new Request(HttpMethod.POST, "/api/v1/users",
        new JsonObject().put("email", "new-" + r + "@example.com").put("platformAdmin", false)), NONE, false));
    cases.add(new Case("list users", r -> get("/api/v1/users"), NONE, false));
    cases.add(new Case("platform audit", r -> get("/api/v1/audit"), NONE, false));
    cases.add(new Case("renew another's token", r -> new Request(HttpMethod.POST, "/api/v1/users/x-" + r
        + "@example.com/token", null), NONE, false));
    cases.add(new Case("delete user", r -> new Request(HttpMethod.DELETE, "/api/v1/users/x-" + r + "@example.com",
        null), NONE, false));
    cases.add(new Case("create org", r -> new Request(HttpMethod.POST, "/api/v1/orgs",
        new JsonObject().put("name", "org-" + r)), NONE, false));
    cases.add(new Case("apply", r -> new Request(HttpMethod.POST, "/api/v1/apply",
        new JsonObject().put("document", new JsonObject()).put("dryRun", true)), NONE, false));
    cases.addAll(CatalogCases.cases());
    cases.add(new Case("delete org", r -> new Request(HttpMethod.DELETE, org, null), Set.of("owner"), true));
    return cases;
  }

  @Test
  void everyRouteAnswersEveryRoleAsTheRoleTableSays() throws Exception {
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    for (Case c : cases()) {
      for (String role : ROLES) {
        Request request = c.request().apply(role);
        Reply reply = cp.call(request.method(), request.path(), TOKENS.get(role), request.body());
        int expected;
        if (role.equals("outsider")) {
          expected = c.orgScoped() ? 404 : (c.allowed().isEmpty() ? 403 : 200);
        } else {
          expected = c.allowed().contains(role) ? 200 : 403;
        }
        boolean ok = expected == 200 ? reply.status() / 100 == 2 : reply.status() == expected;
        if (!ok) {
          wrong.add(c.name() + " as " + role + ": expected " + expected + ", got " + reply.status() + " " + reply.body());
        }
        checked++;
      }
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    assertTrue(checked >= 20 * ROLES.size());
    // Unauthenticated: 401 on every route.
    for (Case c : cases()) {
      Request request = c.request().apply("owner");
      assertEquals(401, cp.call(request.method(), request.path(), null, request.body()).status(), c.name());
    }
  }

  private static Request get(String path) {
    return new Request(HttpMethod.GET, path, null);
  }

  private static int orgVersion() {
    try {
      Reply reply = cp.get("/api/v1/orgs/" + ORG, root);
      // After the org's deletion (the 401 round) any version will do.
      return reply.status() != 200 ? 0 : reply.json().getInteger("version");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The shared catalogue: anyone signed in reads, only platform admins write; snapshots: platform only. */
  static final class CatalogCases {
    static List<Case> cases() {
      Set<String> everyone = Set.of("outsider", "viewer", "billing", "member", "admin", "owner");
      List<Case> cases = new ArrayList<>();
      // Snapshots hold every org's budgets and limits: platform admins and config readers only
      // (SnapshotAccessTest has the whole matrix).
      cases.add(new Case("latest config", r -> get("/api/v1/config/snapshots/latest"), NONE, false));
      cases.add(new Case("config version", r -> get("/api/v1/config/snapshots/1"), NONE, false));
      cases.add(new Case("config versions", r -> get("/api/v1/config/versions"), NONE, false));
      // What the gateways run and see of the backends: platform admins read, gateways report.
      cases.add(new Case("gateways", r -> get("/api/v1/gateways"), NONE, false));
      cases.add(new Case("gateway report", r -> new Request(HttpMethod.PUT, "/api/v1/gateways/gw-" + r,
          new JsonObject().put("configVersion", 1).put("backends", new io.vertx.core.json.JsonArray())), NONE, false));
      for (String kind : List.of("backends", "models", "routes", "policies")) {
        cases.add(new Case("list " + kind, r -> get("/api/v1/" + kind), everyone, false));
        cases.add(new Case("get " + kind, r -> get("/api/v1/" + kind + "/" + FIXTURE.get(kind)), everyone, false));
        cases.add(new Case("create " + kind, r -> new Request(HttpMethod.POST, "/api/v1/" + kind,
            new JsonObject().put("id", "x")), NONE, false));
        cases.add(new Case("update " + kind, r -> new Request(HttpMethod.PUT, "/api/v1/" + kind + "/" + FIXTURE.get(kind),
            new JsonObject().put("version", 1)), NONE, false));
        cases.add(new Case("patch " + kind, r -> new Request(HttpMethod.PATCH, "/api/v1/" + kind + "/"
            + FIXTURE.get(kind), new JsonObject()), NONE, false));
        cases.add(new Case("delete " + kind, r -> new Request(HttpMethod.DELETE, "/api/v1/" + kind + "/"
            + FIXTURE.get(kind), null), NONE, false));
      }
      return cases;
    }
  }

  private static final Map<String, String> FIXTURE = Map.of("backends", "b1", "models", "m1", "routes", "m1",
      "policies", "p1");
}
