package io.tollgate.loadtest.report;

import io.tollgate.loadtest.compare.Comparison;
import io.tollgate.loadtest.compare.GatewayTargets;
import io.tollgate.loadtest.compare.TargetCheck;
import io.tollgate.loadtest.result.PhaseResult;
import io.tollgate.loadtest.result.RunResult;

import java.util.ArrayList;
import java.util.List;

/** summary.md: the tables in Markdown, ready to paste into a README or a pull request. */
public final class MarkdownReport {

  private MarkdownReport() {
  }

  public static String render(RunResult run) {
    StringBuilder md = new StringBuilder();
    md.append("# Tollgate load test: ").append(run.scenario()).append("\n\n");
    md.append("Started ").append(run.startedAt()).append(" on a machine with ").append(run.machine().cores())
        .append(" cores (").append(run.machine().os()).append(", ").append(run.machine().java())
        .append("); 1-minute load average ").append(Fmt.num(run.machine().loadAverageBefore())).append(" before, ")
        .append(Fmt.num(run.machine().loadAverageAfter())).append(" after.\n\n");
    md.append("```\n").append(run.command()).append("\n```\n\n");
    if (run.phases().size() > 1 || run.comparison()) {
      md.append("## Summary\n\n");
      PhaseTable.Table table = PhaseTable.of(run);
      md.append(table(table.header(), table.rows())).append('\n');
    }
    List<TargetCheck> checks = GatewayTargets.evaluate(run);
    if (!checks.isEmpty()) {
      md.append("## Gateway targets\n\n");
      List<List<String>> rows = new ArrayList<>();
      for (TargetCheck c : checks) {
        rows.add(List.of(c.target(), c.where(), c.verdict()));
      }
      md.append(table(List.of("target", "measured under", "verdict"), rows)).append('\n');
    }
    if (run.ramp() != null) {
      md.append("## Ramp\n\n").append(run.ramp().getString("summary", "")).append("\n\n");
    }
    if (run.gateway() != null) {
      md.append("## Gateway process\n\n");
      List<List<String>> rows = new ArrayList<>();
      GatewayLines.of(run.gateway()).forEach(l -> rows.add(List.of(l[0], l[1])));
      md.append(table(List.of("figure", "value"), rows)).append('\n');
    }
    for (PhaseResult phase : run.phases()) {
      md.append("## Phase: ").append(phase.name()).append("\n\n");
      md.append("Request rate ").append(Fmt.rate(phase.requestRate())).append(" req/s, burstiness ")
          .append(Fmt.num(phase.burstiness())).append(", max concurrency ")
          .append(phase.maxConcurrency() > 0 ? Integer.toString(phase.maxConcurrency()) : "none").append(".\n\n");
      List<String> header = new ArrayList<>();
      header.add("figure");
      phase.targets().forEach(t -> header.add(t.label()));
      boolean two = phase.targets().size() == 2;
      if (two) {
        header.add(phase.targets().get(1).label() + "/" + phase.targets().get(0).label());
      }
      List<List<String>> rows = new ArrayList<>();
      for (FigureRows.Row row : FigureRows.of(phase)) {
        List<String> cells = new ArrayList<>();
        cells.add(row.section() ? "**" + row.label() + "**" : row.label());
        if (row.section()) {
          for (int i = 1; i < header.size(); i++) {
            cells.add("");
          }
        } else {
          cells.addAll(row.values());
          if (two) {
            cells.add(row.ratio());
          }
        }
        rows.add(cells);
      }
      md.append(table(header, rows)).append('\n');
      Comparison c = run.comparison(phase);
      if (c != null) {
        md.append(c.labelB()).append(" adds to ").append(c.labelA()).append(": TTFT p50 ")
            .append(Fmt.signed(c.addedTtftP50Ms())).append(" ms, p99 ").append(Fmt.signed(c.addedTtftP99Ms()))
            .append(" ms; ITL p50 ").append(Fmt.signed(c.addedItlP50Ms())).append(" ms, p99 ")
            .append(Fmt.signed(c.addedItlP99Ms())).append(" ms.\n\n");
      }
      md.append("Load generator timer lag p99 ").append(Fmt.num(phase.clientLagMs().p99())).append(" ms.\n\n");
    }
    if (!run.notes().isEmpty()) {
      md.append("## Notes\n\n");
      run.notes().forEach(n -> md.append("- ").append(n).append('\n'));
      md.append('\n');
    }
    md.append("Plots: report.html. Raw figures: result.json.\n");
    return md.toString();
  }

  /** Numbers align right; text (verdicts, notes) reads better aligned left. */
  private static boolean numeric(List<List<String>> rows, int column) {
    for (List<String> row : rows) {
      String cell = row.get(column);
      if (!cell.isEmpty() && !cell.equals("n/a") && !Character.isDigit(cell.charAt(0)) && cell.charAt(0) != '+'
          && cell.charAt(0) != '-') {
        return false;
      }
    }
    return true;
  }

  static String table(List<String> header, List<List<String>> rows) {
    StringBuilder t = new StringBuilder();
    t.append("| ").append(String.join(" | ", header)).append(" |\n|");
    for (int i = 0; i < header.size(); i++) {
      t.append(i > 0 && numeric(rows, i) ? " ---: |" : " --- |");
    }
    t.append('\n');
    for (List<String> row : rows) {
      t.append("| ").append(String.join(" | ", row.stream().map(s -> s.replace("|", "\\|")).toList())).append(" |\n");
    }
    return t.toString();
  }
}
