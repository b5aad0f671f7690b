package io.tollgate.analytics.ingest;

import io.tollgate.analytics.testsupport.Events;
import io.tollgate.analytics.testsupport.Rollups;
import io.tollgate.analytics.testsupport.RunningAnalytics;
import io.tollgate.analytics.testsupport.TestBroker;
import io.tollgate.analytics.testsupport.TestStore;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RabbitMQ → PostgreSQL, against the real broker and database. */
class IngestTest {

  private TestStore store;
  private TestBroker broker;
  private RunningAnalytics analytics;

  @BeforeEach
  void start() throws Exception {
    store = TestStore.create();
    broker = TestBroker.create();
    analytics = RunningAnalytics.start(RunningAnalytics.settings(store, broker.settings)).awaitConsuming();
  }

  @AfterEach
  void stop() throws Exception {
    try {
      analytics.close();
    } finally {
      broker.close();
      store.close();
    }
  }

  @Test
  void everyEventIsStoredOnceAndARedeliveryAddsNothing() throws Exception {
    Instant base = Instant.parse("2025-03-01T10:59:00Z");
    List<String> events = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      JsonObject event = i % 10 == 0 ? Events.failed(i, base.plusSeconds(i * 7L), 502, "upstream_error")
          : Events.event(i, base.plusSeconds(i * 7L));
      if (i % 100 == 1) {
        event.put("org_id", "org-b");
      }
      events.add(event.encode());
    }
    broker.publish(events);
    assertEquals(3_000, store.awaitCount(3_000, 30_000));
    // The same events again, as a redelivery or a gateway replay would bring them.
    broker.publish(events.subList(0, 500));
    waitFor(() -> analytics.service.metrics().duplicates() == 500);

    assertEquals(3_000, store.count(""));
    IngestMetrics metrics = analytics.service.metrics();
    assertEquals(3_000, metrics.inserted(), metrics::toString);
    assertEquals(3_500, metrics.received(), metrics::toString);
    assertEquals(0, metrics.deadLettered());
    assertEquals(0, Rollups.differences(store, "usage_hourly", "hour"), "hourly rollups equal the raw sums");
    assertEquals(0, Rollups.differences(store, "usage_daily", "day"), "daily rollups equal the raw sums");
    assertEquals(3_000, store.queryLong("SELECT sum(requests) FROM " + store.schema + ".usage_daily"));
    assertEquals(300, store.queryLong("SELECT sum(errors) FROM " + store.schema + ".usage_hourly"));
    waitFor(() -> messages(broker.settings.queue()) == 0);
  }

  @Test
  void anAnonymousEventIsStoredAndCountedInReliabilityButInNoOrgsUsage() throws Exception {
    Instant at = Instant.parse("2025-03-01T10:00:00Z");
    JsonObject anonymous = Events.failed(1, at, 401, "unauthorized").putNull("org_id").putNull("key_id")
        .putNull("model_requested").putNull("model_served").putNull("backend_id").put("prompt_tokens", 0);
    broker.publish(List.of(anonymous.encode(), Events.event(2, at).encode()));
    assertEquals(2, store.awaitCount(2, 20_000));
    assertEquals(0, analytics.service.metrics().deadLettered(), "an anonymous event is no poison");
    assertEquals(1, store.queryLong("SELECT count(*) FROM " + store.schema + ".usage_events WHERE org_id = '' "
        + "AND key_id = '' AND status = 401"));
    assertEquals(0, Rollups.differences(store, "usage_daily", "day"), "rollups equal the raw sums");
    JsonObject reliability = analytics.get("/v1/reliability?from=2025-03-01&to=2025-03-02").json();
    assertTrue(reliability.encode().contains("\"http_401\"") || reliability.encode().contains("\"unauthorized\":1"),
        reliability.encode());
    JsonObject usage = analytics.get("/v1/orgs/org-a/usage?from=2025-03-01&to=2025-03-02&granularity=day").json();
    assertEquals(1, usage.getJsonObject("totals").getLong("requests"), "not in org-a's usage: " + usage.encode());
  }

  @Test
  void aPoisonMessageGoesToTheDeadLetterQueueWithItsReasonAndTheConsumerGoesOn() throws Exception {
    JsonObject noOrg = Events.event(1, Instant.now());
    noOrg.remove("org_id");
    broker.publish(List.of("{not json", noOrg.encode(), Events.event(2, Instant.now()).put("prompt_tokens", -5).encode(),
        Events.event(3, Instant.now()).encode()));
    assertEquals(1, store.awaitCount(1, 20_000), "the good event is stored");
    waitFor(() -> messages(broker.settings.deadLetterQueue()) == 3);

    List<TestBroker.Message> dead = broker.drain(broker.settings.deadLetterQueue());
    assertEquals(3, dead.size());
    assertEquals("{not json", dead.get(0).body());
    assertTrue(reason(dead.get(0)).startsWith("not JSON"), reason(dead.get(0)));
    assertTrue(reason(dead.get(1)).contains("org_id"), reason(dead.get(1)));
    assertTrue(reason(dead.get(2)).contains("prompt_tokens"), reason(dead.get(2)));
    assertEquals(broker.settings.queue(), String.valueOf(dead.get(0).headers().get("x-tollgate-queue")));
    assertEquals(3, analytics.service.metrics().deadLettered());
    waitFor(() -> messages(broker.settings.queue()) == 0);
  }

  @Test
  void migrationsAreVersionedAndAppliedOnce() throws Exception {
    assertEquals(1, store.queryLong("SELECT count(*) FROM " + store.schema + ".flyway_schema_history WHERE success"
        + " AND version = '1'"));
    try (RunningAnalytics second = RunningAnalytics.start(RunningAnalytics.settings(store, broker.settings))) {
      assertEquals(2, store.queryLong("SELECT count(*) FROM " + store.schema + ".flyway_schema_history WHERE version IS NOT NULL"),
          "a second start applies nothing (V1, V2 once each)");
    }
    List<Map<String, Object>> indexes = store.rows("SELECT indexname FROM pg_indexes WHERE schemaname = ?"
        + " AND tablename = 'usage_events' ORDER BY indexname", store.schema);
    assertEquals(List.of("usage_events_org_time", "usage_events_pkey", "usage_events_time"),
        indexes.stream().map(row -> row.get("indexname")).toList());
  }

  private long messages(String queue) {
    try {
      return broker.messageCount(queue);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String reason(TestBroker.Message message) {
    return String.valueOf(message.headers().get("x-tollgate-reason"));
  }

  static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(20);
    }
  }
}
