package io.tollgate.controlplane.alerts;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.controlplane.config.AlertSettings;
import io.tollgate.controlplane.spend.SpendKeys;
import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.testsupport.Services;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The control plane's side of ADR 0012: the gateways' markers become exactly one alert row each,
 * however many instances poll; a new period and a raised limit are new alerts; the forecast fires
 * for a steep rate only. Markers and spend are written into the real Redis as the gateways write
 * them (BudgetAlertMarkersTest covers the gateways' side), and the relays run on a test clock.
 */
class AlertRelayTest {

  /** The background relay stays out of the way: these tests poll by hand, with their own clock. */
  private static final AlertSettings QUIET = new AlertSettings(600_000, 600_000, 50, 3, Duration.ofMinutes(10),
      Duration.ofHours(1), AlertSettings.Smtp.NONE, 50);
  private static final Instant MORNING = Instant.parse("2026-11-25T00:30:00Z");

  private RunningControlPlane cp;
  private Redis redis;
  private String root;
  private final AtomicLong clock = new AtomicLong(MORNING.toEpochMilli());

  @BeforeEach
  void start() throws Exception {
    cp = RunningControlPlane.start(QUIET);
    redis = Redis.createClient(cp.guarded.vertx(), new RedisOptions().setConnectionString(Services.REDIS_URL));
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "acme")
        .put("budget", new JsonObject().put("limitUsd", 100).put("period", "day"))).status());
    assertEquals(201, cp.post("/api/v1/orgs/acme/keys", root, new JsonObject().put("id", "ci")
        .put("budget", new JsonObject().put("limitUsd", 10).put("period", "month"))).status());
  }

  @AfterEach
  void stop() throws Exception {
    try {
      cp.onContext(() -> redis.send(Request.cmd(Command.PING)).onComplete(v -> redis.close()));
    } finally {
      cp.close();
    }
  }

  private AlertRelay relay() {
    return new AlertRelay(cp.guarded.vertx(), cp.plane.pool(), redis, cp.redisPrefix, QUIET,
        new AlertMetrics(new SimpleMeterRegistry(), 50), clock::get);
  }

  private void marker(String key, int percent, long limitMicros, long spentMicros) throws Exception {
    cp.onContext(() -> redis.send(Request.cmd(Command.HSET).arg(key).arg(Integer.toString(percent))
        .arg(limitMicros + ":" + spentMicros + ":" + clock.get() * 1_000)));
  }

  private void spend(String key, long micros) throws Exception {
    cp.onContext(() -> redis.send(Request.cmd(Command.SET).arg(key).arg(Long.toString(micros))));
  }

  private JsonArray alerts(String org) throws Exception {
    RunningControlPlane.Reply reply = cp.get("/api/v1/orgs/" + org + "/alerts", root);
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonArray("alerts");
  }

  private String keyMarkers(Instant at) {
    return SpendKeys.keyAlerts(cp.redisPrefix, "acme", "ci", "month", at);
  }

  @Test
  void twoInstancesPollingTheSameMarkersMakeOneAlertEach() throws Exception {
    marker(keyMarkers(MORNING), 50, 10_000_000, 5_100_000);
    marker(SpendKeys.orgAlerts(cp.redisPrefix, "acme", "day", MORNING), 80, 100_000_000, 81_000_000);
    AlertRelay one = relay();
    AlertRelay two = relay();
    for (int round = 0; round < 3; round++) {
      cp.onContext(() -> Future.all(one.poll(), two.poll(), cp.plane.alertRelay().poll()));
    }
    JsonArray alerts = alerts("acme");
    assertEquals(2, alerts.size(), alerts.encode());
    boolean orgFirst = alerts.getJsonObject(0).getString("scope").equals("org");
    JsonObject org = alerts.getJsonObject(orgFirst ? 0 : 1);
    JsonObject key = alerts.getJsonObject(orgFirst ? 1 : 0);
    assertEquals(80, org.getInteger("thresholdPercent"));
    assertEquals(81.0, org.getDouble("spentUsd"), 1e-9);
    assertEquals("d2026-11-25", org.getString("period"));
    assertEquals("2026-11-26T00:00:00Z", org.getString("periodEnd"));
    assertEquals("ci", key.getString("key"));
    assertEquals(50, key.getInteger("thresholdPercent"));
    assertEquals("m2026-11", key.getString("period"));
  }

  @Test
  void aNewPeriodAndARaisedLimitAreNewAlerts() throws Exception {
    AlertRelay relay = relay();
    marker(keyMarkers(MORNING), 50, 10_000_000, 5_000_000);
    cp.onContext(relay::poll);
    // The budget was raised to $20 and the key passed half of it again: the gateway re-marked it.
    marker(keyMarkers(MORNING), 50, 20_000_000, 10_000_000);
    cp.onContext(relay::poll);
    // December: a new spend key, new markers.
    clock.set(Instant.parse("2026-12-02T08:00:00Z").toEpochMilli());
    marker(keyMarkers(Instant.ofEpochMilli(clock.get())), 50, 20_000_000, 10_500_000);
    cp.onContext(relay::poll);
    cp.onContext(relay::poll);
    JsonArray alerts = alerts("acme");
    assertEquals(3, alerts.size(), alerts.encode());
    assertEquals(List.of("m2026-12", "m2026-11", "m2026-11"), alerts.stream()
        .map(a -> ((JsonObject) a).getString("period")).toList());
    assertEquals(List.of(20.0, 20.0, 10.0), alerts.stream().map(a -> ((JsonObject) a).getDouble("limitUsd")).toList());
  }

  @Test
  void aMarkerSetJustBeforeMidnightIsStillRelayedAfterIt() throws Exception {
    Instant late = Instant.parse("2026-11-25T23:59:58Z");
    clock.set(late.toEpochMilli());
    marker(SpendKeys.orgAlerts(cp.redisPrefix, "acme", "day", late), 100, 100_000_000, 100_000_000);
    clock.set(Instant.parse("2026-11-26T00:00:03Z").toEpochMilli());
    cp.onContext(relay()::poll);
    JsonArray alerts = alerts("acme");
    assertEquals(1, alerts.size(), alerts.encode());
    assertEquals("d2026-11-25", alerts.getJsonObject(0).getString("period"));
  }

  @Test
  void theForecastFiresForASteepRateOnceAndNotForAGentleOne() throws Exception {
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "calm")
        .put("budget", new JsonObject().put("limitUsd", 100).put("period", "day"))).status());
    String steep = SpendKeys.org(cp.redisPrefix, "acme", "day", MORNING);
    String gentle = SpendKeys.org(cp.redisPrefix, "calm", "day", MORNING);
    AlertRelay relay = relay();
    spend(steep, 0);
    spend(gentle, 0);
    cp.onContext(relay::poll);
    clock.addAndGet(Duration.ofMinutes(30).toMillis());
    spend(steep, 5_000_000);
    spend(gentle, 250_000);
    cp.onContext(relay::poll);
    assertEquals(0, alerts("acme").size(), "half an hour of samples is not a rate yet");
    clock.addAndGet(Duration.ofMinutes(90).toMillis());
    spend(steep, 20_000_000); // $20 in 2 h: $80 left at $10/h runs out at 10:30, before midnight
    spend(gentle, 1_000_000); // $1 in 2 h: it would last another 8 days
    cp.onContext(relay::poll);
    clock.addAndGet(Duration.ofMinutes(10).toMillis());
    spend(steep, 22_000_000);
    cp.onContext(relay::poll);
    JsonArray alerts = alerts("acme");
    assertEquals(1, alerts.size(), "once per budget and period: " + alerts.encode());
    JsonObject forecast = alerts.getJsonObject(0);
    assertEquals("forecast", forecast.getString("kind"));
    assertNull(forecast.getValue("thresholdPercent"));
    assertEquals("2026-11-25T10:30:00Z", forecast.getString("runsOutAt"));
    assertEquals(0, alerts("calm").size(), "a gentle rate lasts the period");
  }

  @Test
  void samplesOlderThanAnyPeriodAreForgotten() throws Exception {
    Budget budget = new Budget("acme", "org", "acme", 100_000_000, "day", null);
    Instant old = MORNING.minus(Duration.ofDays(36));
    cp.onContext(() -> io.tollgate.controlplane.store.AlertStore.sample(cp.plane.pool(), budget, "d2026-10-20", 1, old,
        5));
    assertEquals(1, cp.schema.count("SELECT count(*) FROM $S.spend_samples WHERE period = 'd2026-10-20'"));
    cp.onContext(relay()::poll);
    assertEquals(0, cp.schema.count("SELECT count(*) FROM $S.spend_samples WHERE period = 'd2026-10-20'"));
    assertEquals(1, cp.schema.count("SELECT count(*) FROM $S.spend_samples WHERE period = 'd2026-11-25'"),
        "this morning's sample stays");
  }
}
