package io.tollgate.e2e;

import com.openai.client.OpenAIClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A platform team's first day: an org, its people in roles, a key made by a member with the CLI, and an
 * application calling both gateway replicas with the OpenAI SDK, streamed and not; then the billing
 * view: the analytics API and its CSV export hold one row per request, with the tokens the client was
 * told and the cost at the control plane's prices.
 */
@Order(1)
@ExtendWith(PlatformExtension.class)
class HappyPathE2ETest {

  private static Platform platform;

  @BeforeAll
  static void platform(Platform started) {
    platform = started;
  }

  @Test
  void aKeyFromTheCliServesBothReplicasAndEveryRequestIsBilledOnceWithItsTokensAndCost() {
    try (Tenant tenant = Tenant.create(platform, "happy", new JsonObject().put("display", "Happy path"))) {
      tenant.member("owner");
      String memberToken = tenant.member("member");
      tenant.member("viewer");
      tenant.member("billing");
      JsonObject members = new JsonObject();
      tenant.as("owner").get("/api/v1/orgs/" + tenant.org + "/members").expect(200).array()
          .forEach(m -> members.put(((JsonObject) m).getString("email"), ((JsonObject) m).getString("role")));
      assertEquals(Map.of(tenant.email("owner"), "owner", tenant.email("member"), "member",
          tenant.email("viewer"), "viewer", tenant.email("billing"), "billing"), members.getMap());

      // The member makes the application's key with the CLI; its secret is shown once.
      JsonObject created = new JsonObject(platform.cli(memberToken, "keys", "create", tenant.org, "app",
          "--models", platform.model(), "-o", "json").expect(0, "tollgate-admin keys create").stdout());
      String secret = created.getString("secret");
      assertTrue(secret.startsWith("tg-"), created.encode());

      List<Completions.Served> served = new ArrayList<>();
      for (String gateway : platform.gatewayUrls()) {
        OpenAIClient client = Completions.sdk(gateway, secret);
        try {
          for (int i = 0; i < 2; i++) {
            served.add(Completions.complete(client, gateway, platform.model(), 12, "e2e-" + UUID.randomUUID()));
            served.add(Completions.stream(client, gateway, platform.model(), 12, "e2e-" + UUID.randomUUID()));
          }
        } finally {
          client.close();
        }
      }
      for (Completions.Served one : served) {
        assertFalse(one.text().isBlank(), "a completion with text: " + one);
        assertTrue(one.promptTokens() > 0 && one.completionTokens() > 0, one.toString());
      }

      JsonObject prices = tenant.admin.get("/api/v1/models/" + platform.model()).expect(200).json()
          .getJsonObject("prices");
      long prompt = served.stream().mapToLong(Completions.Served::promptTokens).sum();
      long completion = served.stream().mapToLong(Completions.Served::completionTokens).sum();
      Analytics analytics = Analytics.of(platform);
      Await.until(Duration.ofSeconds(30), () -> analytics.totals(tenant.org).requests() >= served.size(),
          () -> "usage of " + tenant.org + ": " + analytics.totals(tenant.org));
      Analytics.Totals totals = analytics.totals(tenant.org);
      assertEquals(served.size(), totals.requests(), "one usage row per request, none twice");
      assertEquals(prompt, totals.promptTokens(), "prompt tokens as the client was told");
      assertEquals(completion, totals.completionTokens(), "completion tokens as the client was told");
      assertEquals(Completions.cost(prices, prompt, completion), totals.costUsd(), 1e-9, "cost at the model's prices");

      Map<String, Map<String, String>> rows = analytics.export(tenant.org).stream()
          .collect(Collectors.toMap(row -> row.get("request_id"), Function.identity()));
      assertEquals(served.size(), rows.size(), "the export has each request once: " + rows.keySet());
      for (Completions.Served one : served) {
        Map<String, String> row = rows.get(one.requestId());
        assertTrue(row != null, "no export row for " + one.requestId());
        assertEquals("app", row.get("key_id"));
        assertEquals("200", row.get("status"));
        assertEquals(Boolean.toString(one.stream()), row.get("stream"));
        assertEquals(one.promptTokens(), Long.parseLong(row.get("prompt_tokens")), one.requestId());
        assertEquals(one.completionTokens(), Long.parseLong(row.get("completion_tokens")), one.requestId());
        assertEquals(Completions.cost(prices, one.promptTokens(), one.completionTokens()),
            Double.parseDouble(row.get("cost_usd")), 1e-12, one.requestId());
      }
      assertEquals(2, served.stream().map(Completions.Served::gatewayUrl).distinct().count());

      // Who did what: the org, its members and the key, each with its actor.
      List<JsonObject> audit = tenant.audit();
      assertAudited(audit, "org.create", "org:" + tenant.org, platform.adminEmail());
      assertAudited(audit, "member.put", "org:" + tenant.org + "/member:" + tenant.email("owner"), platform.adminEmail());
      assertAudited(audit, "key.create", "org:" + tenant.org + "/key:app", tenant.email("member"));
    }
  }

  static void assertAudited(List<JsonObject> audit, String action, String target, String actor) {
    assertTrue(audit.stream().anyMatch(row -> action.equals(row.getString("action"))
            && target.equals(row.getString("target")) && actor.equals(row.getString("actor"))),
        action + " " + target + " by " + actor + " is not in the audit trail: "
            + audit.stream().map(row -> row.getString("action") + " " + row.getString("target") + " by "
            + row.getString("actor")).toList());
  }
}
