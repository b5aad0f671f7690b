package io.tollgate.controlplane.alerts;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * A budget the alerts watch: an org's or one of its keys'.
 *
 * @param scope       "org" or "key"
 * @param scopeId     the org's name or the key's id
 * @param limitMicros the limit in micro-USD
 * @param period      "day" or "month"
 * @param alertsAt    threshold percents
 */
public record Budget(String org, String scope, String scopeId, long limitMicros, String period,
                     List<Integer> alertsAt) {

  public static final List<Integer> DEFAULT_ALERTS = List.of(50, 80, 100);

  public Budget {
    alertsAt = alertsAt == null || alertsAt.isEmpty() ? DEFAULT_ALERTS : List.copyOf(alertsAt);
  }

  /** When the period containing {@code now} ends (UTC midnight, or the first of next month), as the gateways count it. */
  public Instant periodEnd(Instant now) {
    ZonedDateTime utc = now.atZone(ZoneOffset.UTC);
    return ("day".equals(period) ? utc.toLocalDate().plusDays(1) : utc.toLocalDate().withDayOfMonth(1).plusMonths(1))
        .atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** How the alert names it: "org acme" or "key acme/ci". */
  public String label() {
    return "org".equals(scope) ? "org " + org : "key " + org + "/" + scopeId;
  }
}
