package io.tollgate.controlplane.alerts;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.controlplane.config.AlertSettings;
import io.tollgate.controlplane.store.AlertStore;
import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.controlplane.testsupport.WebhookReceiver;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The outbox across instances: workers of three control planes working the same deliveries at
 * once send each alert once (the lease); a receiver that never answers gets the allowed attempts,
 * then the delivery is failed for good with its reason.
 */
class DeliveryWorkerTest {

  private static final AlertSettings SETTINGS = new AlertSettings(600_000, 600_000, 10, 2, Duration.ofMinutes(10),
      Duration.ofHours(1), AlertSettings.Smtp.NONE, 50, WebhookReceiver.LOOPBACK_ALLOWED);

  private RunningControlPlane cp;
  private WebhookReceiver receiver;
  private String root;

  @BeforeEach
  void start() throws Exception {
    cp = RunningControlPlane.start(SETTINGS);
    receiver = WebhookReceiver.start(cp.guarded.vertx());
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "acme")).status());
  }

  @AfterEach
  void stop() throws Exception {
    try {
      receiver.close();
    } finally {
      cp.close();
    }
  }

  private DeliveryWorker worker() {
    return new DeliveryWorker(cp.guarded.vertx(), cp.plane.pool(),
        new Senders(cp.guarded.vertx(), AlertSettings.Smtp.NONE,
            new WebhookEgress(SETTINGS.webhooks()), System::currentTimeMillis), SETTINGS,
        new AlertMetrics(new SimpleMeterRegistry(), 50));
  }

  private void alerts(int count) throws Exception {
    Budget budget = new Budget("acme", "key", "ci", 10_000_000, "month", null);
    for (int i = 1; i <= count; i++) {
      int threshold = i * 10;
      cp.onContext(() -> AlertStore.record(cp.plane.pool(), new Alert(0, budget, "m2026-11", Alert.THRESHOLD,
          threshold, 10_000_000, threshold * 100_000L, Instant.parse("2026-11-20T10:00:00Z"), null,
          Instant.parse("2026-12-01T00:00:00Z"))));
    }
  }

  @Test
  void threeInstancesWorkingTheOutboxAtOnceSendEachAlertOnce() throws Exception {
    assertEquals(201, cp.post("/api/v1/orgs/acme/alerts/channels", root, new JsonObject().put("id", "siem")
        .put("type", "webhook").put("url", receiver.url("/hook"))).status());
    alerts(8);
    DeliveryWorker one = worker();
    DeliveryWorker two = worker();
    List<Integer> tried = cp.onContext(() -> Future.all(one.work(), two.work(), cp.plane.deliveryWorker().work())
        .map(all -> List.of(all.<Integer>resultAt(0), all.<Integer>resultAt(1), all.<Integer>resultAt(2))));
    assertEquals(8, tried.stream().mapToInt(Integer::intValue).sum(), "claimed once in all: " + tried);
    assertEquals(8, receiver.at("/hook").size());
    Set<Long> ids = new TreeSet<>();
    receiver.at("/hook").forEach(r -> ids.add(new JsonObject(r.body()).getJsonObject("alert").getLong("id")));
    assertEquals(8, ids.size(), "each alert once");
    assertEquals(0, (int) cp.onContext(one::work), "nothing left to send");
  }

  @Test
  void aReceiverThatNeverAnswersIsGivenUpAfterTheAllowedAttempts() throws Exception {
    assertEquals(201, cp.post("/api/v1/orgs/acme/alerts/channels", root, new JsonObject().put("id", "down")
        .put("type", "teams").put("url", receiver.url("/down"))).status());
    receiver.failNext("/down", 100);
    alerts(1);
    DeliveryWorker worker = worker();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (receiver.at("/down").size() < 2 && System.nanoTime() < deadline) {
      cp.onContext(worker::work);
      Thread.sleep(20);
    }
    for (int i = 0; i < 5; i++) {
      cp.onContext(worker::work);
      Thread.sleep(20);
    }
    assertEquals(2, receiver.at("/down").size(), "TOLLGATE_ALERTS_MAX_ATTEMPTS is 2 here");
    JsonObject delivery = cp.get("/api/v1/orgs/acme/alerts", root).json().getJsonArray("alerts").getJsonObject(0)
        .getJsonArray("deliveries").getJsonObject(0);
    assertEquals("failed", delivery.getString("status"), delivery.encode());
    assertEquals(2, delivery.getInteger("attempts"));
    JsonArray tries = delivery.getJsonArray("tries");
    assertEquals(List.of("failed", "failed"), tries.stream().map(t -> ((JsonObject) t).getString("result")).toList());
    assertEquals("HTTP 503 from the webhook: down for maintenance", tries.getJsonObject(1).getString("reason"));
  }
}
