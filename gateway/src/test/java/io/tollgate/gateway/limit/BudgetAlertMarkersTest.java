package io.tollgate.gateway.limit;

import io.tollgate.gateway.config.BudgetSpec;
import io.tollgate.gateway.config.LimitSpec;
import io.tollgate.gateway.config.RedisSettings;
import io.tollgate.gateway.testsupport.LocalRedis;
import io.tollgate.testsupport.GuardedVertx;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Budget alert markers (ADR 0012) as two gateway replicas write them into one real Redis when they
 * settle: each threshold marked once per period and limit, at the spend that crossed it.
 */
class BudgetAlertMarkersTest {

  private static final long NOON = Instant.parse("2026-11-25T12:00:00Z").toEpochMilli();
  private static final long DAY_MS = 86_400_000L;

  private final AtomicLong nowMillis = new AtomicLong(NOON);
  private GuardedVertx guarded;
  private LocalRedis redis;
  private RedisLimiter replicaA;
  private RedisLimiter replicaB;

  @BeforeEach
  void connect() {
    guarded = GuardedVertx.create();
    redis = LocalRedis.connect(guarded.vertx());
    RedisSettings settings = redis.settings(RedisSettings.FailPolicy.CLOSED, 2);
    replicaA = replica(settings);
    replicaB = replica(settings);
  }

  private RedisLimiter replica(RedisSettings settings) {
    return new RedisLimiter(guarded.vertx(), redis.client(), settings,
        new LocalLimiter(() -> nowMillis.get() * 1_000_000L, nowMillis::get, 2),
        () -> nowMillis.get() * 1_000L, nowMillis::get);
  }

  @AfterEach
  void close() throws Exception {
    try {
      redis.cleanUp();
    } finally {
      guarded.closeAndAssert();
    }
  }

  @Test
  void eachThresholdIsMarkedOnceAtTheSpendThatCrossedIt() throws Exception {
    BudgetSpec budget = new BudgetSpec(0.001, BudgetSpec.Period.DAY); // 1,000 micro-USD
    charge(replicaA, keyRequest(budget, 300), 300);
    assertEquals(Map.of(), markers(keyAlerts()), "30 % crosses nothing");
    charge(replicaB, keyRequest(budget, 300), 300);
    assertEquals(Map.of("50", marker(1_000, 600)), markers(keyAlerts()));
    charge(replicaA, keyRequest(budget, 300), 300);
    assertEquals(Map.of("50", marker(1_000, 600), "80", marker(1_000, 900)), markers(keyAlerts()));
    charge(replicaB, keyRequest(budget, 100), 100);
    assertEquals(Map.of("50", marker(1_000, 600), "80", marker(1_000, 900), "100", marker(1_000, 1_000)),
        markers(keyAlerts()));
    long spendTtl = ttl("{" + redis.prefix() + ":acme}:k:ci:spend:d2026-11-25");
    assertTrue(spendTtl > 0 && Math.abs(spendTtl - ttl(keyAlerts())) <= 1, "the markers expire with the period's spend");
  }

  @Test
  void concurrentSettlesOnTwoReplicasMarkEachThresholdOnce() throws Exception {
    BudgetSpec budget = new BudgetSpec(0.01, BudgetSpec.Period.MONTH); // 10,000 micro-USD
    List<Reservation> held = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Admission admission = admit(i % 2 == 0 ? replicaA : replicaB, orgRequest(budget, 500));
      assertTrue(admission.admitted());
      held.add(admission.reservation());
    }
    redis.onContext(() -> Future.all(held.stream().map(r -> r.owner().settle(r, 1, 500)).toList()));
    Map<String, String> markers = markers("{" + redis.prefix() + ":acme}:o:alerts:m2026-11");
    assertEquals(List.of("100", "50", "80"), new ArrayList<>(new TreeMap<>(markers).keySet()));
    // Reservations are counted as spend, so the spend seen at a crossing is the settled total then.
    markers.forEach((pct, value) -> assertTrue(value.startsWith("10000:"), value));
  }

  @Test
  void aRaisedBudgetReArmsOnlyTheThresholdsItNoLongerPasses() throws Exception {
    BudgetSpec small = new BudgetSpec(0.001, BudgetSpec.Period.DAY);
    charge(replicaA, keyRequest(small, 900), 900); // 90 %: 50 and 80 fire at 1,000
    BudgetSpec raised = new BudgetSpec(0.0015, BudgetSpec.Period.DAY); // 900 of 1,500 = 60 %
    charge(replicaB, keyRequest(raised, 10), 10);
    assertEquals(Map.of("50", marker(1_000, 900), "80", marker(1_000, 900)), markers(keyAlerts()),
        "still past 50 % of the raised budget: nothing new; 80 % re-armed but not reached");
    charge(replicaA, keyRequest(raised, 300), 300); // 1,210 of 1,500 = 80.7 %
    assertEquals(Map.of("50", marker(1_000, 900), "80", marker(1_500, 1_210)), markers(keyAlerts()));
  }

  @Test
  void aBudgetThatRefusesARequestHasRunOutOnce() throws Exception {
    BudgetSpec budget = new BudgetSpec(0.001, BudgetSpec.Period.DAY);
    charge(replicaA, keyRequest(budget, 900), 900);
    Admission refused = admit(replicaB, keyRequest(budget, 300));
    assertEquals(false, refused.admitted());
    assertEquals(marker(1_000, 900), markers(keyAlerts()).get("100"), "what is left no longer covers a request");
    nowMillis.addAndGet(60_000);
    assertEquals(false, admit(replicaA, keyRequest(budget, 300)).admitted());
    assertEquals(marker(1_000, 900).replace(":" + nowMillis.get() * 1_000L, ":" + (nowMillis.get() - 60_000) * 1_000L),
        markers(keyAlerts()).get("100"), "a second refusal at the same limit marks nothing new");
  }

  @Test
  void thresholdsAreConfigurablePerBudget() throws Exception {
    BudgetSpec budget = new BudgetSpec(0.001, BudgetSpec.Period.DAY, List.of(25, 90));
    charge(replicaA, keyRequest(budget, 600), 600);
    assertEquals(Map.of("25", marker(1_000, 600)), markers(keyAlerts()));
  }

  @Test
  void aNewPeriodHasItsOwnMarkers() throws Exception {
    BudgetSpec budget = new BudgetSpec(0.001, BudgetSpec.Period.DAY);
    charge(replicaA, keyRequest(budget, 600), 600);
    String today = marker(1_000, 600);
    nowMillis.addAndGet(DAY_MS);
    charge(replicaB, keyRequest(budget, 600), 600);
    assertEquals(Map.of("50", today), markers(keyAlerts()));
    assertEquals(Map.of("50", marker(1_000, 600)),
        markers("{" + redis.prefix() + ":acme}:k:ci:alerts:d2026-11-26"), "the next day fires again");
  }

  @Test
  void aRequestSettledBelowItsReservationMarksWhatItReallySpent() throws Exception {
    BudgetSpec budget = new BudgetSpec(0.001, BudgetSpec.Period.DAY);
    charge(replicaA, keyRequest(budget, 900), 100);
    assertEquals(Map.of(), markers(keyAlerts()), "900 reserved, 100 spent: 10 %");
  }

  private String marker(long limit, long spent) {
    return limit + ":" + spent + ":" + nowMillis.get() * 1_000L;
  }

  private String keyAlerts() {
    return "{" + redis.prefix() + ":acme}:k:ci:alerts:" + "d" + Instant.ofEpochMilli(NOON).toString().substring(0, 10);
  }

  private static AdmissionRequest keyRequest(BudgetSpec budget, long costMicros) {
    return new AdmissionRequest("ci", "acme", LimitSpec.UNLIMITED, LimitSpec.UNLIMITED, 1, costMicros, budget, null);
  }

  private static AdmissionRequest orgRequest(BudgetSpec budget, long costMicros) {
    return new AdmissionRequest("ci", "acme", LimitSpec.UNLIMITED, LimitSpec.UNLIMITED, 1, costMicros, null, budget);
  }

  private Admission admit(RedisLimiter limiter, AdmissionRequest request) throws Exception {
    return redis.onContext(() -> limiter.admit(request));
  }

  private void charge(RedisLimiter limiter, AdmissionRequest request, long actualMicros) throws Exception {
    Admission admission = admit(limiter, request);
    assertTrue(admission.admitted(), "admitted: " + admission.error());
    redis.onContext(() -> limiter.settle(admission.reservation(), 1, actualMicros));
  }

  private Map<String, String> markers(String key) throws Exception {
    Response all = redis.send(Request.cmd(Command.HGETALL).arg(key));
    Map<String, String> map = new TreeMap<>();
    if (all.getKeys() != null && !all.getKeys().isEmpty()) {
      for (String field : all.getKeys()) {
        map.put(field, all.get(field).toString());
      }
    } else {
      for (int i = 0; i + 1 < all.size(); i += 2) {
        map.put(all.get(i).toString(), all.get(i + 1).toString());
      }
    }
    return map;
  }

  private long ttl(String key) throws Exception {
    return redis.send(Request.cmd(Command.TTL).arg(key)).toLong();
  }
}
