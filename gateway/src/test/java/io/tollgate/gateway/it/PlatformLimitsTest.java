package io.tollgate.gateway.it;

import io.tollgate.gateway.Gateway;
import io.tollgate.gateway.config.ApiKeySpec;
import io.tollgate.gateway.config.BudgetSpec;
import io.tollgate.gateway.config.ConfigSnapshot;
import io.tollgate.gateway.config.LimitSpec;
import io.tollgate.gateway.config.PlatformSettings;
import io.tollgate.gateway.config.RedisSettings;
import io.tollgate.gateway.limit.LeasedLimiter;
import io.tollgate.gateway.limit.RedisLimiter;
import io.tollgate.gateway.testsupport.LocalRedis;
import io.tollgate.gateway.testsupport.RedisMonitor;
import io.tollgate.gateway.usage.UsageEvent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static io.tollgate.gateway.it.TestBed.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Platform mode against the real Redis: limits and budgets hold exactly across replicas,
 * reservations settle (also on disconnect), and each request costs exactly two Redis commands.
 */
class PlatformLimitsTest {

  private TestBed bed;
  private LocalRedis redis;

  @AfterEach
  void stop() throws Exception {
    try {
      if (redis != null) {
        redis.cleanUp();
      }
    } finally {
      if (bed != null) {
        bed.close();
      }
    }
  }

  private void start(int replicas, LimitSpec limits, UnaryOperator<ConfigSnapshot> edit) throws Exception {
    start(replicas, limits, edit, RedisSettings.DEFAULT_LEASE_WINDOW_MS);
  }

  private void start(int replicas, LimitSpec limits, UnaryOperator<ConfigSnapshot> edit, long leaseWindowMs)
      throws Exception {
    String prefix = LocalRedis.newPrefix();
    RedisSettings settings = LocalRedis.settings(LocalRedis.URL, prefix, RedisSettings.FailPolicy.CLOSED, replicas)
        .withLeaseWindowMs(leaseWindowMs);
    bed = TestBed.builder().limits(limits).snapshot(edit)
        .simulatorConfig(c -> c.withInterTokenMillis(2))
        .platform(new PlatformSettings(settings, null)).start();
    redis = LocalRedis.connect(bed.vertx, prefix);
    for (int i = 1; i < replicas; i++) {
      bed.addReplica();
    }
  }

  /** Fires {@code count} requests at once, spread over every replica, and counts the statuses. */
  private Map<Integer, Integer> fireAcrossReplicas(int count, String body) throws Exception {
    List<HttpClient> clients = new ArrayList<>();
    for (Gateway replica : bed.gateways) {
      clients.add(bed.clientOf(replica));
    }
    List<Future<Http.Reply>> replies = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      replies.add(Http.postAsync(clients.get(i % clients.size()), "/v1/chat/completions", body, SECRET));
    }
    Map<Integer, Integer> statuses = new HashMap<>();
    for (Future<Http.Reply> reply : replies) {
      statuses.merge(TestBed.await(reply).status(), 1, Integer::sum);
    }
    return statuses;
  }

  @Test
  void requestsPerMinuteHoldExactlyAcrossThreeReplicas() throws Exception {
    start(3, new LimitSpec(20, 0, 0), s -> s);
    Map<Integer, Integer> statuses = fireAcrossReplicas(80, Http.chat(1, false));
    assertEquals(20, statuses.get(200), "exactly N admitted: " + statuses);
    assertEquals(60, statuses.get(429), statuses.toString());
  }

  @Test
  void tokensPerMinuteHoldExactlyAcrossThreeReplicas() throws Exception {
    // Each request reserves its prompt estimate (15) + max_tokens (85) = 100 of 1,000 per minute.
    start(3, new LimitSpec(0, 1_000, 0), s -> s);
    Map<Integer, Integer> statuses = fireAcrossReplicas(40, Http.chat(85, false));
    assertEquals(10, statuses.get(200), statuses.toString());
    assertEquals(30, statuses.get(429), statuses.toString());
  }

  @Test
  void aBudgetHoldsAcrossReplicasAndIsSettledAtRealCost() throws Exception {
    // Prices 1 and 2 µUSD per token: worst case 15·1 + 85·2 = 185 µUSD, so 10 fit in 1,850.
    BudgetSpec budget = new BudgetSpec(0.001_850, BudgetSpec.Period.DAY);
    start(3, LimitSpec.UNLIMITED, s -> withKeyBudget(s, budget));
    Map<Integer, Integer> statuses = fireAcrossReplicas(40, Http.chat(85, false));
    assertEquals(10, statuses.get(200), statuses.toString());
    assertEquals(30, statuses.get(429), statuses.toString());

    List<UsageEvent> events = bed.usage.awaitEvents(40, 5_000); // 10 served, 30 refused (at no cost)
    assertEquals(10, events.stream().filter(e -> e.status() == 200).count());
    long realCost = events.stream().mapToLong(e -> Math.round(e.costUsd() * 1e6)).sum();
    Thread.sleep(300); // settles are sent after the response
    long spent = spend(budget);
    assertEquals(realCost, spent, "spend settled at the real cost of the admitted requests");
    assertTrue(spent <= budget.limitMicros(), "spend " + spent + " never passes the budget");

    Http.Reply refused = Http.post(bed.client, "/v1/chat/completions", Http.chat(85, false), SECRET);
    assertEquals(429, refused.status());
    assertEquals("insufficient_quota", refused.error().getString("code"));
    // What is left of the budget and when it is whole again, not just the request-rate figures.
    assertEquals("key", refused.header("x-tollgate-budget"));
    assertEquals("0.001850", refused.header("x-tollgate-budget-limit-usd"));
    assertEquals(budget.limitMicros() - spent, Math.round(
        Double.parseDouble(refused.header("x-tollgate-budget-remaining-usd")) * 1e6));
    java.time.Instant reset = java.time.Instant.parse(refused.header("x-tollgate-budget-reset"));
    assertEquals(budget.periodEnd(java.time.Instant.now()), reset);
    long retryAfter = Long.parseLong(refused.header("retry-after"));
    assertTrue(Math.abs(retryAfter - (reset.getEpochSecond() - java.time.Instant.now().getEpochSecond())) <= 2,
        "retry-after points at the reset: " + retryAfter);
  }

  private long spend(BudgetSpec budget) throws Exception {
    Response value = redis.send(Request.cmd(Command.GET).arg("{" + redis.prefix() + ":" + TestBed.ORG + "}:k:"
        + TestBed.KEY_ID + ":spend:" + budget.periodId(java.time.Instant.now())));
    return value == null ? 0 : value.toLong();
  }

  private static ConfigSnapshot withKeyBudget(ConfigSnapshot snapshot, BudgetSpec budget) {
    Map<String, ApiKeySpec> keys = new HashMap<>();
    snapshot.keysByHash().forEach((hash, key) -> keys.put(hash,
        new ApiKeySpec(key.id(), key.hash(), key.org(), key.models(), key.limits(), budget)));
    return new ConfigSnapshot(snapshot.version(), snapshot.backends(), snapshot.models(), keys,
        snapshot.defaultLimits(), snapshot.defaultMaxTokens(), snapshot.orgs());
  }

  @Test
  void aClientThatDisconnectsIsSettledAndTheUnusedReservationComesBack() throws Exception {
    start(1, new LimitSpec(0, 1_000, 1), s -> s);
    NetSocket socket = TestBed.await(bed.vertx.createNetClient(new NetClientOptions())
        .connect(bed.gateway.port(), "127.0.0.1"));
    java.util.concurrent.atomic.AtomicLong read = new java.util.concurrent.atomic.AtomicLong();
    socket.handler(buffer -> read.addAndGet(buffer.length()));
    String body = Http.chat(500, true); // reserves 15 + 500
    socket.write(Buffer.buffer("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + SECRET
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
    long deadline = System.currentTimeMillis() + 5_000;
    while (read.get() < 2_000 && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    TestBed.await(socket.close());
    UsageEvent event = bed.usage.awaitEvents(1, 5_000).get(0);
    assertTrue(event.clientDisconnected());
    assertTrue(event.completionTokens() < 500);

    // Settled: the stream slot is free and the unused tokens are back (900 would not fit otherwise).
    Http.Reply next = Http.post(bed.client, "/v1/chat/completions", Http.chat(885, false), SECRET);
    assertEquals(200, next.status(), next.body().toString());
  }

  @Test
  void withLeasesABusyKeyCostsRedisAFewCallsNotTwoPerRequest() throws Exception {
    // A window of 2 s: one client sending in turn is slow next to the load leases are for.
    start(1, new LimitSpec(100_000, 100_000_000, 1_000), s -> s, 2_000);
    assertEquals(200, Http.post(bed.client, "/v1/chat/completions", Http.chat(3, true), SECRET).status()); // loads scripts
    RedisMonitor monitor = TestBed.await(RedisMonitor.start(bed.vertx, LocalRedis.URL));
    int requests = 60;
    try {
      for (int i = 0; i < requests; i++) {
        assertEquals(200, Http.post(bed.client, "/v1/chat/completions", Http.chat(3, i % 2 == 0), SECRET).status());
      }
      Thread.sleep(300);
      List<String> lines = monitor.linesMentioning(redis.prefix()).stream()
          .filter(line -> !line.contains(" lua] ")).toList();
      assertTrue(lines.stream().allMatch(line -> RedisMonitor.command(line).equals("EVALSHA")), lines.toString());
      assertTrue(lines.size() <= requests / 6, "a lease serves many requests: " + lines.size() + " calls for "
          + requests + " requests (2 each without leases): " + lines);
    } finally {
      TestBed.await(monitor.close());
    }
    LeasedLimiter limiter = (LeasedLimiter) bed.gateway.services().limiter();
    assertTrue(limiter.localAdmissions() >= requests * 3 / 4, "admitted from credit: " + limiter.localAdmissions());
    assertEquals(0, limiter.exact().fallbackDecisions());
  }

  @Test
  void withLeasesOffEachRequestCostsExactlyOneEvalshaToAdmitAndOneToSettle() throws Exception {
    start(1, new LimitSpec(1_000, 1_000_000, 10), s -> s, 0);
    assertEquals(200, Http.post(bed.client, "/v1/chat/completions", Http.chat(3, true), SECRET).status()); // loads scripts
    Thread.sleep(500); // its settle, sent after the response, must not land in the window below
    RedisMonitor monitor = TestBed.await(RedisMonitor.start(bed.vertx, LocalRedis.URL));
    try {
      for (int i = 0; i < 3; i++) {
        assertEquals(200, Http.post(bed.client, "/v1/chat/completions", Http.chat(3, i % 2 == 0), SECRET).status());
      }
      Thread.sleep(300);
      // Commands the gateway sent, not the ones the scripts ran inside Redis ("[0 lua]").
      List<String> lines = monitor.linesMentioning(redis.prefix()).stream()
          .filter(line -> !line.contains(" lua] ")).toList();
      List<String> commands = lines.stream().map(RedisMonitor::command).toList();
      assertEquals(List.of("EVALSHA", "EVALSHA", "EVALSHA", "EVALSHA", "EVALSHA", "EVALSHA"), commands,
          "one EVALSHA to admit and one to settle per request: " + lines);
    } finally {
      TestBed.await(monitor.close());
    }
    RedisLimiter limiter = (RedisLimiter) bed.gateway.services().limiter();
    assertEquals(4, limiter.redisDecisions());
    assertEquals(0, limiter.fallbackDecisions());
  }
}
