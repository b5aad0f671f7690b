package io.tollgate.gateway.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BudgetConfigTest {

  private static JsonObject snapshot(String orgsAndKeys) {
    return new JsonObject("{\"backends\":[{\"id\":\"b\",\"url\":\"http://127.0.0.1:9000\"}],"
        + "\"models\":[{\"name\":\"m\",\"backends\":[\"b\"]}]," + orgsAndKeys + "}");
  }

  @Test
  void orgsAndBudgetsParseAndRoundTrip() {
    JsonObject raw = snapshot("\"orgs\":[{\"id\":\"acme\",\"limits\":{\"requestsPerMinute\":100},"
        + "\"budget\":{\"limitUsd\":50,\"period\":\"day\"}}],"
        + "\"keys\":[{\"id\":\"k\",\"hash\":\"" + Snapshots.HASH_A + "\",\"org\":\"acme\",\"models\":[\"*\"],"
        + "\"budget\":{\"limitUsd\":2.5}}]");
    assertEquals(java.util.List.of(), SnapshotValidator.validate(raw));
    ConfigSnapshot snapshot = SnapshotParser.parse(raw, 1);
    OrgSpec acme = snapshot.org("acme");
    assertEquals(100, acme.limits().requestsPerMinute());
    assertEquals(0, acme.limits().tokensPerMinute());
    assertEquals(new BudgetSpec(50, BudgetSpec.Period.DAY), acme.budget());
    ApiKeySpec key = snapshot.keysByHash().get(Snapshots.HASH_A);
    assertEquals(new BudgetSpec(2.5, BudgetSpec.Period.MONTH), key.budget(), "period defaults to month");
    assertNull(snapshot.org("other").budget(), "an org not listed has no limits");
    assertEquals(snapshot, SnapshotParser.parse(SnapshotJson.toJson(snapshot), 1));
  }

  @Test
  void badBudgetsAndDuplicateOrgsAreRefused() {
    var reasons = SnapshotValidator.validate(snapshot("\"orgs\":[{\"id\":\"a\",\"budget\":{\"limitUsd\":-1}},"
        + "{\"id\":\"a\",\"budget\":{\"limitUsd\":1,\"period\":\"week\"}}]"));
    assertTrue(reasons.stream().anyMatch(r -> r.contains("duplicate org id")), reasons.toString());
    assertTrue(reasons.stream().anyMatch(r -> r.contains("limitUsd")), reasons.toString());
    assertTrue(reasons.stream().anyMatch(r -> r.contains("period")), reasons.toString());
  }

  @Test
  void periodsAreUtcCalendarPeriods() {
    Instant now = Instant.parse("2026-11-25T23:59:30Z");
    BudgetSpec day = new BudgetSpec(1, BudgetSpec.Period.DAY);
    BudgetSpec month = new BudgetSpec(1, BudgetSpec.Period.MONTH);
    assertEquals("d2026-11-25", day.periodId(now));
    assertEquals("m2026-11", month.periodId(now));
    assertEquals(30, day.secondsLeftInPeriod(now));
    assertEquals(5 * 86_400 + 30, month.secondsLeftInPeriod(now));
    assertEquals(2_500_000, new BudgetSpec(2.5, BudgetSpec.Period.DAY).limitMicros());
  }
}
