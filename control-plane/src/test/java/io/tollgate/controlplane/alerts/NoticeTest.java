package io.tollgate.controlplane.alerts;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a forecast and an org's threshold alert say, in each payload. */
class NoticeTest {

  private static final Budget ORG = new Budget("acme", "org", "acme", 500_000_000, "month", null);

  @Test
  void aForecastSaysWhenTheBudgetRunsOutAndWhenThePeriodEnds() {
    Alert forecast = new Alert(7, ORG, "m2026-11", Alert.FORECAST, 0, 500_000_000, 300_000_000,
        Instant.parse("2026-11-20T10:00:00Z"), Instant.parse("2026-11-24T06:30:00Z"),
        Instant.parse("2026-12-01T00:00:00Z"));
    Notice notice = Notice.of(forecast);
    assertEquals("Budget forecast: org acme runs out 2026-11-24 06:30 UTC", notice.title());
    assertEquals("At the last 24 h's rate, the monthly budget of org acme ($500.00) runs out on 2026-11-24 06:30 UTC,"
        + " before the period ends (2026-12-01 00:00 UTC). Spent so far: $300.00.", notice.text());
    JsonObject generic = Payloads.generic(notice);
    assertEquals("forecast", generic.getJsonObject("alert").getString("kind"));
    assertEquals("2026-11-24T06:30:00Z", generic.getJsonObject("alert").getString("runsOutAt"));
    assertEquals(7L, generic.getJsonObject("alert").getLong("id"));
    assertEquals(notice.title(), Payloads.teams(notice).getString("summary"));
  }

  @Test
  void aFullBudgetSaysRequestsAreRefusedUntilThePeriodEnds() {
    Alert full = new Alert(8, ORG, "m2026-11", Alert.THRESHOLD, 100, 500_000_000, 499_990_000,
        Instant.parse("2026-11-28T10:00:00Z"), null, Instant.parse("2026-12-01T00:00:00Z"));
    Notice notice = Notice.of(full);
    assertEquals("Budget alert: org acme passed 100 %", notice.title());
    assertTrue(notice.text().startsWith("Org acme has spent $499.99 of its monthly budget of $500.00 (100 % threshold)."
        + " Requests that would pass the budget are refused until 2026-12-01 00:00 UTC."), notice.text());
    JsonObject slack = Payloads.slack(notice);
    assertEquals("*Org*\nacme", slack.getJsonArray("blocks").getJsonObject(2).getJsonArray("fields").getJsonObject(0)
        .getString("text"));
  }
}
