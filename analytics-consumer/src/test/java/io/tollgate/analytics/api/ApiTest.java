package io.tollgate.analytics.api;

import io.tollgate.analytics.testsupport.Events;
import io.tollgate.analytics.testsupport.RunningAnalytics;
import io.tollgate.analytics.testsupport.TestBroker;
import io.tollgate.analytics.testsupport.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The usage, reliability and export APIs over events that went through the real ingest path. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiTest {

  private static final Instant BASE = Instant.parse("2025-03-01T10:00:00Z");
  private static final int EVENTS = 3_000;

  private TestStore store;
  private TestBroker broker;
  private RunningAnalytics analytics;
  private final List<JsonObject> events = new ArrayList<>();

  @BeforeAll
  void seed() throws Exception {
    store = TestStore.create();
    broker = TestBroker.create();
    analytics = RunningAnalytics.start(RunningAnalytics.settings(store, broker.settings)).awaitConsuming();
    // 3,000 events 19 s apart: 2025-03-01 10:00 to 2025-03-01 ~25:50, so two days and 16 hours.
    for (int i = 0; i < EVENTS; i++) {
      Instant time = BASE.plusSeconds(19L * i);
      JsonObject event = i % 25 == 0 ? Events.failed(i, time, 504, "upstream_timeout")
          : i % 40 == 0 ? Events.failed(i, time, 429, null) : Events.event(i, time);
      if (i % 10 == 3) {
        event.put("org_id", "org-b");
      }
      if (i % 7 == 0) {
        event.put("request_id", "quoted,\"id\"-" + i);
      }
      events.add(event);
    }
    broker.publish(events.stream().map(JsonObject::encode).toList());
    assertEquals(EVENTS, store.awaitCount(EVENTS, 30_000));
  }

  @AfterAll
  void stop() throws Exception {
    try {
      analytics.close();
    } finally {
      broker.close();
      store.close();
    }
  }

  private List<JsonObject> select(Predicate<JsonObject> filter) {
    return events.stream().filter(filter).toList();
  }

  private static Predicate<JsonObject> inRange(String org, String from, String to) {
    Instant start = Instant.parse(from);
    Instant end = Instant.parse(to);
    return e -> e.getString("org_id").equals(org) && !Instant.parse(e.getString("time")).isBefore(start)
        && Instant.parse(e.getString("time")).isBefore(end);
  }

  private static boolean failed(JsonObject e) {
    return e.getInteger("status") >= 400 || e.getString("error_kind") != null;
  }

  @Test
  void hourlyUsageByModelMatchesTheEvents() throws Exception {
    String from = "2025-03-01T11:00:00Z";
    String to = "2025-03-01T14:00:00Z";
    RunningAnalytics.Reply reply = analytics.get("/v1/orgs/org-a/usage?from=" + from + "&to=" + to
        + "&granularity=hour&group_by=model");
    assertEquals(200, reply.status(), reply.body().toString());
    JsonObject body = reply.json();
    assertEquals("hour", body.getString("granularity"));

    Map<String, long[]> expected = new TreeMap<>();
    for (JsonObject e : select(inRange("org-a", from, to))) {
      String bucket = Instant.parse(e.getString("time")).truncatedTo(java.time.temporal.ChronoUnit.HOURS) + "|"
          + e.getString("model_requested");
      long[] sums = expected.computeIfAbsent(bucket, b -> new long[4]);
      sums[0]++;
      sums[1] += failed(e) ? 1 : 0;
      sums[2] += e.getLong("prompt_tokens");
      sums[3] += e.getLong("completion_tokens");
    }
    JsonArray data = body.getJsonArray("data");
    assertEquals(expected.size(), data.size(), "3 hours × 2 models");
    assertEquals(6, data.size());
    long totalRequests = 0;
    for (int i = 0; i < data.size(); i++) {
      JsonObject row = data.getJsonObject(i);
      long[] sums = expected.get(row.getString("bucket") + "|" + row.getString("model"));
      assertEquals(sums[0], row.getLong("requests"), row::encode);
      assertEquals(sums[1], row.getLong("errors"), row::encode);
      assertEquals(sums[2], row.getLong("prompt_tokens"), row::encode);
      assertEquals(sums[3], row.getLong("completion_tokens"), row::encode);
      totalRequests += sums[0];
    }
    assertEquals(totalRequests, body.getJsonObject("totals").getLong("requests"));
  }

  @Test
  void dailyUsageByKeyMatchesTheEventsToTheMicroDollar() throws Exception {
    RunningAnalytics.Reply reply = analytics.get("/v1/orgs/org-a/usage?from=2025-03-01&to=2025-03-03"
        + "&granularity=day&group_by=key");
    assertEquals(200, reply.status(), reply.body().toString());
    JsonArray data = reply.json().getJsonArray("data");
    Map<String, BigDecimal> cost = new HashMap<>();
    Map<String, Long> requests = new HashMap<>();
    for (JsonObject e : select(inRange("org-a", "2025-03-01T00:00:00Z", "2025-03-03T00:00:00Z"))) {
      String bucket = e.getString("time").substring(0, 10) + "T00:00:00Z|" + e.getString("key_id");
      cost.merge(bucket, BigDecimal.valueOf(e.getDouble("cost_usd")), BigDecimal::add);
      requests.merge(bucket, 1L, Long::sum);
    }
    assertEquals(6, data.size(), "2 days × 3 keys");
    for (int i = 0; i < data.size(); i++) {
      JsonObject row = data.getJsonObject(i);
      String bucket = row.getString("bucket") + "|" + row.getString("key_id");
      assertEquals(requests.get(bucket), row.getLong("requests"), row::encode);
      assertEquals(cost.get(bucket).doubleValue(), row.getDouble("cost_usd"), 1e-12, row::encode);
    }
    assertEquals(select(inRange("org-a", "2025-03-01T00:00:00Z", "2025-03-03T00:00:00Z")).size(),
        reply.json().getJsonObject("totals").getLong("requests"));
  }

  @Test
  void reliabilityPerModelAndBackendHasErrorKindsAndPercentiles() throws Exception {
    String from = "2025-03-01T10:00:00Z";
    String to = "2025-03-02T10:00:00Z";
    RunningAnalytics.Reply reply = analytics.get("/v1/reliability?from=" + from + "&to=" + to + "&org=org-a");
    assertEquals(200, reply.status(), reply.body().toString());
    JsonArray data = reply.json().getJsonArray("data");
    assertEquals(2, data.size(), "llama on gpu-0, qwen on gpu-1: " + data.encode());
    for (int i = 0; i < data.size(); i++) {
      JsonObject row = data.getJsonObject(i);
      List<JsonObject> group = select(inRange("org-a", from, to).and(e -> e.getString("model_requested")
          .equals(row.getString("model")) && e.getString("backend_id").equals(row.getString("backend"))));
      assertEquals(group.size(), row.getLong("requests"));
      long timeouts = group.stream().filter(e -> "upstream_timeout".equals(e.getString("error_kind"))).count();
      long limited = group.stream().filter(e -> e.getInteger("status") == 429).count();
      assertEquals(timeouts, row.getJsonObject("errors_by_kind").getLong("upstream_timeout", 0L), row::encode);
      assertEquals(limited, row.getJsonObject("errors_by_kind").getLong("http_429", 0L), row::encode);
      assertEquals((double) (timeouts + limited) / group.size(), row.getDouble("error_rate"), 1e-9);
      List<Double> latencies = group.stream().map(e -> e.getDouble("latency_ms")).sorted().toList();
      List<Double> ttfts = group.stream().map(e -> e.getDouble("ttft_ms")).filter(v -> v != null).sorted().toList();
      for (String p : List.of("p50", "p95", "p99")) {
        double fraction = Integer.parseInt(p.substring(1)) / 100.0;
        assertEquals(percentileCont(latencies, fraction), row.getJsonObject("latency_ms").getDouble(p), 1e-9, p);
        assertEquals(percentileCont(ttfts, fraction), row.getJsonObject("ttft_ms").getDouble(p), 1e-9, p);
      }
    }
  }

  /** PostgreSQL's percentile_cont: linear interpolation between the two nearest ranks. */
  private static double percentileCont(List<Double> sorted, double fraction) {
    double position = fraction * (sorted.size() - 1);
    int lower = (int) Math.floor(position);
    int upper = (int) Math.ceil(position);
    return sorted.get(lower) + (position - lower) * (sorted.get(upper) - sorted.get(lower));
  }

  @Test
  void csvExportOfARangeEqualsTheRows() throws Exception {
    String from = "2025-03-01T10:00:00Z";
    String to = "2025-03-02T03:00:00Z";
    RunningAnalytics.Reply reply = analytics.get("/v1/orgs/org-a/usage/export?from=" + from + "&to=" + to);
    assertEquals(200, reply.status());
    assertTrue(reply.contentType().startsWith("text/csv"), reply.contentType());
    List<List<String>> records = Csv.parse(reply.body().toString());
    assertEquals(String.join(",", CsvExport.COLUMNS), String.join(",", records.get(0)));
    List<JsonObject> expected = new ArrayList<>(select(inRange("org-a", from, to)));
    expected.sort((a, b) -> a.getString("time").compareTo(b.getString("time")));
    assertEquals(expected.size() + 1, records.size(), "a header, then one line per row");
    assertTrue(reply.body().length() > 100_000, "several chunks and cursor fetches: " + reply.body().length());
    for (int i = 0; i < expected.size(); i++) {
      JsonObject event = expected.get(i);
      List<String> record = records.get(i + 1);
      for (int column = 0; column < CsvExport.COLUMNS.size(); column++) {
        String name = CsvExport.COLUMNS.get(column);
        assertEquals(csvOf(name, event.getValue(name)), record.get(column), name + " of " + event.encode());
      }
    }
  }

  private static String csvOf(String column, Object value) {
    if (value == null) {
      return "";
    }
    if (column.equals("cost_usd")) {
      // Stored as numeric(24, 12): to the trillionth of a dollar, rounded half up as PostgreSQL does.
      return BigDecimal.valueOf(((Number) value).doubleValue()).setScale(12, java.math.RoundingMode.HALF_UP)
          .stripTrailingZeros().toPlainString();
    }
    if (value instanceof Double number) {
      return BigDecimal.valueOf(number).stripTrailingZeros().toPlainString();
    }
    if (column.equals("time")) {
      return Instant.parse((String) value).toString();
    }
    return value.toString();
  }

  @Test
  void lastUsedIsEachKeysLatestRequest() throws Exception {
    Map<String, String> expected = new TreeMap<>();
    for (JsonObject e : select(e -> e.getString("org_id").equals("org-a"))) {
      expected.merge(e.getString("key_id"), Instant.parse(e.getString("time")).toString(),
          (a, b) -> Instant.parse(a).isAfter(Instant.parse(b)) ? a : b);
    }
    RunningAnalytics.Reply reply = analytics.get("/v1/orgs/org-a/usage/last-used");
    assertEquals(200, reply.status(), reply.body().toString());
    JsonArray data = reply.json().getJsonArray("data");
    Map<String, String> actual = new TreeMap<>();
    data.forEach(entry -> actual.put(((JsonObject) entry).getString("key_id"), ((JsonObject) entry).getString("last_used")));
    assertEquals(expected, actual);
    assertEquals(3, actual.size());
    assertEquals(404, analytics.get("/v1/orgs/org-nobody/usage/last-used").status());
  }

  @Test
  void badInputIsRefusedWithAClearStatusAndMessage() throws Exception {
    String usage = "/v1/orgs/org-a/usage?granularity=hour&from=2025-03-01T00:00:00Z&to=2025-03-02T00:00:00Z";
    assertEquals(200, analytics.get(usage).status());
    assertRefused(400, "invalid_range", "/v1/orgs/org-a/usage?granularity=hour&from=2025-03-02&to=2025-03-01");
    assertRefused(400, "invalid_range", "/v1/orgs/org-a/usage?granularity=hour&from=2025-03-02&to=2025-03-02");
    assertRefused(400, "missing_parameter", "/v1/orgs/org-a/usage?granularity=hour&from=2025-03-02");
    assertRefused(400, "invalid_parameter", "/v1/orgs/org-a/usage?granularity=hour&from=yesterday&to=2025-03-02");
    assertRefused(400, "invalid_granularity", usage.replace("granularity=hour", "granularity=minute"));
    assertRefused(400, "invalid_group_by", usage + "&group_by=colour");
    assertRefused(400, "unaligned_range", usage.replace("T00:00:00Z&to", "T00:30:00Z&to"));
    assertRefused(400, "unaligned_range", usage.replace("granularity=hour", "granularity=day")
        .replace("2025-03-02T00:00:00Z", "2025-03-02T05:00:00Z"));
    assertRefused(404, "unknown_org", usage.replace("org-a", "org-nobody"));
    assertRefused(404, "unknown_org", "/v1/reliability?from=2025-03-01&to=2025-03-02&org=org-nobody");
    assertRefused(400, "invalid_range", "/v1/reliability?from=2025-03-02&to=2025-03-01");
    assertRefused(404, "unknown_org", "/v1/orgs/org-nobody/usage/export?from=2025-03-01&to=2025-03-02");
    assertRefused(400, "invalid_range", "/v1/orgs/org-a/usage/export?from=2025-03-02&to=2025-03-01");
    assertRefused(404, "not_found", "/v1/orgs/org-a/bills");
    // Another method on a served path is 405; on a path nothing serves, 404 whatever the method.
    RunningAnalytics.Reply wrongMethod = analytics.call(io.vertx.core.http.HttpMethod.DELETE,
        "/v1/orgs/org-a/usage", RunningAnalytics.TOKEN);
    assertEquals(405, wrongMethod.status(), wrongMethod.body().toString());
    assertEquals("method_not_allowed", wrongMethod.errorCode());
    RunningAnalytics.Reply nowhere = analytics.call(io.vertx.core.http.HttpMethod.DELETE, "/v1/orgs/org-a/bills",
        RunningAnalytics.TOKEN);
    assertEquals(404, nowhere.status(), nowhere.body().toString());
    assertEquals("not_found", nowhere.errorCode());

    RunningAnalytics.Reply anonymous = analytics.get(usage, null);
    assertEquals(401, anonymous.status());
    assertEquals("missing_token", anonymous.errorCode());
    assertEquals("invalid_token", analytics.get(usage, "wrong").errorCode());
    RunningAnalytics.Reply health = analytics.get("/health", null);
    assertEquals(200, health.status(), "health needs no token");
    assertEquals(EVENTS, health.json().getJsonObject("ingest").getLong("inserted"));
    RunningAnalytics.Reply metrics = analytics.get("/metrics", null);
    assertEquals(200, metrics.status(), "metrics need no token");
    String text = metrics.body().toString();
    assertTrue(text.contains("tollgate_analytics_events_total{outcome=\"inserted\"} " + EVENTS + ".0"), text);
    assertTrue(text.contains("tollgate_analytics_batches_total"), text);
    assertTrue(text.contains("jvm_memory_used_bytes"), text);
  }

  @Test
  void aRangeWithoutUsageOfAKnownOrgIsEmptyNotAnError() throws Exception {
    RunningAnalytics.Reply reply = analytics.get("/v1/orgs/org-b/usage?from=2024-01-01&to=2024-01-02&granularity=day");
    assertEquals(200, reply.status());
    assertTrue(reply.json().getJsonArray("data").isEmpty());
    RunningAnalytics.Reply reliability = analytics.get("/v1/reliability?from=2024-01-01&to=2024-01-02");
    assertTrue(reliability.json().getJsonArray("data").isEmpty());
    assertNull(reliability.json().getString("org"));
  }

  private void assertRefused(int status, String code, String uri) throws Exception {
    RunningAnalytics.Reply reply = analytics.get(uri);
    assertEquals(status, reply.status(), uri + " → " + reply.body());
    assertEquals(code, reply.errorCode(), uri + " → " + reply.body());
    assertTrue(reply.json().getJsonObject("error").getString("message").length() > 10);
  }
}
