package io.tollgate.loadtest.report;

import io.tollgate.loadtest.compare.Comparison;
import io.tollgate.loadtest.compare.GatewayTargets;
import io.tollgate.loadtest.compare.TargetCheck;
import io.tollgate.loadtest.result.PhaseResult;
import io.tollgate.loadtest.result.RunResult;

import java.util.List;

/** One self-contained HTML file: tables and inline SVG plots, no script, no external resource. */
public final class HtmlReport {

  private HtmlReport() {
  }

  public static String render(RunResult run) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Tollgate load test: ")
        .append(Fmt.html(run.scenario())).append("</title>\n<style>\n")
        .append("body{font-family:sans-serif;margin:24px;max-width:1340px;color:#222}")
        .append("table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:3px 8px;")
        .append("text-align:right;font-size:13px}td:first-child,th:first-child{text-align:left}")
        .append("tr.section td{background:#f3f3f3;font-weight:bold;text-align:left}")
        .append(".met{color:#1a7f37}.missed{color:#c62828;font-weight:bold}.na{color:#777}")
        .append("code,pre{background:#f6f8fa;padding:2px 4px;font-size:12px}pre{padding:8px;overflow-x:auto}")
        .append(".charts{display:flex;flex-wrap:wrap;gap:8px}\n</style></head><body>\n");
    h.append("<h1>Tollgate load test: ").append(Fmt.html(run.scenario())).append("</h1>\n");
    h.append("<p>Started ").append(Fmt.html(run.startedAt())).append(" on ").append(run.machine().cores())
        .append(" cores, ").append(Fmt.html(run.machine().os())).append(", ").append(Fmt.html(run.machine().java()))
        .append("; 1-minute load average ").append(Fmt.num(run.machine().loadAverageBefore()))
        .append(" before, ").append(Fmt.num(run.machine().loadAverageAfter())).append(" after.</p>\n<pre>").append(Fmt.html(run.command())).append("</pre>\n");
    h.append("<details><summary>Settings</summary><pre>").append(Fmt.html(run.settings().encodePrettily()))
        .append("</pre></details>\n");
    List<TargetCheck> checks = GatewayTargets.evaluate(run);
    if (!checks.isEmpty()) {
      h.append("<h2>Gateway targets</h2>\n<table><tr><th>target</th><th>measured under</th><th>verdict</th></tr>\n");
      for (TargetCheck c : checks) {
        String cls = !c.known() ? "na" : c.met() ? "met" : "missed";
        h.append("<tr><td>").append(Fmt.html(c.target())).append("</td><td>").append(Fmt.html(c.where()))
            .append("</td><td class=\"").append(cls).append("\">").append(Fmt.html(c.verdict())).append("</td></tr>\n");
      }
      h.append("</table>\n");
    }
    if (!run.notes().isEmpty()) {
      h.append("<h2>Notes</h2><ul>\n");
      run.notes().forEach(n -> h.append("<li>").append(Fmt.html(n)).append("</li>\n"));
      h.append("</ul>\n");
    }
    if (run.phases().size() > 1) {
      h.append("<h2>All phases</h2>\n");
      PhaseTable.Table table = PhaseTable.of(run);
      h.append(table(table.header(), table.rows()));
      h.append("<div class=\"charts\">\n");
      Charts.acrossPhases(run).forEach(h::append);
      h.append("</div>\n");
    }
    if (run.ramp() != null) {
      h.append("<h2>Ramp</h2><p>").append(Fmt.html(run.ramp().getString("summary", ""))).append("</p>\n");
    }
    for (PhaseResult phase : run.phases()) {
      phase(h, run, phase);
    }
    if (run.gateway() != null) {
      h.append("<h2>Gateway process</h2>\n<table>\n");
      for (String[] line : GatewayLines.of(run.gateway())) {
        h.append("<tr><td>").append(Fmt.html(line[0])).append("</td><td>").append(Fmt.html(line[1]))
            .append("</td></tr>\n");
      }
      h.append("</table>\n<div class=\"charts\">\n");
      Charts.gateway(run.gateway()).forEach(h::append);
      h.append("</div>\n");
    }
    h.append("<p class=\"na\">Definitions follow vLLM's <code>bench serve</code>: see loadtests/README.md.</p>\n");
    return h.append("</body></html>\n").toString();
  }

  private static void phase(StringBuilder h, RunResult run, PhaseResult phase) {
    h.append("<h2>Phase: ").append(Fmt.html(phase.name())).append("</h2>\n<p>Request rate ")
        .append(Fmt.rate(phase.requestRate())).append(" req/s, burstiness ").append(Fmt.num(phase.burstiness()))
        .append(", max concurrency ").append(phase.maxConcurrency() > 0 ? phase.maxConcurrency() : "none")
        .append(". Load generator timer lag p99 ").append(Fmt.num(phase.clientLagMs().p99())).append(" ms, max ")
        .append(Fmt.num(phase.clientLagMs().max())).append(" ms.</p>\n");
    h.append("<table><tr><th>figure</th>");
    phase.targets().forEach(t -> h.append("<th>").append(Fmt.html(t.label())).append("</th>"));
    boolean two = phase.targets().size() == 2;
    if (two) {
      h.append("<th>").append(Fmt.html(phase.targets().get(1).label() + "/" + phase.targets().get(0).label()))
          .append("</th>");
    }
    h.append("</tr>\n");
    for (FigureRows.Row row : FigureRows.of(phase)) {
      if (row.section()) {
        h.append("<tr class=\"section\"><td colspan=\"").append(phase.targets().size() + (two ? 2 : 1))
            .append("\">").append(Fmt.html(row.label())).append("</td></tr>\n");
        continue;
      }
      h.append("<tr><td>").append(Fmt.html(row.label())).append("</td>");
      row.values().forEach(v -> h.append("<td>").append(Fmt.html(v)).append("</td>"));
      if (two) {
        h.append("<td>").append(Fmt.html(row.ratio())).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n");
    Comparison c = run.comparison(phase);
    if (c != null) {
      h.append("<p>").append(Fmt.html(c.labelB())).append(" adds to ").append(Fmt.html(c.labelA()))
          .append(": TTFT p50 ").append(Fmt.signed(c.addedTtftP50Ms())).append(" ms, p99 ")
          .append(Fmt.signed(c.addedTtftP99Ms())).append(" ms; ITL p50 ").append(Fmt.signed(c.addedItlP50Ms()))
          .append(" ms, p99 ").append(Fmt.signed(c.addedItlP99Ms())).append(" ms.</p>\n");
    }
    if (phase.serverStats() != null) {
      h.append("<p>Server counters during the phase (<code>/sim/stats</code>): <code>")
          .append(Fmt.html(phase.serverStats().encode())).append("</code></p>\n");
    }
    phase.targets().forEach(t -> t.failureExamples().forEach((kind, example) -> h.append("<p class=\"na\">")
        .append(Fmt.html(t.label() + " " + kind + ", e.g.: " + example)).append("</p>\n")));
    h.append("<div class=\"charts\">\n");
    Charts.phase(phase).forEach(h::append);
    h.append("</div>\n");
  }

  private static String table(List<String> header, List<List<String>> rows) {
    StringBuilder t = new StringBuilder("<table><tr>");
    header.forEach(x -> t.append("<th>").append(Fmt.html(x)).append("</th>"));
    t.append("</tr>\n");
    for (List<String> row : rows) {
      t.append("<tr>");
      row.forEach(x -> t.append("<td>").append(Fmt.html(x)).append("</td>"));
      t.append("</tr>\n");
    }
    return t.append("</table>\n").toString();
  }
}
