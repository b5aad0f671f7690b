package io.tollgate.gateway.config;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * A spend limit over a calendar period (UTC). Costs come from the model's prices; a request whose
 * worst-case cost would pass what is left is refused before it runs, then settled at real cost.
 *
 * @param limitUsd USD per period
 * @param period   day or month, in UTC
 */
public record BudgetSpec(double limitUsd, Period period) {

  /** Budget periods, in UTC. */
  public enum Period {
    DAY, MONTH
  }

  /** Micro-USD: the unit spend is counted in (integers, so Redis INCRBY is exact). */
  public long limitMicros() {
    return Math.round(limitUsd * 1_000_000);
  }

  /** An id of the period containing {@code now}: "d2026-11-25" or "m2026-11". */
  public String periodId(Instant now) {
    LocalDate date = now.atZone(ZoneOffset.UTC).toLocalDate();
    return period == Period.DAY ? "d" + date : "m" + date.toString().substring(0, 7);
  }

  /** Seconds until the period containing {@code now} ends. */
  public long secondsLeftInPeriod(Instant now) {
    return Math.max(1, periodEnd(now).getEpochSecond() - now.getEpochSecond());
  }

  /** When the period containing {@code now} ends: the next UTC midnight, or the first of next month. */
  public Instant periodEnd(Instant now) {
    ZonedDateTime utc = now.atZone(ZoneOffset.UTC);
    ZonedDateTime end = period == Period.DAY
        ? utc.toLocalDate().plusDays(1).atStartOfDay(ZoneOffset.UTC)
        : utc.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC);
    return end.toInstant();
  }
}
