package io.tollgate.loadtest.report;

import io.tollgate.loadtest.compare.Comparison;
import io.tollgate.loadtest.metrics.TargetResult;
import io.tollgate.loadtest.result.PhaseResult;
import io.tollgate.loadtest.result.RunResult;

import java.util.ArrayList;
import java.util.List;

/**
 * One row per phase: the table to paste in a README. For a comparison, A and B side by side with what B
 * adds and B / A; for a single target, the figures that locate a knee.
 */
public final class PhaseTable {

  public record Table(List<String> header, List<List<String>> rows) {
  }

  private PhaseTable() {
  }

  public static Table of(RunResult run) {
    return run.comparison() ? comparison(run) : single(run);
  }

  private static Table comparison(RunResult run) {
    PhaseResult first = run.phases().get(0);
    String a = first.targets().get(0).label();
    String b = first.targets().get(1).label();
    List<String> header = List.of("phase", "streams", "TTFT p50 " + a, "TTFT p50 " + b, "added p50 (ms)",
        "TTFT p99 " + a, "TTFT p99 " + b, "added p99 (ms)", "ITL p50 " + a, "ITL p50 " + b, "tok/s " + a,
        "tok/s " + b, "tok/s " + b + "/" + a, "failed " + a + "/" + b);
    List<List<String>> rows = new ArrayList<>();
    for (PhaseResult phase : run.phases()) {
      TargetResult ra = phase.targets().get(0);
      TargetResult rb = phase.targets().get(1);
      Comparison c = run.comparison(phase);
      rows.add(List.of(phase.name(), streams(phase), Fmt.num(ra.ttft().median()), Fmt.num(rb.ttft().median()),
          Fmt.signed(c.addedTtftP50Ms()), Fmt.num(ra.ttft().p99()), Fmt.num(rb.ttft().p99()),
          Fmt.signed(c.addedTtftP99Ms()), Fmt.num(ra.itl().median()), Fmt.num(rb.itl().median()),
          Fmt.num(ra.outputThroughput(), 0), Fmt.num(rb.outputThroughput(), 0),
          Fmt.ratio(c.figure("output_throughput").ratio()), ra.failed() + "/" + rb.failed()));
    }
    return new Table(header, rows);
  }

  private static Table single(RunResult run) {
    List<String> header = List.of("phase", "offered (req/s)", "streams", "req/s", "goodput", "tok/s",
        "TTFT p50", "TTFT p99", "TPOT p50", "ITL p99", "E2EL p99", "failed");
    List<List<String>> rows = new ArrayList<>();
    for (PhaseResult phase : run.phases()) {
      TargetResult r = phase.targets().get(0);
      rows.add(List.of(phase.name(), Fmt.rate(phase.requestRate()), streams(phase), Fmt.num(r.requestThroughput()),
          Fmt.num(r.goodput()), Fmt.num(r.outputThroughput(), 0), Fmt.num(r.ttft().median()), Fmt.num(r.ttft().p99()),
          Fmt.num(r.tpot().median()), Fmt.num(r.itl().p99()), Fmt.num(r.e2el().p99()), Long.toString(r.failed())));
    }
    return new Table(header, rows);
  }

  private static String streams(PhaseResult phase) {
    int peak = phase.targets().stream().mapToInt(TargetResult::peakConcurrency).max().orElse(0);
    return phase.maxConcurrency() > 0 ? phase.maxConcurrency() + " (peak " + peak + ")" : "peak " + peak;
  }
}
