package io.tollgate.loadtest.compare;

import io.tollgate.loadtest.gateway.GatewayFigures;
import io.tollgate.loadtest.result.PhaseResult;
import io.tollgate.loadtest.result.RunResult;

import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's published performance targets (issue #3), judged wherever a run measured them: in a
 * comparison (A = direct, B = gateway), added TTFT p50 under 1 ms and p99 under 5 ms, and output-token
 * throughput at least 0.9× direct; with the gateway process sampled, RSS growth under 64 MB. The targets
 * are stated for 500 concurrent streams and 1,000 slow readers; each check says what it was measured under.
 */
public final class GatewayTargets {

  public static final double ADDED_TTFT_P50_MS = 1;
  public static final double ADDED_TTFT_P99_MS = 5;
  public static final double THROUGHPUT_RATIO = 0.9;
  public static final double RSS_GROWTH_MB = 64;

  private GatewayTargets() {
  }

  public static List<TargetCheck> evaluate(RunResult run) {
    List<TargetCheck> checks = new ArrayList<>();
    for (PhaseResult phase : run.phases()) {
      Comparison c = run.comparison(phase);
      if (c == null) {
        continue;
      }
      String where = "phase '" + phase.name() + "', "
          + (phase.maxConcurrency() > 0 ? phase.maxConcurrency() + " concurrent streams per target"
              : "peak " + phase.targets().get(1).peakConcurrency() + " concurrent streams");
      checks.add(new TargetCheck("added TTFT p50 (" + c.labelB() + " − " + c.labelA() + ")", where,
          c.addedTtftP50Ms(), ADDED_TTFT_P50_MS, " ms", true));
      checks.add(new TargetCheck("added TTFT p99 (" + c.labelB() + " − " + c.labelA() + ")", where,
          c.addedTtftP99Ms(), ADDED_TTFT_P99_MS, " ms", true));
      checks.add(new TargetCheck("output throughput " + c.labelB() + "/" + c.labelA(), where,
          c.figure("output_throughput").ratio(), THROUGHPUT_RATIO, "×", false));
    }
    GatewayFigures g = run.gateway();
    if (g != null && !Double.isNaN(g.rssGrowthMb())) {
      checks.add(new TargetCheck("gateway RSS growth", "scenario " + run.scenario() + ", whole run",
          g.rssGrowthMb(), RSS_GROWTH_MB, " MB", true));
    }
    return checks;
  }
}
