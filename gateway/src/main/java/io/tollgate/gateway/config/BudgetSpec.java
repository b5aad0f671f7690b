package io.tollgate.gateway.config;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * A spend limit over a calendar period (UTC). Costs come from the model's prices; a request whose
 * worst-case cost would pass what is left is refused before it runs, then settled at real cost.
 *
 * @param limitUsd USD per period
 * @param period   day or month, in UTC
 * @param alertsAt percentages of the limit whose crossing raises a budget alert (ascending, 1..100;
 *                 the control plane delivers them), {@link #DEFAULT_ALERTS} when not given
 */
public record BudgetSpec(double limitUsd, Period period, List<Integer> alertsAt) {

  /** Alert thresholds of a budget that names none: half, most, all of it. */
  public static final List<Integer> DEFAULT_ALERTS = List.of(50, 80, 100);

  public BudgetSpec {
    alertsAt = alertsAt == null ? DEFAULT_ALERTS : List.copyOf(alertsAt);
  }

  public BudgetSpec(double limitUsd, Period period) {
    this(limitUsd, period, DEFAULT_ALERTS);
  }

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

  /** The thresholds as settle.lua reads them: "50,80,100". */
  public String alertsArg() {
    return String.join(",", alertsAt.stream().map(String::valueOf).toList());
  }
}
