package io.tollgate.analytics.ingest;

import io.tollgate.analytics.AnalyticsMain;
import io.tollgate.analytics.testsupport.Events;
import io.tollgate.analytics.testsupport.Rollups;
import io.tollgate.analytics.testsupport.TestBroker;
import io.tollgate.analytics.testsupport.TestStore;
import io.tollgate.testsupport.Services;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The consumer as its own process, killed with SIGKILL in the middle of the stream (batches
 * written but not acknowledged, a batch half done) and started again: no event lost, none
 * counted twice, rollups still equal to the raw rows.
 */
class ConsumerCrashTest {

  private static final int EVENTS = 12_000;

  @TempDir
  Path dir;

  /** How the events are put on the queue. */
  private interface Publishing {
    void publish(TestBroker broker, List<String> events) throws Exception;
  }

  @Test
  void aConsumerKilledMidBatchAndRestartedLosesNothingAndCountsNothingTwice() throws Exception {
    killedAndRestarted(TestBroker::publish, "single events");
  }

  /**
   * Batch messages as gateways send them (of uneven sizes, some repeated as a gateway's replay of an
   * unconfirmed batch would): a message half stored when the consumer dies is delivered again whole.
   */
  @Test
  void aConsumerKilledMidBatchOfBatchMessagesLosesNothingAndCountsNothingTwice() throws Exception {
    killedAndRestarted((broker, events) -> {
      int messages = 0;
      int from = 0;
      for (int size = 1; from < events.size(); size = size % 97 + 7) {
        List<String> batch = events.subList(from, Math.min(events.size(), from + size));
        messages += broker.publishBatches(batch, batch.size());
        if (messages % 10 == 0) {
          messages += broker.publishBatches(batch, batch.size()); // a replayed batch
        }
        from += batch.size();
      }
      assertTrue(messages < events.size() / 10, messages + " messages");
    }, "batch messages");
  }

  private void killedAndRestarted(Publishing publishing, String what) throws Exception {
    try (TestStore store = TestStore.create(); TestBroker broker = TestBroker.create()) {
      Instant base = Instant.parse("2025-04-01T00:00:00Z");
      List<String> events = new ArrayList<>();
      for (int i = 0; i < EVENTS; i++) {
        events.add(Events.event(i, base.plusMillis(250L * i)).encode());
      }
      publishing.publish(broker, events);
      Path config = dir.resolve("analytics.yaml");
      Files.writeString(config, """
          rabbitmq: {url: "%s", exchange: "%s", queue: "%s", prefetch: 1200, batchSize: 300, batchMaxDelayMs: 20,
                     reconnectDelayMs: 200}
          postgres: {url: "%s", schema: "%s", poolSize: 2}
          api: {host: 127.0.0.1, port: 0, token: crash-test}
          """.formatted(Services.RABBITMQ_URL, broker.settings.exchange(), broker.settings.queue(), Services.PG_URL,
          store.schema));

      long started = System.nanoTime();
      Process first = launch(config, dir.resolve("first.log"));
      long atKill;
      try {
        atKill = store.awaitCount(1_500, 60_000);
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no last acknowledgement
        assertTrue(first.waitFor(10, TimeUnit.SECONDS));
      } finally {
        first.destroyForcibly();
      }
      long afterKill = store.count("");
      double killedAt = (System.nanoTime() - started) / 1e9;
      assertTrue(afterKill < EVENTS, "killed mid-stream: " + afterKill + " of " + EVENTS + " stored");

      Process second = launch(config, dir.resolve("second.log"));
      try {
        assertEquals(EVENTS, store.awaitCount(EVENTS, 90_000), "every event stored after the restart; log: "
            + Files.readString(dir.resolve("second.log")));
        long deadline = System.currentTimeMillis() + 20_000;
        while (broker.messageCount(broker.settings.queue()) > 0 && System.currentTimeMillis() < deadline) {
          Thread.sleep(50);
        }
        assertEquals(0, broker.messageCount(broker.settings.queue()), "everything acknowledged");
        assertEquals(EVENTS, store.count(""), "none twice");
      } finally {
        second.destroy(); // SIGTERM: a graceful stop
        assertTrue(second.waitFor(20, TimeUnit.SECONDS), "the consumer stops on SIGTERM");
        second.destroyForcibly();
      }
      System.out.printf("consumer crash (" + what + "): %d rows when killed (%d counted just before the signal), %d after the"
          + " restart; killed at %.1f s, %.1f s in all%n", afterKill, atKill, EVENTS, killedAt,
          (System.nanoTime() - started) / 1e9);
      assertEquals(EVENTS, store.queryLong("SELECT sum(requests) FROM " + store.schema + ".usage_hourly"));
      assertEquals(0, Rollups.differences(store, "usage_hourly", "hour"));
      assertEquals(0, Rollups.differences(store, "usage_daily", "day"));
      assertEquals(0, broker.messageCount(broker.settings.deadLetterQueue()));
    }
  }

  private static Process launch(Path config, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        AnalyticsMain.class.getName(), "--config", config.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }
}
