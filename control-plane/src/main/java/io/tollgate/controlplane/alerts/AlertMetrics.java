package io.tollgate.controlplane.alerts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Alerts and spend on /metrics (config/metrics.md): {@code tollgate_budget_alerts_total},
 * {@code tollgate_alert_deliveries_total}, and the current period's spend and budget per org
 * ({@code tollgate_org_spend_usd}, {@code tollgate_org_budget_usd}) for the top orgs by spend, the
 * rest summed as {@code org="other"} so the series stay bounded.
 */
public final class AlertMetrics {

  public static final String OTHER = "other";

  private final MeterRegistry registry;
  private final int topOrgs;
  private final MultiGauge spend;
  private final MultiGauge budget;
  private final Map<String, Counter> alerts = new ConcurrentHashMap<>();
  private final Map<String, Counter> deliveries = new ConcurrentHashMap<>();

  public AlertMetrics(MeterRegistry registry, int topOrgs) {
    this.registry = registry;
    this.topOrgs = topOrgs;
    this.spend = MultiGauge.builder("tollgate.org.spend").baseUnit("usd")
        .description("Spend of the org's budget in the current period (reservations of running requests included)")
        .register(registry);
    this.budget = MultiGauge.builder("tollgate.org.budget").baseUnit("usd")
        .description("The org's budget for the current period").register(registry);
    // Counters exist from the start: increase() misses a series whose first sample is already 1.
    for (int threshold : Budget.DEFAULT_ALERTS) {
      alertCounter(Integer.toString(threshold), Alert.THRESHOLD);
    }
    alertCounter("none", Alert.FORECAST);
    for (String type : Channel.TYPES) {
      for (String result : List.of("delivered", "failed", "abandoned")) {
        deliveryCounter(type, result);
      }
    }
  }

  private Counter alertCounter(String threshold, String kind) {
    return alerts.computeIfAbsent(threshold + "|" + kind, k -> Counter.builder("tollgate.budget.alerts")
        .description("Budget alerts recorded (each once across all control-plane instances)")
        .tags("threshold", threshold, "kind", kind).register(registry));
  }

  private Counter deliveryCounter(String channelType, String result) {
    return deliveries.computeIfAbsent(channelType + "|" + result, k -> Counter.builder("tollgate.alert.deliveries")
        .description("Alert delivery attempts by channel type and result")
        .tags("channel_type", channelType, "result", result).register(registry));
  }

  /** An alert this instance recorded (another instance's duplicate is not counted). */
  public void alertRecorded(Alert alert) {
    String threshold = Alert.THRESHOLD.equals(alert.kind()) ? Integer.toString(alert.threshold()) : "none";
    alertCounter(threshold, alert.kind()).increment();
  }

  /** @param result delivered, failed (to be retried) or abandoned (attempts used up) */
  public void delivery(String channelType, String result) {
    deliveryCounter(channelType, result).increment();
  }

  /** One org's budget and spend in its current period. */
  public record OrgSpend(String org, String period, double spentUsd, double budgetUsd) {
  }

  /** Replaces the spend series: the top orgs by spend, the rest summed per period as "other". */
  public void orgSpend(List<OrgSpend> orgs) {
    List<OrgSpend> sorted = new ArrayList<>(orgs);
    sorted.sort(Comparator.comparingDouble(OrgSpend::spentUsd).reversed().thenComparing(OrgSpend::org));
    List<OrgSpend> shown = new ArrayList<>(sorted.subList(0, Math.min(topOrgs, sorted.size())));
    Map<String, double[]> other = new HashMap<>();
    for (OrgSpend rest : sorted.subList(shown.size(), sorted.size())) {
      double[] sums = other.computeIfAbsent(rest.period(), p -> new double[2]);
      sums[0] += rest.spentUsd();
      sums[1] += rest.budgetUsd();
    }
    other.forEach((period, sums) -> shown.add(new OrgSpend(OTHER, period, sums[0], sums[1])));
    spend.register(shown.stream().map(o -> MultiGauge.Row.of(Tags.of("org", o.org(), "period", o.period()),
        o.spentUsd())).toList(), true);
    budget.register(shown.stream().map(o -> MultiGauge.Row.of(Tags.of("org", o.org(), "period", o.period()),
        o.budgetUsd())).toList(), true);
  }
}
