package io.tollgate.controlplane.alerts;

import io.tollgate.controlplane.config.AlertSettings;
import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.controlplane.testsupport.WebhookReceiver;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alert channels API: strict bodies with every refusal named, secrets shown once, webhook URLs
 * (credentials) masked when listed, "test" reporting what the receiver answered, changes audited.
 */
class AlertChannelsApiTest {

  private static RunningControlPlane cp;
  private static String root;
  private static final String CHANNELS = "/api/v1/orgs/acme/alerts/channels";

  @BeforeAll
  static void start() throws Exception {
    cp = RunningControlPlane.start(AlertSettings.defaults().withWebhooks(WebhookReceiver.LOOPBACK_ALLOWED));
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "acme")).status());
  }

  @AfterAll
  static void stop() throws Exception {
    cp.close();
  }

  private static List<String> paths(RunningControlPlane.Reply reply) {
    return reply.json().getJsonObject("error").getJsonArray("fields").stream()
        .map(f -> ((JsonObject) f).getString("path") + " " + ((JsonObject) f).getString("reason")).toList();
  }

  @Test
  void badChannelsAreRefusedWithEveryReason() throws Exception {
    RunningControlPlane.Reply reply = cp.post(CHANNELS, root, new JsonObject().put("id", "bad id").put("type", "pager")
        .put("urll", "x"));
    assertEquals(422, reply.status(), reply.body());
    List<String> problems = paths(reply);
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("$.urll ") && p.contains("url")), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("$.id ")), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("$.type must be one of [slack, teams, webhook, email]")),
        problems.toString());

    reply = cp.post(CHANNELS, root, new JsonObject().put("id", "s").put("type", "slack").put("url", "ftp://x/y"));
    assertEquals(List.of("$.url must be an absolute http(s) URL"), paths(reply));
    reply = cp.post(CHANNELS, root, new JsonObject().put("id", "s").put("type", "slack"));
    assertEquals(List.of("$.url is required"), paths(reply));
    reply = cp.post(CHANNELS, root, new JsonObject().put("id", "m").put("type", "email").put("email", "ops@acme.test"));
    assertEquals(List.of("$.type email needs an SMTP server, and this control plane has none (TOLLGATE_SMTP_HOST)"),
        paths(reply), "no SMTP server configured here");
    reply = cp.post(CHANNELS, root, new JsonObject().put("id", "s").put("type", "slack").put("url", "https://x.test/a")
        .put("email", "a@b.test"));
    assertEquals(List.of("$.email is for email channels; a slack channel has a url"), paths(reply));
    assertEquals(404, cp.post("/api/v1/orgs/nope/alerts/channels", root, new JsonObject().put("id", "s")
        .put("type", "slack").put("url", "https://x.test/a")).status());
  }

  @Test
  void aChannelIsCreatedListedTestedAndRemovedWithItsSecretShownOnce() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start(cp.guarded.vertx())) {
      RunningControlPlane.Reply created = cp.post(CHANNELS, root, new JsonObject().put("id", "siem")
          .put("type", "webhook").put("url", receiver.url("/hooks/secret-path-123")));
      assertEquals(201, created.status(), created.body());
      String secret = created.json().getString("secret");
      assertTrue(secret.startsWith("whsec_") && secret.length() > 40, secret);
      assertEquals(409, cp.post(CHANNELS, root, new JsonObject().put("id", "siem").put("type", "slack")
          .put("url", receiver.url("/x"))).status(), "ids are unique per org");

      JsonArray listed = cp.get(CHANNELS, root).array();
      JsonObject siem = listed.stream().map(JsonObject.class::cast).filter(c -> c.getString("id").equals("siem"))
          .findFirst().orElseThrow();
      assertNull(siem.getValue("secret"));
      assertEquals(true, siem.getBoolean("signed"));
      assertFalse(siem.getString("target").contains("secret-path-123"), "a webhook URL is a credential: " + siem);
      assertFalse(cp.get(CHANNELS, root).body().contains(secret));

      JsonObject test = cp.post(CHANNELS + "/siem/test", root, null).json();
      assertEquals(new JsonObject().put("channel", "siem").put("delivered", true), test);
      WebhookReceiver.Received got = receiver.acceptedAt("/hooks/secret-path-123").get(0);
      assertEquals("budget.test", new JsonObject(got.body()).getString("type"));
      assertTrue(Signature.verify(secret, got.headers().get(Signature.TIMESTAMP_HEADER),
          got.headers().get(Signature.SIGNATURE_HEADER), got.body(), System.currentTimeMillis() / 1000));
      assertFalse(Signature.verify(secret, got.headers().get(Signature.TIMESTAMP_HEADER),
          got.headers().get(Signature.SIGNATURE_HEADER), got.body(), System.currentTimeMillis() / 1000 + 301),
          "a replay after the tolerance is refused");
      assertFalse(Signature.verify(secret, got.headers().get(Signature.TIMESTAMP_HEADER),
          got.headers().get(Signature.SIGNATURE_HEADER), got.body().replace("acme", "evil"),
          System.currentTimeMillis() / 1000), "a changed body is refused");

      receiver.failNext("/hooks/secret-path-123", 1);
      test = cp.post(CHANNELS + "/siem/test", root, null).json();
      assertEquals(false, test.getBoolean("delivered"));
      assertEquals("HTTP 503 from the webhook: down for maintenance", test.getString("reason"));

      assertEquals(204, cp.call(HttpMethod.DELETE, CHANNELS + "/siem", root, null).status());
      assertEquals(404, cp.call(HttpMethod.DELETE, CHANNELS + "/siem", root, null).status());
      assertEquals(404, cp.post(CHANNELS + "/siem/test", root, null).status());
      JsonArray audit = cp.get("/api/v1/orgs/acme/audit?target=org:acme/alert-channel:siem", root).json()
          .getJsonArray("entries");
      assertEquals(List.of("alert.channel.delete", "alert.channel.create"), audit.stream()
          .map(e -> ((JsonObject) e).getString("action")).toList());
      assertFalse(audit.encode().contains(secret), "the audit log never holds the secret");
    }
  }

  @Test
  void theHistoryRefusesBadPagingInTheApisShape() throws Exception {
    RunningControlPlane.Reply reply = cp.get("/api/v1/orgs/acme/alerts?limit=0&before=x", root);
    assertEquals(400, reply.status());
    assertEquals(2, reply.json().getJsonObject("error").getJsonArray("fields").size(), reply.body());
    assertEquals(new JsonObject().put("alerts", new JsonArray()).putNull("next"),
        cp.get("/api/v1/orgs/acme/alerts?limit=5", root).json());
  }
}
