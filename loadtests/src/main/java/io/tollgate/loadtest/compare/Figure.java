package io.tollgate.loadtest.compare;

import io.tollgate.loadtest.metrics.TargetResult;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * A figure the comparison and the regression check look at, and which way is better.
 *
 * @param key    stable name in JSON and tables, e.g. {@code ttft_p99_ms}
 * @param better whether a larger value is better (throughputs) or worse (latencies, failure rate)
 */
public record Figure(String key, String unit, Better better, ToDoubleFunction<TargetResult> value) {

  public enum Better { LOWER, HIGHER }

  /** Every compared figure, in table order. */
  public static final List<Figure> ALL = build();

  public double of(TargetResult result) {
    return value.applyAsDouble(result);
  }

  /** Failure rate is a share in [0, 1]: it is judged by absolute difference, not by ratio. */
  public boolean absolute() {
    return key.equals("failure_rate");
  }

  private static List<Figure> build() {
    List<Figure> figures = new ArrayList<>();
    figures.add(new Figure("request_throughput", "req/s", Better.HIGHER, TargetResult::requestThroughput));
    figures.add(new Figure("output_throughput", "tok/s", Better.HIGHER, TargetResult::outputThroughput));
    figures.add(new Figure("total_token_throughput", "tok/s", Better.HIGHER, TargetResult::totalTokenThroughput));
    figures.add(new Figure("goodput", "req/s", Better.HIGHER, TargetResult::goodput));
    for (String metric : new String[] {"ttft", "tpot", "itl", "e2el"}) {
      for (String stat : new String[] {"mean", "median", "p90", "p99"}) {
        figures.add(new Figure(metric + "_" + stat + "_ms", "ms", Better.LOWER, r -> r.latency(metric).get(stat)));
      }
    }
    figures.add(new Figure("failure_rate", "share", Better.LOWER, TargetResult::failureRate));
    return List.copyOf(figures);
  }
}
