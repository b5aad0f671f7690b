package io.tollgate.e2e;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Under steady load on both replicas: kill -9 one gateway, one simulator and the analytics consumer
 * (each brought back by {@code scripts/platform.sh up}), then RabbitMQ gone for 30 s (the relay in front
 * of it refuses and cuts every connection: for the gateways and the consumer, the broker stopped).
 * Every request gets an answer, and the usage rows match the answered attempts one to one: none lost,
 * none twice.
 *
 * <p>One exception is measured, not hidden: a gateway killed with -9 loses the usage events it had
 * queued in memory and not yet handed to the broker (at most rabbitmq.batchMaxDelayMs' worth, 50 ms
 * by default, plus a batch awaiting its confirm). Attempts that gateway answered in the last second
 * before the kill may therefore have no row; the test prints how many, and requires every other
 * answered attempt to have exactly one.
 */
@Order(10)
@ExtendWith(PlatformExtension.class)
class ResilienceE2ETest {

  private static final long BROKER_OUTAGE_MS = 30_000;
  private static final long AT_RISK_MS = 1_000;

  private static Platform platform;

  @BeforeAll
  static void platform(Platform started) {
    platform = started;
  }

  @Test
  void killsAndABrokerOutageUnderLoadLeaveNoRequestUnansweredAndNoUsageLostOrDoubled() throws Exception {
    JsonObject unlimited = new JsonObject().put("requestsPerMinute", 0).put("tokensPerMinute", 0)
        .put("maxConcurrentStreams", 0);
    try (Tenant tenant = Tenant.create(platform, "chaos", new JsonObject())) {
      String key = tenant.key("load", new JsonObject().put("limits", unlimited));
      platform.awaitGatewaysOnLatestConfig();
      String killedGateway = platform.gatewayUrls().get(1);
      long gatewayKilledAt;
      Load load = new Load(platform.gatewayUrls(), key, platform.model(), 4);
      try {
        Await.sleep(2_000);
        gatewayKilledAt = System.currentTimeMillis();
        platform.kill9("gateway-2");
        Await.sleep(3_000);
        platform.up();

        platform.kill9("sim-1");
        Await.sleep(3_000);
        platform.up();

        platform.kill9("analytics");
        Await.sleep(3_000);
        platform.up();

        double replayedBefore = usageEvents("replayed");
        platform.rabbitRelay.stopListening().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Await.sleep(BROKER_OUTAGE_MS / 2);
        // The broker is gone for everyone on this platform: the consumer says so, the gateways spool.
        Http.Reply ready = Http.get(platform.analyticsUrl() + "/ready", null);
        assertEquals(503, ready.status(), ready.body());
        assertTrue(ready.json().getJsonArray("down").contains("rabbitmq"), ready.body());
        Await.sleep(BROKER_OUTAGE_MS / 2);
        platform.rabbitRelay.restore().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(30), () -> usageEvents("replayed") > replayedBefore,
            () -> "the gateways replayed nothing from their spools after the outage");
        Await.sleep(2_000);
      } finally {
        load.close();
      }

      assertEquals(List.of(), List.copyOf(load.unanswered), "every request gets an answer from some replica");
      List<Load.Attempt> answered = load.answered();
      assertTrue(answered.size() > 100, "the load ran: " + answered.size() + " answered attempts");
      Map<Integer, Long> statuses = new HashMap<>();
      answered.forEach(a -> statuses.merge(a.status(), 1L, Long::sum));

      // The usage rows, once they stop arriving (spools replay after the outage; the consumer catches up).
      Analytics analytics = Analytics.of(platform);
      Set<String> attemptIds = new HashSet<>();
      load.attempts.forEach(a -> attemptIds.add(a.requestId()));
      long[] last = {-1};
      Await.until(Duration.ofSeconds(90), () -> {
        long now = analytics.totals(tenant.org).requests();
        boolean settled = now == last[0] && now >= answered.size() - atRisk(answered, killedGateway, gatewayKilledAt).size();
        last[0] = now;
        if (!settled) {
          Await.sleep(1_000);
        }
        return settled;
      }, () -> "usage rows " + last[0] + ", answered attempts " + answered.size());
      List<Map<String, String>> rows = analytics.export(tenant.org);
      assertEquals(rows.size(), analytics.totals(tenant.org).requests(), "the rollups equal the raw rows");

      Map<String, Integer> rowsPerRequest = new HashMap<>();
      rows.forEach(row -> rowsPerRequest.merge(row.get("request_id"), 1, Integer::sum));
      List<String> doubled = rowsPerRequest.entrySet().stream().filter(e -> e.getValue() > 1)
          .map(e -> e.getKey() + " ×" + e.getValue()).toList();
      assertEquals(List.of(), doubled, "no request counted twice");
      List<String> strangers = rowsPerRequest.keySet().stream().filter(id -> !attemptIds.contains(id)).toList();
      assertEquals(List.of(), strangers, "no row for a request nobody sent");

      Set<String> risky = new HashSet<>();
      atRisk(answered, killedGateway, gatewayKilledAt).forEach(a -> risky.add(a.requestId()));
      List<String> lost = new ArrayList<>();
      int lostAtRisk = 0;
      for (Load.Attempt attempt : answered) {
        if (!rowsPerRequest.containsKey(attempt.requestId())) {
          if (risky.contains(attempt.requestId())) {
            lostAtRisk++;
          } else {
            lost.add(attempt.requestId() + " (" + attempt.gatewayUrl() + ", status " + attempt.status() + ")");
          }
        }
      }
      System.out.printf("resilience: %d answered attempts %s, %d cut and retried, %d usage rows; of %d answered by "
              + "gateway-2 in the last %d ms before its kill -9, %d have no row%n", answered.size(), statuses,
          load.attempts.size() - answered.size(), rows.size(), risky.size(), AT_RISK_MS, lostAtRisk);
      assertEquals(List.of(), lost, "every answered request has its usage row");
    }
  }

  /** tollgate_usage_events_total{stage} summed over both gateways (their admin /metrics). */
  private static double usageEvents(String stage) {
    double sum = 0;
    for (String admin : platform.gatewayAdminUrls()) {
      for (String line : Http.get(admin + "/metrics", null).body().split("\n")) {
        if (line.startsWith("tollgate_usage_events_total{") && line.contains("stage=\"" + stage + "\"")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return sum;
  }

  private static List<Load.Attempt> atRisk(List<Load.Attempt> answered, String gateway, long killedAt) {
    return answered.stream().filter(a -> a.gatewayUrl().equals(gateway) && a.endedAtMillis() <= killedAt
        && a.endedAtMillis() > killedAt - AT_RISK_MS).toList();
  }
}
