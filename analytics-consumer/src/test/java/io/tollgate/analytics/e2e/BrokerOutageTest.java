package io.tollgate.analytics.e2e;

import io.tollgate.analytics.testsupport.RunningAnalytics;
import io.tollgate.analytics.testsupport.TestBroker;
import io.tollgate.analytics.testsupport.TestStore;
import io.tollgate.gateway.usage.UsageMetrics;
import io.tollgate.testsupport.GuardedVertx;
import io.tollgate.testsupport.Services;
import io.tollgate.testsupport.TcpRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RabbitMQ goes away during load (its port closed, through a relay, so other users of the broker
 * are not disturbed): the gateway keeps answering at normal latency, events spool, and once the
 * broker is back every event reaches PostgreSQL exactly once.
 */
class BrokerOutageTest {

  @TempDir
  Path dir;

  @Test
  void theGatewayKeepsAnsweringWhileTheBrokerIsAwayAndEveryEventArrivesOnce() throws Exception {
    try (TestStore store = TestStore.create(); TestBroker broker = TestBroker.create();
         RunningAnalytics analytics = RunningAnalytics.start(RunningAnalytics.settings(store, broker.settings))) {
      GuardedVertx guarded = GuardedVertx.create();
      TcpRelay proxy = GatewayBed.await(TcpRelay.start(guarded.vertx(), Services.RABBITMQ_HOST,
          Services.RABBITMQ_PORT));
      GatewayBed bed = GatewayBed.start(guarded, ("amqp://guest:guest@127.0.0.1:" + proxy.port() + "/"), broker.settings, dir);
      try {
        latencies(bed.send(bodies(100), ids("warm-up", 100), 10)); // JIT and connection pools first
        List<Long> before = latencies(bed.send(bodies(150), ids("before", 150), 10));

        proxy.cut();
        long deadline = System.currentTimeMillis() + 10_000;
        while (bed.usage.connected() && System.currentTimeMillis() < deadline) {
          Thread.sleep(10);
        }
        List<Long> during = latencies(bed.send(bodies(300), ids("during", 300), 10));
        GatewayBed.await(bed.usage.flush());
        UsageMetrics away = bed.usage.metrics();
        assertTrue(away.spooled() >= 300, "events spooled while the broker was away: " + away);

        proxy.restore();
        List<Long> after = latencies(bed.send(bodies(150), ids("after", 150), 10));

        assertEquals(700, store.awaitCount(700, 30_000), "every event arrived");
        Thread.sleep(500);
        assertEquals(700, store.count(""), "and only once");
        assertEquals(700, store.queryLong("SELECT count(DISTINCT request_id) FROM " + store.schema + ".usage_events"));
        assertEquals(700, store.queryLong("SELECT sum(requests) FROM " + store.schema + ".usage_daily"));
        UsageMetrics back = bed.usage.metrics();
        assertEquals(0, back.dropped(), back::toString);
        // The spooled events went back many to a message (at most 64 each).
        assertTrue(back.messages() < 700 - back.replayed() + back.replayed() / 2, "batches happened: " + back);
        assertEquals(0, back.backlog(), back::toString);
        assertTrue(back.replayed() >= 300, back::toString);

        long p50Before = percentile(before, 0.5);
        long p50During = percentile(during, 0.5);
        long p95During = percentile(during, 0.95);
        System.out.printf("latency ms before/during/after outage: p50 %d/%d/%d, p95 %d/%d/%d%n", p50Before, p50During,
            percentile(after, 0.5), percentile(before, 0.95), p95During, percentile(after, 0.95));
        assertTrue(p50During <= 2 * p50Before + 20, "p50 during the outage " + p50During + " ms vs " + p50Before + " ms");
        assertTrue(p95During < 1_000, "no request waited on the broker: p95 " + p95During + " ms");
      } finally {
        // The relay runs on the bed's Vert.x: closed first.
        GatewayBed.await(proxy.close());
        bed.close();
      }
    }
  }

  private static List<String> bodies(int count) {
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      bodies.add(GatewayBed.chat(4, i % 2 == 0));
    }
    return bodies;
  }

  private static List<String> ids(String phase, int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(phase + "-" + i);
    }
    return ids;
  }

  private static List<Long> latencies(List<GatewayBed.Reply> replies) {
    replies.forEach(reply -> assertEquals(200, reply.status(), reply.body().toString()));
    return replies.stream().map(GatewayBed.Reply::millis).sorted().toList();
  }

  private static long percentile(List<Long> sorted, double fraction) {
    return sorted.get((int) Math.min(sorted.size() - 1, Math.round(fraction * (sorted.size() - 1))));
  }
}
