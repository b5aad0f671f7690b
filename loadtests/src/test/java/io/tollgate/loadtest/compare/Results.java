package io.tollgate.loadtest.compare;

import io.tollgate.loadtest.metrics.Summary;
import io.tollgate.loadtest.metrics.TargetResult;
import io.tollgate.loadtest.result.Machine;
import io.tollgate.loadtest.result.PhaseResult;
import io.tollgate.loadtest.result.RunResult;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/** Hand-made results for the comparison and regression tests. */
final class Results {

  private Results() {
  }

  /** A summary whose every percentile scales from one number: median m, p90 1.5m, p99 2m, mean 1.1m. */
  static Summary latency(double median) {
    return new Summary(100, median * 1.1, median / 4, median, median * 1.5, median * 2, median * 3, median / 2,
        median * 4);
  }

  static TargetResult target(String label, double ttftMedian, double itlMedian, double outputThroughput,
      long completed, long failed) {
    return new TargetResult(label, "http://" + label, 10, completed + failed, completed, failed, 0, 1000, 5000,
        completed / 10.0, outputThroughput, outputThroughput + 100, Double.NaN, 0, 50, 0,
        failed > 0 ? Map.of("http_503", failed) : Map.of(), Map.of(), latency(ttftMedian), latency(itlMedian * 1.2),
        latency(itlMedian), latency(ttftMedian * 10), List.of(), List.of(), Map.of());
  }

  static RunResult run(TargetResult... targets) {
    PhaseResult phase = new PhaseResult("steady", 10, 1, 0, List.of(targets), List.of(0L, 0L).subList(0,
        targets.length), Summary.EMPTY, null);
    return new RunResult("steady", "2026-01-01T00:00:00Z", "test", new Machine(2, "Linux", "amd64", "17", 1024, 0.5, 1.5),
        new JsonObject(), List.of(phase), null, null, List.of());
  }
}
