package io.tollgate.loadtest.report;

import io.tollgate.loadtest.compare.Comparison;
import io.tollgate.loadtest.compare.GatewayTargets;
import io.tollgate.loadtest.compare.TargetCheck;
import io.tollgate.loadtest.gateway.GatewayFigures;
import io.tollgate.loadtest.metrics.TargetResult;
import io.tollgate.loadtest.result.PhaseResult;
import io.tollgate.loadtest.result.RunResult;

import java.util.ArrayList;
import java.util.List;

/** The plain-text summary printed on stdout, laid out like vLLM's "Serving Benchmark Result". */
public final class SummaryTable {

  private static final int LABEL_WIDTH = 46;
  private static final int VALUE_WIDTH = 14;

  private SummaryTable() {
  }

  public static String render(RunResult run) {
    StringBuilder out = new StringBuilder();
    for (PhaseResult phase : run.phases()) {
      phase(out, run, phase);
    }
    if (run.phases().size() > 1) {
      out.append('\n').append(center("All phases")).append('\n');
      PhaseTable.Table table = PhaseTable.of(run);
      out.append(grid(table.header(), table.rows()));
    }
    GatewayFigures g = run.gateway();
    if (g != null) {
      out.append(center("Gateway process")).append('\n');
      for (String[] line : GatewayLines.of(g)) {
        out.append(pad(line[0], LABEL_WIDTH)).append(line[1]).append('\n');
      }
    }
    if (run.ramp() != null) {
      out.append(center("Ramp")).append('\n');
      out.append(run.ramp().getString("summary", "")).append('\n');
    }
    List<TargetCheck> checks = GatewayTargets.evaluate(run);
    if (!checks.isEmpty()) {
      out.append(center("Gateway targets")).append('\n');
      for (TargetCheck c : checks) {
        out.append("- ").append(c.target()).append(" [").append(c.where()).append("]: ").append(c.verdict())
            .append('\n');
      }
    }
    for (String note : run.notes()) {
      out.append("note: ").append(note).append('\n');
    }
    out.append("=".repeat(LABEL_WIDTH + VALUE_WIDTH * 3)).append('\n');
    return out.toString();
  }

  private static void phase(StringBuilder out, RunResult run, PhaseResult phase) {
    List<TargetResult> targets = phase.targets();
    out.append(center(" Serving Benchmark Result: " + phase.name() + " ")).append('\n');
    out.append(pad("Request rate (req/s), burstiness", LABEL_WIDTH)).append(Fmt.rate(phase.requestRate()))
        .append(", ").append(Fmt.num(phase.burstiness(), 2)).append('\n');
    out.append(pad("Max concurrency", LABEL_WIDTH))
        .append(phase.maxConcurrency() > 0 ? Integer.toString(phase.maxConcurrency()) : "none").append('\n');
    if (targets.size() > 1) {
      StringBuilder header = new StringBuilder(pad("", LABEL_WIDTH));
      targets.forEach(t -> header.append(leftPad(t.label(), VALUE_WIDTH)));
      header.append(leftPad(targets.get(1).label() + "/" + targets.get(0).label(), VALUE_WIDTH));
      out.append(header).append('\n');
    }
    for (FigureRows.Row row : FigureRows.of(phase)) {
      if (row.section()) {
        out.append(center(row.label())).append('\n');
        continue;
      }
      StringBuilder line = new StringBuilder(pad(row.label() + ":", LABEL_WIDTH));
      row.values().forEach(v -> line.append(leftPad(v, VALUE_WIDTH)));
      if (targets.size() > 1) {
        line.append(leftPad(row.ratio(), VALUE_WIDTH));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    Comparison c = run.comparison(phase);
    if (c != null) {
      out.append(center("What " + c.labelB() + " adds to " + c.labelA())).append('\n');
      out.append(pad("Added TTFT p50 / p99 (ms):", LABEL_WIDTH)).append(Fmt.signed(c.addedTtftP50Ms())).append(" / ")
          .append(Fmt.signed(c.addedTtftP99Ms())).append('\n');
      out.append(pad("Added ITL p50 / p99 (ms):", LABEL_WIDTH)).append(Fmt.signed(c.addedItlP50Ms())).append(" / ")
          .append(Fmt.signed(c.addedItlP99Ms())).append('\n');
      out.append(pad("Added E2EL p50 (ms):", LABEL_WIDTH)).append(Fmt.signed(c.addedE2elP50Ms())).append('\n');
    }
    out.append(pad("Load generator timer lag p99 / max (ms):", LABEL_WIDTH)).append(Fmt.num(phase.clientLagMs().p99()))
        .append(" / ").append(Fmt.num(phase.clientLagMs().max())).append('\n');
    if (phase.serverStats() != null) {
      out.append(pad("Server (/sim/stats) during phase:", LABEL_WIDTH)).append(phase.serverStats().encode())
          .append('\n');
    }
    for (TargetResult t : targets) {
      t.failureExamples().forEach((kind, example) -> out.append("  e.g. ").append(t.label()).append(' ')
          .append(kind).append(": ").append(example).append('\n'));
    }
  }

  static String grid(List<String> header, List<List<String>> rows) {
    int[] widths = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      widths[i] = header.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        sb.append(i == 0 ? pad(row.get(i), widths[i]) : leftPad(row.get(i), widths[i] + 2));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String center(String title) {
    int width = LABEL_WIDTH + VALUE_WIDTH * 3;
    int fill = Math.max(2, width - title.length());
    return "-".repeat(fill / 2) + title + "-".repeat(fill - fill / 2);
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
  }

  private static String leftPad(String s, int width) {
    return s.length() >= width ? " " + s : " ".repeat(width - s.length()) + s;
  }
}
