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
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Monthly statements over events that went through the real ingest path into PostgreSQL; every
 * figure is checked against sums the test makes itself in SQL over the raw rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatementTest {

  private static final String ORG = "acme";
  private static final String SCRIPT_MODEL = "<script>alert('x')</script>";
  private static final String ODD_KEY = "key \"quoted\", & <b>bold</b>";

  private TestStore store;
  private TestBroker broker;
  private RunningAnalytics analytics;
  private final List<JsonObject> events = new ArrayList<>();

  @BeforeAll
  void seed() throws Exception {
    store = TestStore.create();
    broker = TestBroker.create();
    analytics = RunningAnalytics.start(RunningAnalytics.settings(store, broker.settings)).awaitConsuming();
    // 1,200 events an hour apart from 2025-02-20: across the end of February, all of March and into April.
    Instant start = Instant.parse("2025-02-20T00:30:00Z");
    for (int i = 0; i < 1_200; i++) {
      JsonObject event = i % 17 == 0 ? Events.failed(i, start.plusSeconds(3_600L * i), 502, "upstream_error")
          : Events.event(i, start.plusSeconds(3_600L * i));
      event.put("org_id", ORG);
      if (i % 11 == 0) {
        event.put("model_requested", SCRIPT_MODEL);
      }
      if (i % 13 == 0) {
        event.put("key_id", ODD_KEY);
      }
      if (i % 29 == 0) {
        event.put("org_id", "other-org");
      }
      events.add(event);
    }
    // The month's edges: the last millisecond of March is March's, midnight of April 1st is April's.
    events.add(Events.event(5, Instant.parse("2025-03-31T23:59:59.999Z")).put("org_id", ORG).put("key_id", "edge-late")
        .put("cost_usd", 0.25));
    events.add(Events.event(6, Instant.parse("2025-04-01T00:00:00Z")).put("org_id", ORG).put("key_id", "edge-early")
        .put("cost_usd", 0.5));
    events.add(Events.event(7, Instant.parse("2025-03-01T00:00:00Z")).put("org_id", ORG).put("key_id", "edge-first"));
    events.add(Events.event(8, Instant.parse("2025-02-28T23:59:59.999Z")).put("org_id", ORG)
        .put("key_id", "edge-february"));
    broker.publish(events.stream().map(JsonObject::encode).toList());
    assertEquals(events.size(), store.awaitCount(events.size(), 30_000));
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

  /** Sums over the raw rows of the org in [from, to), grouped by the given expression ('' for all). */
  private Map<String, Map<String, Object>> sums(String groupBy, String from, String to) throws Exception {
    List<Map<String, Object>> rows = store.rows("SELECT " + groupBy + " AS grp, count(*) AS requests,"
        + " count(*) FILTER (WHERE status >= 400 OR error_kind IS NOT NULL) AS errors,"
        + " sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens,"
        + " sum(cached_tokens) AS cached_tokens, sum(reasoning_tokens) AS reasoning_tokens, sum(cost_usd) AS cost_usd"
        + " FROM " + store.schema + ".usage_events WHERE org_id = ? AND time >= ? AND time < ? GROUP BY 1",
        ORG, Timestamp.from(Instant.parse(from)), Timestamp.from(Instant.parse(to)));
    Map<String, Map<String, Object>> byGroup = new HashMap<>();
    rows.forEach(row -> byGroup.put((String) row.get("grp"), row));
    return byGroup;
  }

  private static void assertFigures(Map<String, Object> expected, JsonObject actual) {
    for (String column : List.of("requests", "errors", "prompt_tokens", "completion_tokens", "cached_tokens",
        "reasoning_tokens")) {
      assertEquals(((Number) expected.get(column)).longValue(), actual.getLong(column), column + " of " + actual);
    }
    BigDecimal cost = (BigDecimal) expected.get("cost_usd");
    assertEquals(0, cost.compareTo(new BigDecimal(actual.getString("cost_usd"))),
        "cost " + cost + " vs " + actual.getString("cost_usd"));
  }

  @Test
  void theStatementsFiguresEqualTheUsageRowsOfTheMonth() throws Exception {
    RunningAnalytics.Reply reply = analytics.get("/v1/orgs/" + ORG + "/statements/2025-03");
    assertEquals(200, reply.status(), reply.body().toString());
    assertTrue(reply.contentType().startsWith("application/json"), reply.contentType());
    JsonObject statement = reply.json();
    assertEquals(ORG, statement.getString("org"));
    assertEquals("2025-03", statement.getString("month"));
    assertEquals("2025-03-01T00:00:00Z", statement.getString("from"));
    assertEquals("2025-04-01T00:00:00Z", statement.getString("to"));
    assertEquals("USD", statement.getString("currency"));
    assertTrue(statement.getBoolean("complete"), "March 2025 is over");

    String from = "2025-03-01T00:00:00Z";
    String to = "2025-04-01T00:00:00Z";
    Map<String, Object> totals = sums("''", from, to).get("");
    long published = events.stream().filter(e -> e.getString("org_id").equals(ORG)
        && !Instant.parse(e.getString("time")).isBefore(Instant.parse(from))
        && Instant.parse(e.getString("time")).isBefore(Instant.parse(to))).count();
    assertEquals(published, ((Number) totals.get("requests")).longValue(), "the rows are the events published");
    assertFigures(totals, statement.getJsonObject("totals"));

    Map<String, Map<String, Object>> byModel = sums("coalesce(model_requested, '')", from, to);
    JsonArray models = statement.getJsonArray("by_model");
    assertEquals(byModel.keySet().size(), models.size(), models::encode);
    for (int i = 0; i < models.size(); i++) {
      JsonObject model = models.getJsonObject(i);
      assertFigures(byModel.get(model.getString("model")), model);
    }
    assertTrue(byModel.containsKey(SCRIPT_MODEL));

    Map<String, Map<String, Object>> byKey = sums("key_id", from, to);
    JsonArray keys = statement.getJsonArray("by_key");
    assertEquals(byKey.keySet().size(), keys.size(), keys::encode);
    for (int i = 0; i < keys.size(); i++) {
      JsonObject key = keys.getJsonObject(i);
      assertFigures(byKey.get(key.getString("key_id")), key);
    }

    Map<String, Map<String, Object>> byLine = sums("key_id || '|' || coalesce(model_requested, '')", from, to);
    JsonArray lines = statement.getJsonArray("lines");
    assertEquals(byLine.size(), lines.size());
    for (int i = 0; i < lines.size(); i++) {
      JsonObject line = lines.getJsonObject(i);
      assertFigures(byLine.get(line.getString("key_id") + "|" + line.getString("model")), line);
    }
  }

  @Test
  void anEventInTheLastMillisecondOfAMonthIsThatMonthsAndMidnightIsTheNext() throws Exception {
    JsonObject march = analytics.get("/v1/orgs/" + ORG + "/statements/2025-03").json();
    JsonObject april = analytics.get("/v1/orgs/" + ORG + "/statements/2025-04").json();
    JsonObject february = analytics.get("/v1/orgs/" + ORG + "/statements/2025-02").json();
    assertEquals(List.of("edge-first", "edge-late"), edgeKeys(march));
    assertEquals(List.of("edge-early"), edgeKeys(april));
    assertEquals(List.of("edge-february"), edgeKeys(february));
    assertEquals("0.25", keyEntry(march, "edge-late").getString("cost_usd"));
    assertEquals("0.5", keyEntry(april, "edge-early").getString("cost_usd"));
    // Every row of the org is in exactly one month's statement.
    long all = store.count("org_id = ?", ORG);
    assertEquals(all, february.getJsonObject("totals").getLong("requests")
        + march.getJsonObject("totals").getLong("requests") + april.getJsonObject("totals").getLong("requests"));
  }

  private static List<String> edgeKeys(JsonObject statement) {
    List<String> keys = new ArrayList<>();
    statement.getJsonArray("by_key").forEach(entry -> {
      String key = ((JsonObject) entry).getString("key_id");
      if (key.startsWith("edge-")) {
        keys.add(key);
      }
    });
    return keys;
  }

  private static JsonObject keyEntry(JsonObject statement, String key) {
    return statement.getJsonArray("by_key").stream().map(JsonObject.class::cast)
        .filter(entry -> entry.getString("key_id").equals(key)).findFirst().orElseThrow();
  }

  @Test
  void aMonthWithoutUsageIsAStatementOfZerosAndAnOrgNeverSeenIs404() throws Exception {
    RunningAnalytics.Reply empty = analytics.get("/v1/orgs/" + ORG + "/statements/2024-11");
    assertEquals(200, empty.status(), empty.body().toString());
    JsonObject statement = empty.json();
    assertEquals(0, statement.getJsonObject("totals").getLong("requests"));
    assertEquals("0", statement.getJsonObject("totals").getString("cost_usd"));
    assertTrue(statement.getJsonArray("by_model").isEmpty());
    assertTrue(statement.getJsonArray("by_key").isEmpty());
    assertTrue(statement.getJsonArray("lines").isEmpty());

    RunningAnalytics.Reply future = analytics.get("/v1/orgs/" + ORG + "/statements/2999-01");
    assertEquals(200, future.status());
    assertFalse(future.json().getBoolean("complete"), "a month not yet over is a statement to date");
    RunningAnalytics.Reply emptyCsv = analytics.get("/v1/orgs/" + ORG + "/statements/2024-11?format=csv");
    List<List<String>> records = Csv.parse(emptyCsv.body().toString());
    assertEquals(2, records.size(), "the header and a zero total");
    assertEquals(List.of("total", "2024-11", ORG, "", "", "0", "0", "0", "0", "0", "0", "0"), records.get(1));
    RunningAnalytics.Reply emptyHtml = analytics.get("/v1/orgs/" + ORG + "/statements/2024-11?format=html");
    assertTrue(emptyHtml.body().toString().contains("No usage was recorded in this month."));

    for (String format : List.of("json", "csv", "html")) {
      RunningAnalytics.Reply unknown = analytics.get("/v1/orgs/nobody/statements/2025-03?format=" + format);
      assertEquals(404, unknown.status(), format);
      assertEquals("unknown_org", unknown.errorCode(), format);
    }
  }

  @Test
  void theCsvParsesToTheSameLinesAndATotal() throws Exception {
    JsonObject statement = analytics.get("/v1/orgs/" + ORG + "/statements/2025-03").json();
    RunningAnalytics.Reply reply = analytics.get("/v1/orgs/" + ORG + "/statements/2025-03?format=csv");
    assertEquals(200, reply.status(), reply.body().toString());
    assertTrue(reply.contentType().startsWith("text/csv"), reply.contentType());
    List<List<String>> records = Csv.parse(reply.body().toString());
    assertEquals(StatementEndpoint.CSV_COLUMNS, records.get(0));
    JsonArray lines = statement.getJsonArray("lines");
    assertEquals(lines.size() + 2, records.size(), "header, one record per line, the total");
    for (int i = 0; i < lines.size(); i++) {
      JsonObject line = lines.getJsonObject(i);
      List<String> record = records.get(i + 1);
      assertEquals(List.of("usage", "2025-03", ORG, line.getString("key_id"), line.getString("model"),
          line.getLong("requests").toString(), line.getLong("errors").toString(),
          line.getLong("prompt_tokens").toString(), line.getLong("completion_tokens").toString(),
          line.getLong("cached_tokens").toString(), line.getLong("reasoning_tokens").toString(),
          line.getString("cost_usd")), record);
    }
    assertTrue(records.stream().anyMatch(record -> record.get(3).equals(ODD_KEY)), "quoted field read back");
    List<String> total = records.get(records.size() - 1);
    JsonObject totals = statement.getJsonObject("totals");
    assertEquals(List.of("total", "2025-03", ORG, "", "", totals.getLong("requests").toString(),
        totals.getLong("errors").toString(), totals.getLong("prompt_tokens").toString(),
        totals.getLong("completion_tokens").toString(), totals.getLong("cached_tokens").toString(),
        totals.getLong("reasoning_tokens").toString(), totals.getString("cost_usd")), total);
  }

  @Test
  void theHtmlPageEscapesUserNamesAndIsPrintable() throws Exception {
    RunningAnalytics.Reply reply = analytics.get("/v1/orgs/" + ORG + "/statements/2025-03?format=html");
    assertEquals(200, reply.status(), reply.body().toString());
    assertTrue(reply.contentType().startsWith("text/html"), reply.contentType());
    String html = reply.body().toString();
    assertFalse(html.contains("<script"), "no script element, whatever a model is called");
    assertFalse(html.contains("<b>bold"), "no markup from a key name");
    assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), "the model's name, escaped");
    assertTrue(html.contains("key &quot;quoted&quot;, &amp; &lt;b&gt;bold&lt;/b&gt;"), "the key's name, escaped");
    assertTrue(html.contains("@media print"), "a print stylesheet");
    assertTrue(html.contains("March 2025"));
    String cost = analytics.get("/v1/orgs/" + ORG + "/statements/2025-03").json().getJsonObject("totals")
        .getString("cost_usd");
    assertTrue(html.contains("<td>" + cost + "</td>"), "the total cost " + cost);
  }

  @Test
  void badInputIsRefusedInTheApisErrorShape() throws Exception {
    for (String month : List.of("2025-13", "2025-3", "march", "2025-03-01", "0000-00")) {
      RunningAnalytics.Reply reply = analytics.get("/v1/orgs/" + ORG + "/statements/" + month);
      assertEquals(400, reply.status(), month + ": " + reply.body());
      assertEquals("invalid_month", reply.errorCode(), month);
      assertTrue(reply.json().getJsonObject("error").getString("message").contains("yyyy-mm"));
    }
    RunningAnalytics.Reply format = analytics.get("/v1/orgs/" + ORG + "/statements/2025-03?format=pdf");
    assertEquals(400, format.status());
    assertEquals("invalid_format", format.errorCode());
    RunningAnalytics.Reply anonymous = analytics.get("/v1/orgs/" + ORG + "/statements/2025-03", null);
    assertEquals(401, anonymous.status());
    assertEquals("missing_token", anonymous.errorCode());
    assertEquals("invalid_token", analytics.get("/v1/orgs/" + ORG + "/statements/2025-03?format=html", "nope")
        .errorCode());
  }
}
