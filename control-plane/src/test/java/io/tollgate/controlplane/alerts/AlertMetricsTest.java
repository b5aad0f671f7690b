package io.tollgate.controlplane.alerts;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The spend gauges keep their series bounded: the top orgs by spend, the rest summed as "other". */
class AlertMetricsTest {

  @Test
  void theTopOrgsBySpendHaveSeriesAndTheRestAreSummedPerPeriod() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AlertMetrics metrics = new AlertMetrics(registry, 2);
    metrics.orgSpend(List.of(new AlertMetrics.OrgSpend("small", "month", 1, 100),
        new AlertMetrics.OrgSpend("big", "month", 90, 100), new AlertMetrics.OrgSpend("mid", "day", 5, 10),
        new AlertMetrics.OrgSpend("tiny", "month", 0.5, 50)));
    String scrape = registry.scrape();
    assertTrue(scrape.contains("tollgate_org_spend_usd{org=\"big\",period=\"month\"} 90.0"), scrape);
    assertTrue(scrape.contains("tollgate_org_spend_usd{org=\"mid\",period=\"day\"} 5.0"), scrape);
    assertTrue(scrape.contains("tollgate_org_spend_usd{org=\"other\",period=\"month\"} 1.5"), scrape);
    assertTrue(scrape.contains("tollgate_org_budget_usd{org=\"other\",period=\"month\"} 150.0"), scrape);
    assertTrue(scrape.contains("tollgate_org_budget_usd{org=\"big\",period=\"month\"} 100.0"), scrape);
    assertFalse(scrape.contains("org=\"small\""), scrape);

    // The next poll's orgs replace the series: one that went away is gone.
    metrics.orgSpend(List.of(new AlertMetrics.OrgSpend("mid", "day", 6, 10)));
    scrape = registry.scrape();
    assertTrue(scrape.contains("tollgate_org_spend_usd{org=\"mid\",period=\"day\"} 6.0"), scrape);
    assertFalse(scrape.contains("org=\"big\""), scrape);
    assertFalse(scrape.contains("org=\"other\""), scrape);
  }
}
