package io.tollgate.controlplane.alerts;

import io.tollgate.controlplane.config.AlertSettings;
import io.tollgate.controlplane.store.AlertChannelStore;
import io.tollgate.controlplane.store.AlertStore;
import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.controlplane.testsupport.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhook egress end to end (SSRF): a channel whose URL is not allowed is refused when added, with
 * the reason on the url field; a channel whose name resolves to a refused address by the time an
 * alert is sent (DNS rebinding, or a rule tightened since) is not posted to, and the delivery is
 * recorded as failed with the reason.
 */
class WebhookEgressApiTest {

  private static final String CHANNELS = "/api/v1/orgs/acme/alerts/channels";
  private static final AlertSettings QUIET = new AlertSettings(600_000, 600_000, 10, 1, Duration.ofMinutes(10),
      Duration.ofHours(1), AlertSettings.Smtp.NONE, 50);

  private RunningControlPlane cp;
  private WebhookReceiver receiver;
  private String root;

  private void start(AlertSettings.Webhooks webhooks) throws Exception {
    cp = RunningControlPlane.start(QUIET.withWebhooks(webhooks));
    receiver = WebhookReceiver.start(cp.guarded.vertx());
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "acme")).status());
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (receiver != null) {
        receiver.close();
      }
    } finally {
      if (cp != null) {
        cp.close();
      }
    }
  }

  private List<String> refusals(String type, String url) throws Exception {
    RunningControlPlane.Reply reply = cp.post(CHANNELS, root, new JsonObject().put("id", "c").put("type", type)
        .put("url", url));
    assertEquals(422, reply.status(), url + ": " + reply.body());
    return reply.json().getJsonObject("error").getJsonArray("fields").stream()
        .map(f -> ((JsonObject) f).getString("path") + " " + ((JsonObject) f).getString("reason")).toList();
  }

  @Test
  void internalAddressesAreRefusedWhenAChannelIsAddedUnlessAllowed() throws Exception {
    start(AlertSettings.Webhooks.PUBLIC_ONLY);
    assertEquals(List.of("$.url 169.254.169.254 is a link-local (cloud metadata) address, not posted to unless "
        + "TOLLGATE_ALERTS_WEBHOOK_PRIVATE_NETWORKS allows it"), refusals("webhook",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/"));
    assertEquals(List.of("$.url localhost resolves to 127.0.0.1 is a loopback address, not posted to unless "
        + "TOLLGATE_ALERTS_WEBHOOK_PRIVATE_NETWORKS allows it"), refusals("slack", "http://localhost:6379/"));
    assertTrue(refusals("teams", receiver.url("/hook")).get(0).contains("127.0.0.1 is a loopback address"));
    assertTrue(refusals("webhook", "http://[::ffff:10.0.0.1]:8080/").get(0).contains("is a private address"));
    assertTrue(refusals("webhook", "http://[::1]/").get(0).contains("is a loopback address"));
    assertTrue(refusals("webhook", "http://0.0.0.0:8090/").get(0).contains("unspecified"));
    assertEquals(0, cp.get(CHANNELS, root).array().size());
    // A name that does not resolve now is kept: it is checked again at each delivery.
    assertEquals(201, cp.post(CHANNELS, root, new JsonObject().put("id", "later").put("type", "slack")
        .put("url", "https://hooks.acme.test/services/x")).status());
    assertTrue(receiver.at("/hook").isEmpty());
  }

  @Test
  void onlyTheConfiguredHostsAreAccepted() throws Exception {
    start(new AlertSettings.Webhooks(List.of("hooks.slack.com", "*.webhook.office.com", "localhost"),
        List.of("127.0.0.1", "::1")));
    assertEquals(List.of("$.url host evil.example is not one webhooks may be sent to (TOLLGATE_ALERTS_WEBHOOK_HOSTS: "
        + "hooks.slack.com, *.webhook.office.com, localhost)"), refusals("slack", "https://evil.example/x"));
    assertEquals(1, refusals("teams", "https://webhook.office.com/x").size(), "the apex is not a subdomain");
    assertEquals(1, refusals("webhook", receiver.url("/hook")).size(), "127.0.0.1 is not a listed host");
    assertEquals(201, cp.post(CHANNELS, root, new JsonObject().put("id", "teams").put("type", "teams")
        .put("url", "https://acme.webhook.office.com/webhookb2/x")).status());
    String local = receiver.url("/hook").replace("127.0.0.1", "localhost");
    assertEquals(201, cp.post(CHANNELS, root, new JsonObject().put("id", "local").put("type", "webhook")
        .put("url", local)).status(), "a listed host resolving into an allowed network");
    JsonObject tested = cp.post(CHANNELS + "/local/test", root, null).json();
    assertTrue(tested.getBoolean("delivered"), tested.encode());
    assertEquals(1, receiver.at("/hook").size());
    assertTrue(receiver.at("/hook").get(0).headers().get("host").startsWith("localhost:"),
        "posted to the checked address with the URL's host in the Host header");
  }

  @Test
  void aNameThatNowResolvesToARefusedAddressIsNotPostedToAndTheDeliveryFailsWithTheReason() throws Exception {
    start(AlertSettings.Webhooks.PUBLIC_ONLY);
    // As if the name had resolved to a public address when the channel was added and was re-pointed
    // at loopback since (DNS rebinding): the channel row exists, its name resolves to 127.0.0.1 now.
    String rebound = receiver.url("/hook").replace("127.0.0.1", "localhost");
    cp.onContext(() -> cp.plane.pool().withTransaction(tx -> AlertChannelStore.insert(tx,
        new Channel("acme", "rebound", "slack", rebound, null))));
    Budget budget = new Budget("acme", "org", "acme", 100_000_000, "month", null);
    cp.onContext(() -> AlertStore.record(cp.plane.pool(), new Alert(0, budget, "m2026-11", Alert.THRESHOLD, 80,
        100_000_000, 80_500_000, Instant.parse("2026-11-20T10:00:00Z"), null, Instant.parse("2026-12-01T00:00:00Z"))));
    assertEquals(1, (int) cp.onContext(() -> cp.plane.deliveryWorker().work()));
    assertTrue(receiver.at("/hook").isEmpty(), "nothing was posted to the internal address");
    JsonObject delivery = cp.get("/api/v1/orgs/acme/alerts", root).json().getJsonArray("alerts").getJsonObject(0)
        .getJsonArray("deliveries").getJsonObject(0);
    assertEquals("failed", delivery.getString("status"), delivery.encode());
    assertEquals("refused: localhost resolves to 127.0.0.1 is a loopback address, not posted to unless "
        + "TOLLGATE_ALERTS_WEBHOOK_PRIVATE_NETWORKS allows it",
        delivery.getJsonArray("tries").getJsonObject(0).getString("reason"));
    JsonObject tested = cp.post(CHANNELS + "/rebound/test", root, null).json();
    assertFalse(tested.getBoolean("delivered"));
    assertTrue(tested.getString("reason").startsWith("refused: localhost resolves to 127.0.0.1"), tested.encode());
  }
}
