package io.tollgate.controlplane.cli;

import io.tollgate.controlplane.alerts.Alert;
import io.tollgate.controlplane.alerts.Budget;
import io.tollgate.controlplane.config.AlertSettings;
import io.tollgate.controlplane.store.AlertStore;
import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.controlplane.testsupport.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** tollgate-admin alerts: channels add, list, test, remove; history with each channel's delivery. */
class CliAlertsTest {

  private static RunningControlPlane cp;
  private static CliRunner cli;
  private static WebhookReceiver receiver;

  @BeforeAll
  static void setUp() throws Exception {
    cp = RunningControlPlane.start(new AlertSettings(600_000, 600_000, 10, 1, java.time.Duration.ofMinutes(10),
        java.time.Duration.ofHours(1), AlertSettings.Smtp.NONE, 50, WebhookReceiver.LOOPBACK_ALLOWED));
    String root = cp.user(cp.bootstrapToken, "root@example.com", true);
    AdminCli.environment(Map.of());
    cli = new CliRunner(cp, root);
    receiver = WebhookReceiver.start(cp.guarded.vertx());
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "acme")
        .put("budget", new JsonObject().put("limitUsd", 100).put("period", "month"))).status());
  }

  @AfterAll
  static void tearDown() throws Exception {
    AdminCli.environment(System.getenv());
    receiver.close();
    cp.close();
  }

  @Test
  void channelsAreAddedListedTestedAndRemoved() {
    CliRunner.Result added = cli.run("alerts", "channels", "add", "acme", "siem", "--type", "webhook", "--url",
        receiver.url("/private/token-abc"), "-o", "json");
    assertEquals(0, added.code(), added.err());
    assertTrue(new JsonObject(added.out()).getString("secret").startsWith("whsec_"), "printed this once");
    CliRunner.Result both = cli.run("alerts", "channels", "add", "acme", "x", "--type", "slack", "--url", "https://a.test",
        "--email", "a@b.test");
    assertEquals(2, both.code(), "a URL or an address, not both");
    CliRunner.Result metadata = cli.run("alerts", "channels", "add", "acme", "meta", "--type", "webhook", "--url",
        "http://169.254.169.254/latest/meta-data/");
    assertEquals(ExitCodes.INVALID, metadata.code(), "the cloud metadata service is never a webhook");
    assertTrue((metadata.out() + metadata.err()).contains("169.254.169.254 is a link-local (cloud metadata) address"),
        metadata.out() + metadata.err());

    CliRunner.Result list = cli.run("alerts", "channels", "list", "acme");
    assertEquals(0, list.code(), list.err());
    assertTrue(list.out().lines().findFirst().orElseThrow().startsWith("ID"), list.out());
    assertTrue(list.out().contains("siem") && !list.out().contains("token-abc"), list.out());

    CliRunner.Result test = cli.run("alerts", "channels", "test", "acme", "siem");
    assertEquals(0, test.code(), test.err());
    assertEquals("delivered a test message to siem", test.out().trim());
    receiver.failNext("/private/token-abc", 1);
    test = cli.run("alerts", "channels", "test", "acme", "siem");
    assertEquals(1, test.code());
    assertEquals("not delivered to siem: HTTP 503 from the webhook: down for maintenance", test.out().trim());

    CliRunner.Result removed = cli.run("alerts", "channels", "remove", "acme", "siem");
    assertEquals(0, removed.code(), removed.err());
    assertEquals(5, cli.run("alerts", "channels", "remove", "acme", "siem").code(), "not found");
  }

  @Test
  void historyShowsEachAlertWithItsDeliveries() throws Exception {
    assertEquals(0, cli.run("alerts", "channels", "add", "acme", "ops", "--type", "slack", "--url",
        "http://127.0.0.1:1/nothing-listens").code());
    Budget budget = new Budget("acme", "org", "acme", 100_000_000, "month", null);
    Instant at = Instant.parse("2026-11-20T10:00:00Z");
    cp.onContext(() -> AlertStore.record(cp.plane.pool(), new Alert(0, budget, "m2026-11", Alert.THRESHOLD, 80,
        100_000_000, 80_500_000, at, null, Instant.parse("2026-12-01T00:00:00Z"))));
    // One attempt allowed here: the unreachable channel fails for good, with its reason.
    cp.onContext(() -> cp.plane.deliveryWorker().work());
    CliRunner.Result history = cli.run("alerts", "history", "acme");
    assertEquals(0, history.code(), history.err());
    List<String> lines = history.out().lines().toList();
    assertTrue(lines.get(0).matches("ID\\s+AT\\s+BUDGET\\s+ALERT\\s+SPENT\\s+DELIVERIES"), lines.get(0));
    assertTrue(lines.get(1).contains("80 %") && lines.get(1).contains("$80.50 of $100.00"), lines.get(1));
    assertTrue(lines.get(1).contains("ops failed (1 attempts: "), lines.get(1));
    CliRunner.Result json = cli.run("alerts", "history", "acme", "-o", "json");
    JsonObject delivery = new JsonObject(json.out()).getJsonArray("alerts").getJsonObject(0)
        .getJsonArray("deliveries").getJsonObject(0);
    assertEquals("failed", delivery.getString("status"));
    assertFalse(delivery.getString("lastError").isBlank());
    assertEquals(7, cli.run("alerts", "history", "acme", "--limit", "0").code(), "a bad limit is the API's 400");
  }
}
