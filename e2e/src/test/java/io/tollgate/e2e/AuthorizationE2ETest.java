package io.tollgate.e2e;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.tollgate.e2e.HappyPathE2ETest.assertAudited;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What each role in an org may do, over the running control plane (the role table of
 * docs/control-plane.md): allowed answers 2xx, refused 403, someone outside the org 404 (its existence
 * does not leak); and the same through tollgate-admin's exit codes (0, 4 forbidden, 5 not found).
 */
@Order(3)
@ExtendWith(PlatformExtension.class)
class AuthorizationE2ETest {

  private static final List<String> ROLES = List.of("owner", "admin", "member", "viewer", "billing");

  private static Platform platform;

  @BeforeAll
  static void platform(Platform started) {
    platform = started;
  }

  /** One operation, and the roles that may do it. */
  private record Operation(String name, Set<String> allowed, int success) {
  }

  @Test
  void eachRoleDoesWhatItMayAndIsRefusedTheRestOverRestAndTheCli() {
    try (Tenant tenant = Tenant.create(platform, "roles", new JsonObject())) {
      ROLES.forEach(tenant::member);
      String outsider = tenant.user("outsider-" + tenant.suffix + "@e2e.test");
      String org = "/api/v1/orgs/" + tenant.org;
      List<String> wrong = new ArrayList<>();
      for (String role : ROLES) {
        ControlPlane as = tenant.as(role);
        Map<Operation, Http.Reply> answers = Map.of(
            new Operation("read the org", Set.copyOf(ROLES), 200), as.get(org),
            new Operation("set the budget", Set.of("owner", "admin", "billing"), 200),
            as.put(org + "/budget", new JsonObject().put("limitUsd", 10).put("period", "month")),
            new Operation("list members", Set.of("owner", "admin", "member", "viewer"), 200), as.get(org + "/members"),
            new Operation("create a key", Set.of("owner", "admin", "member"), 201),
            as.post(org + "/keys", new JsonObject().put("id", "k-" + role)),
            new Operation("read the audit trail", Set.of("owner", "admin", "viewer"), 200), as.get(org + "/audit"),
            new Operation("change a member", Set.of("owner", "admin"), 200),
            as.put(org + "/members/" + tenant.email("viewer"), new JsonObject().put("role", "viewer")));
        answers.forEach((operation, reply) -> {
          int expected = operation.allowed().contains(role) ? operation.success() : 403;
          if (reply.status() != expected) {
            wrong.add(role + " / " + operation.name() + ": " + reply.status() + " (wanted " + expected + ") " + reply.body());
          }
        });
        Http.Reply outside = as.as(outsider).get(org);
        if (outside.status() != 404) {
          wrong.add("outsider / read the org: " + outside.status() + " (wanted 404)");
        }
      }
      assertEquals(List.of(), wrong);

      // The same rules through the CLI's exit codes.
      assertEquals(4, platform.cli(tokenOf(tenant, "viewer"), "keys", "create", tenant.org, "cli-viewer").exit(),
          "a viewer may not create keys: exit 4");
      assertEquals(0, platform.cli(tokenOf(tenant, "member"), "keys", "create", tenant.org, "cli-member").exit(),
          "a member may");
      assertEquals(0, platform.cli(tokenOf(tenant, "billing"), "orgs", "budget", tenant.org, "--limit-usd", "5").exit(),
          "billing sets the budget");
      assertEquals(4, platform.cli(tokenOf(tenant, "member"), "orgs", "budget", tenant.org, "--limit-usd", "5").exit(),
          "a member may not");
      assertEquals(5, platform.cli(outsider, "orgs", "get", tenant.org).exit(), "an outsider does not see the org");

      // Only the owner deletes the org (the close below would do it as the platform admin otherwise).
      assertEquals(403, tenant.as("admin").delete(org).status(), "an org admin may not delete the org");
      assertAudited(tenant.audit(), "key.create", "org:" + tenant.org + "/key:cli-member", tenant.email("member"));
      assertEquals(204, tenant.as("owner").delete(org).status(), "its owner may");
    }
  }

  private static String tokenOf(Tenant tenant, String role) {
    return tenant.as(role).token();
  }
}
