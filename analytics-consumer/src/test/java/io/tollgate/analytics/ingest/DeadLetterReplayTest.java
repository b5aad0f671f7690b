package io.tollgate.analytics.ingest;

import io.tollgate.analytics.testsupport.Events;
import io.tollgate.analytics.testsupport.RunningAnalytics;
import io.tollgate.analytics.testsupport.TestBroker;
import io.tollgate.analytics.testsupport.TestStore;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.tollgate.analytics.ingest.IngestTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A dead-lettered event shows in the consumer's metrics, and the replay command brings it back: as
 * it is (refused again, it returns to the dead-letter queue, once), or repaired (cut to the schema's
 * bounds) and then stored. Real RabbitMQ and PostgreSQL.
 */
class DeadLetterReplayTest {

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
  void aDeadLetteredEventRaisesTheMetricAndIsReplayedRepairedIntoPostgres() throws Exception {
    JsonObject longModel = Events.event(1, Instant.now()).put("model_requested", "m".repeat(300));
    broker.publish(List.of(longModel.encode(), Events.event(2, Instant.now()).encode()));
    assertEquals(1, store.awaitCount(1, 20_000), "the good event is stored");
    waitFor(() -> analytics.service.metrics().deadLettered() == 1);
    waitFor(() -> count(broker.settings.deadLetterQueue()) == 1);
    assertTrue(analytics.get("/metrics").body().toString()
        .contains("tollgate_analytics_events_total{outcome=\"dead_lettered\"} 1.0"), "the metric the alert reads");

    // As it is: refused again, back in the dead-letter queue (and not looped on).
    DeadLetterReplay.Result asItIs = new DeadLetterReplay(broker.settings).replay(Long.MAX_VALUE, false);
    assertEquals(1, asItIs.found());
    assertEquals(1, asItIs.replayed());
    waitFor(() -> analytics.service.metrics().deadLettered() == 2);
    waitFor(() -> count(broker.settings.deadLetterQueue()) == 1);
    assertEquals(1, store.count(""));

    // Repaired: the model name cut to 256 characters, and the event stored.
    DeadLetterReplay.Result repaired = new DeadLetterReplay(broker.settings).replay(Long.MAX_VALUE, true);
    assertEquals(1, repaired.repaired());
    assertEquals(2, store.awaitCount(2, 20_000), "the replayed event is stored");
    assertEquals(0, count(broker.settings.deadLetterQueue()));
    assertEquals(1, store.queryLong("SELECT count(*) FROM " + store.schema + ".usage_events WHERE model_requested = '"
        + "m".repeat(256) + "'"));
  }

  private long count(String queue) {
    try {
      return broker.messageCount(queue);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
