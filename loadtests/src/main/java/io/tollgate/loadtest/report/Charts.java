package io.tollgate.loadtest.report;

import io.tollgate.loadtest.compare.Comparison;
import io.tollgate.loadtest.gateway.GatewayFigures;
import io.tollgate.loadtest.gateway.GatewaySample;
import io.tollgate.loadtest.metrics.TargetResult;
import io.tollgate.loadtest.metrics.TimelinePoint;
import io.tollgate.loadtest.result.PhaseResult;
import io.tollgate.loadtest.result.RunResult;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** The report's plots, built from a result alone (so an old result.json can be re-rendered). */
final class Charts {

  private Charts() {
  }

  static List<String> phase(PhaseResult phase) {
    List<String> charts = new ArrayList<>();
    List<String> names = phase.targets().stream().map(TargetResult::label).toList();
    List<String> percentiles = List.of("p50", "p90", "p99", "p99.9");
    for (String[] metric : new String[][] {{"ttft", "TTFT"}, {"tpot", "TPOT"}, {"itl", "ITL"}, {"e2el", "E2EL"}}) {
      double[][] values = new double[percentiles.size()][names.size()];
      for (int p = 0; p < percentiles.size(); p++) {
        for (int t = 0; t < names.size(); t++) {
          values[p][t] = phase.targets().get(t).latency(metric[0]).get(percentiles.get(p));
        }
      }
      charts.add(Svg.barChart(metric[1] + " percentiles", "ms", percentiles, names, values));
    }
    charts.add(Svg.lineChart("Output token throughput over time", "seconds since start", "tokens/s",
        timelineSeries(phase, p -> p.outputTokens())));
    charts.add(Svg.lineChart("Requests completed and streams in flight", "seconds since start", "requests",
        completedAndInFlight(phase)));
    List<Svg.Series> cdf = new ArrayList<>();
    for (TargetResult t : phase.targets()) {
      cdf.add(new Svg.Series(t.label(), t.ttftCdf()));
    }
    charts.add(Svg.lineChart("CDF of TTFT", "TTFT (ms)", "fraction of requests", cdf));
    return charts;
  }

  private static List<Svg.Series> timelineSeries(PhaseResult phase, ToDoubleFunction<TimelinePoint> f) {
    List<Svg.Series> series = new ArrayList<>();
    for (TargetResult t : phase.targets()) {
      List<double[]> points = new ArrayList<>();
      for (TimelinePoint p : t.timeline()) {
        points.add(new double[] {p.t() + 0.5, f.applyAsDouble(p)});
      }
      series.add(new Svg.Series(t.label(), points));
    }
    return series;
  }

  private static List<Svg.Series> completedAndInFlight(PhaseResult phase) {
    List<Svg.Series> series = new ArrayList<>();
    for (TargetResult t : phase.targets()) {
      List<double[]> done = new ArrayList<>();
      List<double[]> flying = new ArrayList<>();
      for (TimelinePoint p : t.timeline()) {
        done.add(new double[] {p.t() + 0.5, p.completed()});
        flying.add(new double[] {p.t() + 0.5, p.inFlight()});
      }
      series.add(new Svg.Series(t.label() + " completed/s", done));
      series.add(new Svg.Series(t.label() + " in flight", flying));
    }
    return series;
  }

  static List<String> gateway(GatewayFigures g) {
    List<String> charts = new ArrayList<>();
    List<double[]> rss = new ArrayList<>();
    List<double[]> heap = new ArrayList<>();
    List<double[]> oldGen = new ArrayList<>();
    List<double[]> lag = new ArrayList<>();
    List<double[]> cores = new ArrayList<>();
    GatewaySample previous = null;
    for (GatewaySample s : g.samples()) {
      rss.add(new double[] {s.seconds(), s.rssMb()});
      heap.add(new double[] {s.seconds(), s.heapUsedMb()});
      oldGen.add(new double[] {s.seconds(), s.oldGenMb()});
      lag.add(new double[] {s.seconds(), s.eventLoopLagMs()});
      if (previous != null && s.seconds() > previous.seconds()) {
        cores.add(new double[] {s.seconds(), (s.cpuSeconds() - previous.cpuSeconds()) / (s.seconds() - previous.seconds())});
      }
      previous = s;
    }
    charts.add(Svg.lineChart("Gateway memory", "seconds since sampling began", "MB",
        List.of(new Svg.Series("RSS", rss), new Svg.Series("heap used", heap),
            new Svg.Series("old gen", oldGen))));
    charts.add(Svg.lineChart("Gateway CPU", "seconds since sampling began", "cores busy",
        List.of(new Svg.Series("CPU", cores))));
    if (lag.stream().anyMatch(p -> Double.isFinite(p[1]))) {
      charts.add(Svg.lineChart("Gateway event-loop lag", "seconds since sampling began", "ms",
          List.of(new Svg.Series("lag", lag))));
    }
    return charts;
  }

  /** Across phases: ramp steps (by offered rate) or a concurrency sweep (by phase). */
  static List<String> acrossPhases(RunResult run) {
    List<String> charts = new ArrayList<>();
    if (run.phases().size() < 2) {
      return charts;
    }
    List<String> names = run.phases().stream().map(PhaseResult::name).toList();
    if (run.comparison()) {
      double[][] added = new double[names.size()][2];
      double[][] throughput = new double[names.size()][2];
      for (int i = 0; i < names.size(); i++) {
        Comparison c = run.comparison(run.phases().get(i));
        added[i][0] = c.addedTtftP50Ms();
        added[i][1] = c.addedTtftP99Ms();
        throughput[i][0] = run.phases().get(i).targets().get(0).outputThroughput();
        throughput[i][1] = run.phases().get(i).targets().get(1).outputThroughput();
      }
      charts.add(Svg.barChart("Added TTFT by phase", "ms", names, List.of("added p50", "added p99"), added));
      List<String> labels = run.phases().get(0).targets().stream().map(TargetResult::label).toList();
      charts.add(Svg.barChart("Output token throughput by phase", "tokens/s", names, labels, throughput));
      return charts;
    }
    List<double[]> offered = new ArrayList<>();
    List<double[]> achieved = new ArrayList<>();
    List<double[]> goodput = new ArrayList<>();
    List<double[]> ttftP99 = new ArrayList<>();
    for (PhaseResult p : run.phases()) {
      if (!Double.isFinite(p.requestRate())) {
        continue;
      }
      TargetResult t = p.targets().get(0);
      offered.add(new double[] {p.requestRate(), p.requestRate()});
      achieved.add(new double[] {p.requestRate(), t.requestThroughput()});
      goodput.add(new double[] {p.requestRate(), t.goodput()});
      ttftP99.add(new double[] {p.requestRate(), t.ttft().p99()});
    }
    charts.add(Svg.lineChart("Throughput and goodput vs offered rate", "offered rate (req/s)", "req/s",
        List.of(new Svg.Series("offered", offered), new Svg.Series("completed", achieved),
            new Svg.Series("goodput", goodput))));
    charts.add(Svg.lineChart("TTFT p99 vs offered rate", "offered rate (req/s)", "ms",
        List.of(new Svg.Series("TTFT p99", ttftP99))));
    return charts;
  }
}
