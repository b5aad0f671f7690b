package io.tollgate.e2e;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.tollgate.e2e.HappyPathE2ETest.assertAudited;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An org's budget holds across both replicas (one spend in Redis): once it is spent, each replica answers
 * 429 insufficient_quota; the org's billing user raises it and both serve again.
 */
@Order(2)
@ExtendWith(PlatformExtension.class)
class BudgetE2ETest {

  private static final double LIMIT_USD = 0.00003; // a handful of 16-token completions at the demo prices

  private static Platform platform;

  @BeforeAll
  static void platform(Platform started) {
    platform = started;
  }

  @Test
  void aSpentOrgBudgetRefusesOnBothReplicasUntilItsBillingUserRaisesIt() {
    JsonObject budget = new JsonObject().put("limitUsd", LIMIT_USD).put("period", "day");
    try (Tenant tenant = Tenant.create(platform, "budget", new JsonObject().put("budget", budget))) {
      tenant.member("billing");
      String key = tenant.key("app", new JsonObject());
      platform.awaitGatewaysOnLatestConfig();
      List<String> gateways = platform.gatewayUrls();

      int served = 0;
      Http.Reply refused = null;
      String refusedBy = null;
      for (int i = 0; i < 100 && refused == null; i++) {
        String gateway = gateways.get(i % 2);
        Http.Reply reply = Completions.raw(gateway, key, platform.model(), 16, "e2e-" + UUID.randomUUID());
        if (reply.status() == 200) {
          served++;
        } else {
          refused = reply;
          refusedBy = gateway;
        }
      }
      assertNotNull(refused, "100 requests never exhausted a budget of $" + LIMIT_USD);
      assertTrue(served >= 2, "both replicas served before the budget ran out: " + served);
      assertInsufficientQuota(refused, refusedBy);
      for (String gateway : gateways) {
        assertInsufficientQuota(Completions.raw(gateway, key, platform.model(), 16, "e2e-" + UUID.randomUUID()), gateway);
      }

      // Never overspent, though two replicas admitted the requests: the analytics rows say what was spent.
      Analytics analytics = Analytics.of(platform);
      long attempts = served + 3;
      Await.until(Duration.ofSeconds(30), () -> analytics.totals(tenant.org).requests() == attempts,
          () -> "usage rows of " + tenant.org + ": " + analytics.totals(tenant.org) + ", requests made: " + attempts);
      assertTrue(analytics.totals(tenant.org).costUsd() <= LIMIT_USD,
          "spent " + analytics.totals(tenant.org).costUsd() + " of a budget of " + LIMIT_USD);

      tenant.as("billing").put("/api/v1/orgs/" + tenant.org + "/budget",
          new JsonObject().put("limitUsd", 1.0).put("period", "day")).expect(200);
      for (String gateway : gateways) {
        Await.until(Duration.ofSeconds(20),
            () -> Completions.raw(gateway, key, platform.model(), 16, "e2e-" + UUID.randomUUID()).status() == 200,
            () -> gateway + " still refuses after the budget was raised");
      }
      assertAudited(tenant.audit(), "org.budget", "org:" + tenant.org, tenant.email("billing"));
    }
  }

  private static void assertInsufficientQuota(Http.Reply reply, String gateway) {
    assertEquals(429, reply.status(), gateway + ": " + reply.body());
    assertEquals("insufficient_quota", reply.json().getJsonObject("error").getString("code"), gateway + ": " + reply.body());
  }
}
