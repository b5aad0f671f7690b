package io.tollgate.analytics.bench;

import io.tollgate.analytics.config.AnalyticsSettings;
import io.tollgate.analytics.ingest.IngestMetrics;
import io.tollgate.analytics.testsupport.Events;
import io.tollgate.analytics.testsupport.RunningAnalytics;
import io.tollgate.analytics.testsupport.TestBroker;
import io.tollgate.analytics.testsupport.TestStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Events per second through the consumer into PostgreSQL: a queue filled beforehand with N events,
 * then timed from the consumer's start to the last row. A program, not a test; run it with the test
 * classpath as docs/analytics.md shows (arguments: events, batch size, prefetch).
 */
public final class ConsumerBenchmark {

  private ConsumerBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int batchSize = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int prefetch = args.length > 2 ? Integer.parseInt(args[2]) : 4_000;
    try (TestStore store = TestStore.create(); TestBroker broker = TestBroker.create()) {
      Instant base = Instant.parse("2025-05-01T00:00:00Z");
      List<String> bodies = new ArrayList<>(events);
      for (int i = 0; i < events; i++) {
        bodies.add(Events.event(i, base.plusMillis(37L * i)).encode());
      }
      long publishStart = System.nanoTime();
      for (int from = 0; from < events; from += 10_000) {
        broker.publish(bodies.subList(from, Math.min(events, from + 10_000)));
      }
      double publishSeconds = (System.nanoTime() - publishStart) / 1e9;
      AnalyticsSettings settings = RunningAnalytics.settings(store, broker.settings.withBatching(prefetch, batchSize, 20));
      long start = System.nanoTime();
      try (RunningAnalytics analytics = RunningAnalytics.start(settings)) {
        long migrated = System.nanoTime();
        long stored = store.awaitCount(events, 600_000);
        long end = System.nanoTime();
        IngestMetrics metrics = analytics.service.metrics();
        double seconds = (end - migrated) / 1e9;
        System.out.printf("consumer benchmark: %d events (batch %d, prefetch %d) stored in %.2f s after start-up"
                + " (%.2f s incl. migrations): %.0f events/s; %d batches; publish %.0f events/s%n",
            stored, batchSize, prefetch, seconds, (end - start) / 1e9, stored / seconds, metrics.batches(),
            events / publishSeconds);
      }
    }
  }
}
