package io.tollgate.controlplane.alerts;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.tollgate.controlplane.config.AlertSettings;
import io.tollgate.controlplane.testsupport.GatewayReplicas;
import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.controlplane.testsupport.WebhookReceiver;
import io.tollgate.gateway.config.RedisSettings;
import io.tollgate.gateway.config.sync.ConfigSync;
import io.tollgate.gateway.config.sync.ConfigSyncSettings;
import io.tollgate.testsupport.Services;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #19's promise end to end: a key spending its budget through two real gateway replicas gets
 * exactly one notification per threshold (50, 80, 100 %) on each of its org's channels — a Slack
 * and a Teams webhook in their documented shapes, a signed generic webhook whose signature a
 * receiver verifies, a flaky webhook that fails twice first, and an email at a real SMTP server.
 */
class BudgetAlertsEndToEndTest {

  private static final AlertSettings FAST = new AlertSettings(100, 50, 50, 6, Duration.ofMinutes(10),
      Duration.ofHours(1), AlertSettings.Smtp.NONE, 50, WebhookReceiver.LOOPBACK_ALLOWED);

  @Test
  void aKeyCrossingItsThresholdsOnTwoReplicasIsAnnouncedOncePerThresholdOnEveryChannel() throws Exception {
    GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
    smtp.start();
    AlertSettings settings = FAST.withSmtp(new AlertSettings.Smtp("127.0.0.1", smtp.getSmtp().getPort(),
        "alerts@tollgate.test", null, null, "DISABLED"));
    List<ConfigSync> syncs = new ArrayList<>();
    try (RunningControlPlane cp = RunningControlPlane.start(settings);
         GatewayReplicas replicas = GatewayReplicas.start(2, 1, RunningControlPlane.PEPPER, cp.redisPrefix,
             GatewayReplicas.fastSimulator());
         WebhookReceiver receiver = WebhookReceiver.start(cp.guarded.vertx())) {
      String root = cp.user(cp.bootstrapToken, "root@example.com", true);
      String reader = cp.configReader(root, "gateways@example.com");
      assertEquals(201, cp.post("/api/v1/backends", root, new JsonObject().put("id", "sim-1")
          .put("url", replicas.simulators.get(0).baseUrl())).status());
      assertEquals(201, cp.post("/api/v1/models", root, new JsonObject().put("name", GatewayReplicas.MODEL)
          .put("prices", new JsonObject().put("promptPerMillion", 1000).put("completionPerMillion", 2000))).status());
      assertEquals(201, cp.post("/api/v1/routes", root, new JsonObject().put("model", GatewayReplicas.MODEL)
          .put("backends", new JsonArray().add("sim-1"))).status());
      assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "acme")).status());
      String channels = "/api/v1/orgs/acme/alerts/channels";
      assertEquals(201, cp.post(channels, root, new JsonObject().put("id", "slack").put("type", "slack")
          .put("url", receiver.url("/slack"))).status());
      assertEquals(201, cp.post(channels, root, new JsonObject().put("id", "teams").put("type", "teams")
          .put("url", receiver.url("/teams"))).status());
      JsonObject signed = cp.post(channels, root, new JsonObject().put("id", "siem").put("type", "webhook")
          .put("url", receiver.url("/signed"))).json();
      String secret = signed.getString("secret");
      assertNotNull(secret, "the signing secret is shown at creation: " + signed.encode());
      assertEquals(201, cp.post(channels, root, new JsonObject().put("id", "flaky").put("type", "slack")
          .put("url", receiver.url("/flaky"))).status());
      assertEquals(201, cp.post(channels, root, new JsonObject().put("id", "finance").put("type", "email")
          .put("email", "finance@acme.test")).status());
      receiver.failNext("/flaky", 2);
      String key = cp.post("/api/v1/orgs/acme/keys", root, new JsonObject().put("id", "app")
          .put("budget", new JsonObject().put("limitUsd", 0.1).put("period", "month"))).json().getString("secret");

      for (int i = 0; i < replicas.gateways.size(); i++) {
        int index = i;
        syncs.add(replicas.onContext(() -> ConfigSync.start(replicas.guarded.vertx(),
            new ConfigSyncSettings(URI.create("http://127.0.0.1:" + cp.plane.port()), reader, 60_000, 2_000),
            new RedisSettings(Services.REDIS_URL, 250, RedisSettings.FailPolicy.CLOSED, 2, cp.redisPrefix),
            replicas.gateways.get(index).config())));
      }
      waitFor(() -> replicas.chat(0, key).status() == 200 && replicas.chat(1, key).status() == 200,
          "both replicas serve the key with the model's prices");

      // Spend the budget from both replicas, a few requests at a time, until it refuses.
      int refusedAt = -1;
      for (int round = 0; round < 60 && refusedAt < 0; round++) {
        List<io.vertx.core.Future<GatewayReplicas.Answer>> batch = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          batch.add(replicas.chatAsync(i % 2, key, 4, false));
        }
        for (io.vertx.core.Future<GatewayReplicas.Answer> answer : batch) {
          int status = RunningControlPlane.await(answer).status();
          if (status != 200) {
            refusedAt = round;
          }
        }
      }
      assertTrue(refusedAt >= 0, "the budget ran out");

      waitFor(() -> receiver.acceptedAt("/slack").size() >= 3 && receiver.acceptedAt("/teams").size() >= 3
          && receiver.acceptedAt("/signed").size() >= 3 && receiver.acceptedAt("/flaky").size() >= 3
          && smtp.getReceivedMessages().length >= 3, "three alerts on every channel");
      Thread.sleep(1_000); // ten more polls and delivery passes: nothing more may arrive

      Set<Integer> expected = Set.of(50, 80, 100);
      assertEquals(expected, slackThresholds(receiver.acceptedAt("/slack")));
      assertEquals(3, receiver.acceptedAt("/slack").size(), "one Slack message per threshold");
      assertEquals(3, receiver.acceptedAt("/teams").size(), "one Teams card per threshold");
      assertEquals(3, receiver.acceptedAt("/signed").size(), "one signed event per threshold");
      assertEquals(3, receiver.acceptedAt("/flaky").size(), "the flaky receiver gets each alert once in the end");
      assertEquals(5, receiver.at("/flaky").size(), "after refusing two attempts");
      assertEquals(3, smtp.getReceivedMessages().length, "one email per threshold");

      for (WebhookReceiver.Received teams : receiver.acceptedAt("/teams")) {
        JsonObject card = new JsonObject(teams.body());
        assertEquals("MessageCard", card.getString("@type"));
        assertEquals("https://schema.org/extensions", card.getString("@context"));
        assertFalse(card.getString("summary").isBlank());
        assertTrue(card.getString("title").startsWith("Budget alert: key acme/app passed "), card.encode());
        JsonArray facts = card.getJsonArray("sections").getJsonObject(0).getJsonArray("facts");
        assertEquals("Key", facts.getJsonObject(1).getString("name"));
        assertEquals("app", facts.getJsonObject(1).getString("value"));
      }
      Set<Integer> signedThresholds = new TreeSet<>();
      for (WebhookReceiver.Received event : receiver.acceptedAt("/signed")) {
        String timestamp = event.headers().get("X-Tollgate-Timestamp");
        long age = System.currentTimeMillis() / 1000 - Long.parseLong(timestamp);
        assertTrue(Math.abs(age) <= 300, "a fresh timestamp");
        assertEquals("v1=" + hmac(secret, timestamp + "." + event.body()), event.headers().get("X-Tollgate-Signature"),
            "the signature a receiver computes from the secret, the timestamp and the raw body");
        JsonObject body = new JsonObject(event.body());
        assertEquals("budget.alert", body.getString("type"));
        JsonObject alert = body.getJsonObject("alert");
        assertEquals("acme", alert.getString("org"));
        assertEquals("app", alert.getString("key"));
        assertEquals(0.1, alert.getDouble("limitUsd"), 1e-9);
        signedThresholds.add(alert.getInteger("thresholdPercent"));
      }
      assertEquals(expected, signedThresholds);
      Set<String> subjects = new TreeSet<>();
      for (MimeMessage mail : smtp.getReceivedMessages()) {
        assertEquals("finance@acme.test", mail.getAllRecipients()[0].toString());
        subjects.add(mail.getSubject());
      }
      assertEquals(Set.of("[Tollgate] Budget alert: key acme/app passed 50 %",
          "[Tollgate] Budget alert: key acme/app passed 80 %",
          "[Tollgate] Budget alert: key acme/app passed 100 %"), subjects);

      JsonObject history = cp.get("/api/v1/orgs/acme/alerts", root).json();
      JsonArray alerts = history.getJsonArray("alerts");
      assertEquals(3, alerts.size(), history.encode());
      int flakyFailures = 0;
      for (Object item : alerts) {
        JsonArray deliveries = ((JsonObject) item).getJsonArray("deliveries");
        assertEquals(5, deliveries.size());
        for (Object d : deliveries) {
          JsonObject delivery = (JsonObject) d;
          assertEquals("delivered", delivery.getString("status"), delivery.encode());
          for (Object t : delivery.getJsonArray("tries")) {
            if ("failed".equals(((JsonObject) t).getString("result"))) {
              assertEquals("flaky", delivery.getString("channel"));
              assertTrue(((JsonObject) t).getString("reason").startsWith("HTTP 503"), t.toString());
              flakyFailures++;
            }
          }
        }
      }
      assertEquals(2, flakyFailures, "the two failed attempts are recorded with their reason");

      String metrics = cp.get("/metrics", null).body();
      for (int threshold : expected) {
        assertTrue(metrics.contains("tollgate_budget_alerts_total{kind=\"threshold\",threshold=\"" + threshold
            + "\"} 1.0"), metrics);
      }
      assertTrue(metrics.contains("tollgate_alert_deliveries_total{channel_type=\"slack\",result=\"failed\"} 2.0"));
      assertTrue(metrics.contains("tollgate_alert_deliveries_total{channel_type=\"email\",result=\"delivered\"} 3.0"));
    } finally {
      smtp.stop();
    }
  }

  private static Set<Integer> slackThresholds(List<WebhookReceiver.Received> messages) {
    Set<Integer> thresholds = new TreeSet<>();
    for (WebhookReceiver.Received message : messages) {
      JsonObject body = new JsonObject(message.body());
      // Slack's incoming webhook: "text" (the notification) and Block Kit "blocks".
      assertFalse(body.getString("text").isBlank());
      JsonArray blocks = body.getJsonArray("blocks");
      assertEquals("header", blocks.getJsonObject(0).getString("type"));
      assertEquals("plain_text", blocks.getJsonObject(0).getJsonObject("text").getString("type"));
      assertTrue(blocks.getJsonObject(0).getJsonObject("text").getString("text").length() <= 150);
      assertEquals("section", blocks.getJsonObject(1).getString("type"));
      assertEquals("mrkdwn", blocks.getJsonObject(1).getJsonObject("text").getString("type"));
      String header = blocks.getJsonObject(0).getJsonObject("text").getString("text");
      thresholds.add(Integer.parseInt(header.replaceAll(".* passed (\\d+) %$", "$1")));
    }
    return thresholds;
  }

  private static String hmac(String secret, String text) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
  }

  interface Check {
    boolean holds() throws Exception;
  }

  private static void waitFor(Check check, String what) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (check.holds()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("timed out waiting for: " + what);
  }
}
