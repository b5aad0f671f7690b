package io.tollgate.loadtest.report;

import io.tollgate.loadtest.metrics.Summary;
import io.tollgate.loadtest.metrics.TargetResult;
import io.tollgate.loadtest.result.PhaseResult;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * The rows of a phase's figures table, shared by stdout, Markdown and HTML so the three always agree: label,
 * one value per target, and B / A when there are two.
 */
public final class FigureRows {

  /** One row; {@code section} rows are headings with no values. */
  public record Row(String label, List<String> values, String ratio, boolean section) {
  }

  private FigureRows() {
  }

  public static List<Row> of(PhaseResult phase) {
    List<TargetResult> t = phase.targets();
    List<Row> rows = new ArrayList<>();
    count(rows, t, "Successful requests", TargetResult::completed);
    count(rows, t, "Failed requests", TargetResult::failed);
    TreeSet<String> kinds = new TreeSet<>();
    t.forEach(r -> kinds.addAll(r.failures().keySet()));
    for (String kind : kinds) {
      count(rows, t, "  failed: " + kind, r -> r.failures().getOrDefault(kind, 0L));
    }
    if (t.stream().anyMatch(r -> r.aborted() > 0)) {
      count(rows, t, "Aborted by client (on purpose)", TargetResult::aborted);
    }
    if (phase.notSent().stream().anyMatch(n -> n > 0)) {
      List<String> values = new ArrayList<>();
      phase.notSent().forEach(n -> values.add(Long.toString(n)));
      rows.add(new Row("Arrived, never sent (duration ended)", values, "", false));
    }
    value(rows, t, "Benchmark duration (s)", TargetResult::durationSeconds, 2, false);
    count(rows, t, "Total input tokens", TargetResult::totalInputTokens);
    count(rows, t, "Total generated tokens", TargetResult::totalOutputTokens);
    value(rows, t, "Request throughput (req/s)", TargetResult::requestThroughput, 2, true);
    value(rows, t, "Output token throughput (tok/s)", TargetResult::outputThroughput, 2, true);
    value(rows, t, "Total token throughput (tok/s)", TargetResult::totalTokenThroughput, 2, true);
    if (t.stream().anyMatch(r -> !Double.isNaN(r.goodput()))) {
      value(rows, t, "Request goodput (req/s)", TargetResult::goodput, 2, true);
    }
    count(rows, t, "Peak concurrent requests", r -> r.peakConcurrency());
    if (t.stream().anyMatch(r -> r.estimatedOutputLengths() > 0)) {
      count(rows, t, "Output lengths counted from chunks (no usage)", TargetResult::estimatedOutputLengths);
    }
    latency(rows, t, "Time to First Token", "TTFT", TargetResult::ttft);
    latency(rows, t, "Time per Output Token (excl. 1st token)", "TPOT", TargetResult::tpot);
    latency(rows, t, "Inter-token Latency", "ITL", TargetResult::itl);
    latency(rows, t, "End-to-end Latency", "E2EL", TargetResult::e2el);
    return rows;
  }

  private static void count(List<Row> rows, List<TargetResult> t, String label,
      java.util.function.ToLongFunction<TargetResult> f) {
    List<String> values = new ArrayList<>();
    t.forEach(r -> values.add(Long.toString(f.applyAsLong(r))));
    rows.add(new Row(label, values, "", false));
  }

  private static void value(List<Row> rows, List<TargetResult> t, String label, ToDoubleFunction<TargetResult> f,
      int decimals, boolean ratio) {
    List<String> values = new ArrayList<>();
    t.forEach(r -> values.add(Fmt.num(f.applyAsDouble(r), decimals)));
    rows.add(new Row(label, values, ratio && t.size() == 2 ? ratio(f.applyAsDouble(t.get(0)),
        f.applyAsDouble(t.get(1))) : "", false));
  }

  private static void latency(List<Row> rows, List<TargetResult> t, String title, String name,
      java.util.function.Function<TargetResult, Summary> f) {
    rows.add(new Row(title, List.of(), "", true));
    String[][] stats = {{"mean", "Mean"}, {"median", "Median"}, {"p90", "P90"}, {"p99", "P99"}, {"std", "Std"}};
    for (String[] s : stats) {
      value(rows, t, s[1] + " " + name + " (ms)", r -> f.apply(r).get(s[0]), 2, !s[0].equals("std"));
    }
  }

  private static String ratio(double a, double b) {
    return Fmt.ratio(a == 0 || Double.isNaN(a) ? Double.NaN : b / a);
  }
}
