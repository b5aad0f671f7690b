package io.tollgate.e2e;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.tollgate.e2e.HappyPathE2ETest.assertAudited;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tollgate-admin apply -f}: the platform converges on the file (down to a key that serves on the
 * gateways), a second apply changes nothing, a change made by hand shows as drift and is put back, and
 * {@code --prune} removes what the file no longer names. Every change is audited with its actor.
 *
 * <p>The file is the platform as it is (read from the API) plus this test's policy and org, so that
 * {@code --prune} touches nothing but them.
 */
@Order(4)
@ExtendWith(PlatformExtension.class)
class DeclarativeE2ETest {

  private static final List<String> SECTIONS = List.of("policies", "backends", "models", "routes", "orgs");

  private static Platform platform;

  @BeforeAll
  static void platform(Platform started) {
    platform = started;
  }

  @Test
  void applyConvergesThenChangesNothingShowsDriftAndPrunes(@TempDir Path dir) throws Exception {
    ControlPlane admin = new ControlPlane(platform.controlPlaneUrl(), platform.adminToken());
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String org = "e2e-decl-" + suffix;
    String policy = "e2e-decl-" + suffix;
    String viewer = "viewer-" + suffix + "@e2e.test";
    admin.post("/api/v1/users", new JsonObject().put("email", viewer)).expect(201);
    JsonObject platformNow = current(admin);
    JsonObject declared = platformNow.copy();
    declared.getJsonArray("policies").add(new JsonObject().put("name", policy).put("limits", new JsonObject()
        .put("requestsPerMinute", 120).put("tokensPerMinute", 100_000).put("maxConcurrentStreams", 8)));
    declared.getJsonArray("orgs").add(new JsonObject().put("name", org).put("display", "Declared").put("policy", policy)
        .put("budget", new JsonObject().put("limitUsd", 20).put("period", "month"))
        .put("members", new JsonObject().put(viewer, "viewer"))
        .put("keys", new JsonArray().add(new JsonObject().put("id", "ci").put("policy", policy)
            .put("models", new JsonArray().add(platform.model())))));
    Path file = dir.resolve("platform.yaml");
    Path without = dir.resolve("platform-without.yaml");
    Files.writeString(file, declared.encodePrettily()); // JSON is YAML
    Files.writeString(without, platformNow.encodePrettily());
    try {
      // 1. Converges, keys included: the secret printed once serves on the gateways.
      Platform.Result first = platform.cli(platform.adminToken(), "apply", "-f", file.toString())
          .expect(0, "first apply");
      Matcher secret = Pattern.compile("secret of key " + Pattern.quote(org + "/ci") + " \\(shown once\\): (tg-\\S+)")
          .matcher(first.stdout());
      assertTrue(secret.find(), first.stdout());
      JsonObject stored = admin.get("/api/v1/orgs/" + org).expect(200).json();
      assertEquals("Declared", stored.getString("display"));
      assertEquals(policy, stored.getString("policy"));
      assertEquals(20.0, stored.getJsonObject("budget").getDouble("limitUsd"));
      assertEquals("viewer", admin.get("/api/v1/orgs/" + org + "/members").expect(200).array().stream()
          .map(JsonObject.class::cast).filter(m -> viewer.equals(m.getString("email"))).findFirst()
          .orElseThrow(() -> new AssertionError(viewer + " is not a member")).getString("role"));
      assertEquals(policy, admin.get("/api/v1/orgs/" + org + "/keys/ci").expect(200).json().getString("policy"));
      platform.awaitGatewaysOnLatestConfig();
      for (String gateway : platform.gatewayUrls()) {
        assertEquals(200, Completions.raw(gateway, secret.group(1), platform.model(), 8, "e2e-" + UUID.randomUUID())
            .status(), gateway);
      }

      // 2. A second apply changes nothing: no new config version, no audit row.
      long version = latestVersion(admin);
      int auditRows = auditOf(admin, org).size();
      Platform.Result second = platform.cli(platform.adminToken(), "apply", "-f", file.toString())
          .expect(0, "second apply");
      assertTrue(second.stdout().contains("no changes"), second.stdout());
      assertEquals(version, latestVersion(admin), "no new config version");
      assertEquals(auditRows, auditOf(admin, org).size(), "nothing written");

      // 3. Drift: a change by hand is planned back (the dry run changes nothing), then applied back.
      int orgVersion = admin.get("/api/v1/orgs/" + org).expect(200).json().getInteger("version");
      admin.put("/api/v1/orgs/" + org, new JsonObject().put("display", "Changed by hand").put("policy", policy)
          .put("version", orgVersion)).expect(200);
      Platform.Result plan = platform.cli(platform.adminToken(), "apply", "-f", file.toString(), "--dry-run")
          .expect(0, "dry run");
      assertTrue(plan.stdout().lines().anyMatch(line -> line.contains("orgs " + org) && line.contains("display")),
          "the drift is in the plan: " + plan.stdout());
      assertEquals("Changed by hand", admin.get("/api/v1/orgs/" + org).expect(200).json().getString("display"));
      platform.cli(platform.adminToken(), "apply", "-f", file.toString()).expect(0, "apply after drift");
      assertEquals("Declared", admin.get("/api/v1/orgs/" + org).expect(200).json().getString("display"));

      // 4. --prune: the org (with its key) and the policy the file no longer names are gone; nothing else.
      platform.cli(platform.adminToken(), "apply", "-f", without.toString(), "--prune").expect(0, "apply --prune");
      assertEquals(404, admin.get("/api/v1/orgs/" + org).status());
      assertEquals(404, admin.get("/api/v1/policies/" + policy).status());
      assertEquals(platformNow, current(admin), "everything else is as it was");
      Await.until(Duration.ofSeconds(10), () -> platform.gatewayUrls().stream().allMatch(gateway ->
              Completions.raw(gateway, secret.group(1), platform.model(), 8, "e2e-" + UUID.randomUUID()).status() == 401),
          () -> "the pruned org's key still serves");

      // 5. Audit: each change, with its actor (the admin who applied, or who changed the org by hand).
      List<JsonObject> audit = auditOf(admin, org);
      String actor = platform.adminEmail();
      assertAudited(audit, "policy.create", "policy:" + policy, actor);
      assertAudited(audit, "org.create", "org:" + org, actor);
      assertAudited(audit, "member.put", "org:" + org + "/member:" + viewer, actor);
      assertAudited(audit, "key.create", "org:" + org + "/key:ci", actor);
      assertAudited(audit, "org.update", "org:" + org, actor);
      assertAudited(audit, "org.delete", "org:" + org, actor);
      assertAudited(audit, "policy.delete", "policy:" + policy, actor);
    } finally {
      admin.delete("/api/v1/orgs/" + org);
      admin.delete("/api/v1/policies/" + policy);
      admin.delete("/api/v1/users/" + viewer);
    }
  }

  /** The platform's catalogue and orgs as a platform file: what GET answers, without versions. */
  private static JsonObject current(ControlPlane admin) {
    JsonObject file = new JsonObject();
    for (String section : SECTIONS) {
      JsonArray items = new JsonArray();
      admin.get("/api/v1/" + section).expect(200).array().forEach(item -> {
        JsonObject copy = ((JsonObject) item).copy();
        copy.remove("version");
        items.add(copy);
      });
      file.put(section, items);
    }
    return file;
  }

  private static long latestVersion(ControlPlane admin) {
    return admin.get("/api/v1/config/snapshots/latest").expect(200).json().getLong("version");
  }

  /** The audit rows of the whole platform that concern this test's org and policy. */
  private static List<JsonObject> auditOf(ControlPlane admin, String name) {
    return Tenant.allPages(admin, "/api/v1/audit?limit=1000").stream()
        .filter(row -> row.getString("target", "").contains(name)).toList();
  }
}
