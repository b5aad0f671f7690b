package io.tollgate.loadtest.report;

import io.tollgate.loadtest.gateway.GatewayFigures;
import io.tollgate.loadtest.gateway.GatewaySample;
import io.tollgate.loadtest.gateway.Span;
import io.tollgate.loadtest.metrics.GoodputSlo;
import io.tollgate.loadtest.metrics.MetricsRecorder;
import io.tollgate.loadtest.metrics.TargetResult;
import io.tollgate.loadtest.client.RequestOutcome;
import io.tollgate.loadtest.metrics.Summary;
import io.tollgate.loadtest.result.Machine;
import io.tollgate.loadtest.result.PhaseResult;
import io.tollgate.loadtest.result.RunResult;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {

  private static TargetResult target(String label, long ttftMs) {
    MetricsRecorder recorder = new MetricsRecorder(label, "http://" + label, GoodputSlo.parse(List.of("ttft:50")), 0);
    for (int i = 0; i < 40; i++) {
      recorder.sent(0);
      long ttft = (ttftMs + i) * 1_000_000L;
      recorder.record(new RequestOutcome(0, 0, ttft + 50_000_000L + i * 100_000_000L, ttft, ttft + 40_000_000L,
          new long[] {10_000, 10_000, 10_000, 10_000}, 4, 5, true, 20, false, null));
    }
    return recorder.result();
  }

  static RunResult comparisonRun() {
    PhaseResult phase = new PhaseResult("concurrency 50", Double.POSITIVE_INFINITY, 1, 50,
        List.of(target("direct", 20), target("gateway", 21)), List.of(0L, 0L), Summary.EMPTY,
        new JsonObject().put("aborted", 0));
    GatewayFigures gateway = new GatewayFigures(42L, null, new Span(100, 120, 110), new Span(30, 60, 40),
        new Span(5, 6, 6), 2.5, 0.5, Double.NaN, Double.NaN, List.of(),
        List.of("no --gateway-metrics-url: event-loop lag n/a"),
        List.of(new GatewaySample(0, 100, 30, 5, 1, Double.NaN), new GatewaySample(1, 120, 60, 6, 2, Double.NaN)));
    return new RunResult("steady", "2026-01-01T00:00:00Z", "tollgate-loadtest run --base-url x",
        new Machine(2, "Linux", "amd64", "17", 1024, 0.5, 1.5), new JsonObject().put("k", 1), List.of(phase, phase), gateway,
        null, List.of("a note"));
  }

  @Test
  void jsonRoundTripKeepsEveryFigure(@TempDir Path dir) throws Exception {
    RunResult run = comparisonRun();
    ReportWriter.write(run, dir);
    RunResult back = ReportWriter.read(dir.resolve(ReportWriter.RESULT));
    assertEquals(run.toJson(), back.toJson());
    TargetResult t = back.phases().get(0).targets().get(1);
    assertEquals(40, t.completed());
    assertEquals(30, t.goodRequests(), "TTFTs 21..60 ms against ttft:50 → 21..50 are good");
  }

  @Test
  void writesThreeFiles(@TempDir Path dir) throws Exception {
    ReportWriter.write(comparisonRun(), dir);
    String html = Files.readString(dir.resolve(ReportWriter.HTML));
    assertTrue(html.contains("<svg"), "inline SVG plots");
    assertTrue(html.contains("CDF of TTFT"));
    assertTrue(html.contains("Output token throughput over time"));
    assertTrue(html.contains("TTFT percentiles"));
    assertFalse(html.contains("<script"), "no script");
    assertFalse(html.contains("http://cdn") || html.contains("https://"), "no external resource");
    String md = Files.readString(dir.resolve(ReportWriter.SUMMARY));
    assertTrue(md.contains("| phase | streams |"), md);
    assertTrue(md.contains("added TTFT p50"));
    String text = SummaryTable.render(comparisonRun());
    assertTrue(text.contains("Serving Benchmark Result"));
    assertTrue(text.contains("gateway/direct"));
  }

  @Test
  void niceTicks() {
    assertEquals(1, Svg.niceStep(0.8));
    assertEquals(2, Svg.niceStep(1.5));
    assertEquals(5, Svg.niceStep(3));
    assertEquals(10, Svg.niceStep(7));
    assertEquals(0.02, Svg.niceStep(0.013), 1e-12);
  }

  @Test
  void chartsCopeWithNoData() {
    String svg = Svg.lineChart("t", "x", "y", List.of(new Svg.Series("a", List.of())));
    assertTrue(svg.contains("no data"));
  }
}
