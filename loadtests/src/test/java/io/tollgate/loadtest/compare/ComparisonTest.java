package io.tollgate.loadtest.compare;

import io.tollgate.loadtest.metrics.TargetResult;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComparisonTest {

  private final TargetResult direct = Results.target("direct", 20, 10, 1000, 100, 0);
  private final TargetResult gateway = Results.target("gateway", 21.5, 10.2, 950, 98, 2);
  private final Comparison c = Comparison.of(direct, gateway);

  @Test
  void ratiosAreBOverA() {
    assertEquals(0.95, c.figure("output_throughput").ratio(), 1e-12);
    assertEquals(21.5 / 20, c.figure("ttft_median_ms").ratio(), 1e-12);
    assertEquals(43.0 / 40, c.figure("ttft_p99_ms").ratio(), 1e-12);
    assertEquals(10.2 / 10, c.figure("itl_median_ms").ratio(), 1e-12);
    assertEquals(9.8 / 10, c.figure("request_throughput").ratio(), 1e-12);
    assertEquals(1000, c.figure("output_throughput").a());
    assertEquals(950, c.figure("output_throughput").b());
  }

  @Test
  void addedLatencyIsTheDifferenceOfPercentiles() {
    assertEquals(1.5, c.addedTtftP50Ms(), 1e-12);
    assertEquals(3.0, c.addedTtftP99Ms(), 1e-12, "p99 = 2 × median: 43 − 40");
    assertEquals(0.2, c.addedItlP50Ms(), 1e-12);
    assertEquals(15, c.addedE2elP50Ms(), 1e-12);
  }

  @Test
  void ratioOfZeroOrMissingIsNaN() {
    assertTrue(Double.isNaN(FigureRatio.ratio(0, 5)));
    assertTrue(Double.isNaN(FigureRatio.ratio(Double.NaN, 5)));
    assertTrue(Double.isNaN(c.figure("goodput").ratio()), "no SLO on either side");
    assertEquals(0.0, c.figure("failure_rate").a());
    assertEquals(0.02, c.figure("failure_rate").b(), 1e-12);
  }

  @Test
  void gatewayTargetsSayByHowMuchTheyAreMissed() {
    var checks = GatewayTargets.evaluate(Results.run(direct, gateway));
    assertEquals(3, checks.size());
    TargetCheck p50 = checks.get(0);
    assertFalse(p50.met());
    assertEquals(0.5, p50.missedBy(), 1e-12);
    assertTrue(p50.verdict().startsWith("MISSED by 0.500 ms"), p50.verdict());
    assertTrue(checks.get(1).met(), "added p99 3 ms < 5 ms");
    assertTrue(checks.get(2).met(), "0.95× >= 0.9×");
  }
}
