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

import static io.tollgate.analytics.ingest.IngestTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batch messages (many events to one AMQP message, config/schemas/usage-batch.md) from RabbitMQ to
 * PostgreSQL, against the real broker and database: unpacked, stored once per event id, an invalid
 * event dead-lettered alone, single-event messages of older gateways still read.
 */
class BatchIngestTest {

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

  private static List<String> events(int count, Instant base) {
    List<String> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(Events.event(i, base.plusSeconds(i * 5L)).encode());
    }
    return events;
  }

  @Test
  void batchesAreUnpackedIntoOneRowPerEventAndRepeatsInOrAcrossBatchesAddNothing() throws Exception {
    List<String> events = events(2_000, Instant.parse("2025-05-01T10:00:00Z"));
    int messages = broker.publishBatches(events, 64);
    assertEquals(32, messages);
    assertEquals(2_000, store.awaitCount(2_000, 30_000));
    // A redelivered batch, and a batch holding the same event twice.
    broker.publishBatches(events.subList(0, 64), 64);
    broker.publishBatches(List.of(events.get(100), events.get(100), events.get(101)), 3);
    waitFor(() -> analytics.service.metrics().duplicates() == 67);

    assertEquals(2_000, store.count(""));
    IngestMetrics metrics = analytics.service.metrics();
    assertEquals(2_000, metrics.inserted(), metrics::toString);
    assertEquals(2_067, metrics.received(), "events received: " + metrics);
    assertEquals(34, metrics.messages(), "messages received: " + metrics);
    assertEquals(0, metrics.deadLettered());
    assertEquals(0, Rollups.differences(store, "usage_hourly", "hour"), "hourly rollups equal the raw sums");
    assertEquals(2_000, store.queryLong("SELECT sum(requests) FROM " + store.schema + ".usage_daily"));
    waitFor(() -> messages(broker.settings.queue()) == 0);
    String scrape = analytics.get("/metrics").body().toString();
    assertTrue(scrape.contains("tollgate_analytics_messages_total 34.0"), scrape);
    assertTrue(scrape.contains("tollgate_analytics_message_events_count 34"), scrape);
    assertTrue(scrape.contains("tollgate_analytics_message_events_sum 2067.0"), scrape);
  }

  @Test
  void anInvalidEventInABatchGoesToTheDeadLetterQueueAloneWithItsReasonAndTheRestIsStored() throws Exception {
    List<String> batch = new ArrayList<>(events(10, Instant.parse("2025-05-02T10:00:00Z")));
    batch.set(3, Events.event(3, Instant.now()).put("prompt_tokens", -5).encode());
    batch.set(7, "{not json");
    broker.publishBatches(batch, batch.size());

    assertEquals(8, store.awaitCount(8, 20_000), "the batch's valid events are stored");
    waitFor(() -> messages(broker.settings.deadLetterQueue()) == 2);
    waitFor(() -> messages(broker.settings.queue()) == 0); // the batch is acknowledged
    List<TestBroker.Message> dead = broker.drain(broker.settings.deadLetterQueue());
    assertEquals(2, dead.size());
    assertEquals(batch.get(3), dead.get(0).body(), "the invalid event alone, as it was");
    assertEquals(UsageMessages.EVENT_CONTENT_TYPE, dead.get(0).contentType());
    assertTrue(reason(dead.get(0)).contains("prompt_tokens"), reason(dead.get(0)));
    assertEquals("{not json", dead.get(1).body());
    assertTrue(reason(dead.get(1)).startsWith("not JSON"), reason(dead.get(1)));
    assertEquals(2, analytics.service.metrics().deadLettered());
    Thread.sleep(300);
    assertEquals(8, store.count(""), "nothing else arrives");
  }

  @Test
  void singleEventMessagesOfOlderGatewaysAreReadBesideBatches() throws Exception {
    List<String> events = events(300, Instant.parse("2025-05-03T10:00:00Z"));
    broker.publish(events.subList(0, 100)); // one event per message, application/json
    broker.publishBatches(events.subList(100, 300), 50);
    assertEquals(300, store.awaitCount(300, 20_000));
    IngestMetrics metrics = analytics.service.metrics();
    assertEquals(104, metrics.messages(), metrics::toString);
    assertEquals(0, metrics.deadLettered());
  }

  @Test
  void aBatchOfAnUnknownVersionIsDeadLetteredWholeWithItsEnvelopeAndTheReason() throws Exception {
    List<String> events = events(3, Instant.parse("2025-05-04T10:00:00Z"));
    String body = String.join("\n", events) + "\n";
    broker.publishBatchBody(3, body, 2);
    broker.publishBatches(events(1, Instant.parse("2025-05-04T11:00:00Z")), 1);
    assertEquals(1, store.awaitCount(1, 20_000), "the next message is read");
    waitFor(() -> messages(broker.settings.deadLetterQueue()) == 1);
    TestBroker.Message dead = broker.drain(broker.settings.deadLetterQueue()).get(0);
    assertEquals(body, dead.body());
    assertEquals(UsageMessages.BATCH_CONTENT_TYPE, dead.contentType());
    assertEquals("2", String.valueOf(dead.headers().get(UsageMessages.VERSION_HEADER)));
    assertTrue(reason(dead).contains("version 2"), reason(dead));
  }

  @Test
  void aBatchWithoutEventsIsDeadLetteredNotSilentlyAcknowledged() throws Exception {
    broker.publishBatchBody(0, "\n\n", UsageMessages.VERSION);
    waitFor(() -> messages(broker.settings.deadLetterQueue()) == 1);
    assertTrue(reason(broker.drain(broker.settings.deadLetterQueue()).get(0)).contains("without events"));
  }

  @Test
  void theReplayRepairsABatchHeldWholeInTheDeadLetterQueueLineByLine() throws Exception {
    // What the queue's own dead-lettering leaves when the consumer could not publish to the
    // dead-letter exchange: the whole batch, rejected.
    List<String> events = events(3, Instant.parse("2025-05-05T10:00:00Z"));
    events.set(1, new JsonObject(events.get(1)).put("model_requested", "m".repeat(300)).encode());
    broker.publishBatchTo(broker.settings.deadLetterExchange(), events);
    DeadLetterReplay.Result result = new DeadLetterReplay(broker.settings).replay(Long.MAX_VALUE, true);
    assertEquals(1, result.replayed());
    assertEquals(1, result.repaired());
    assertEquals(3, store.awaitCount(3, 20_000), "every event of the batch is stored");
    assertEquals(1, store.queryLong("SELECT count(*) FROM " + store.schema + ".usage_events WHERE model_requested = '"
        + "m".repeat(256) + "'"));
    assertEquals(0, messages(broker.settings.deadLetterQueue()));
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
}
