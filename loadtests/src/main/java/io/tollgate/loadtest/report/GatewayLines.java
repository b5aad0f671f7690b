package io.tollgate.loadtest.report;

import io.tollgate.loadtest.gateway.GatewayFigures;
import io.tollgate.loadtest.gateway.Span;

import java.util.ArrayList;
import java.util.List;

/** The gateway process figures as label/value lines, shared by every report format. */
final class GatewayLines {

  private GatewayLines() {
  }

  static List<String[]> of(GatewayFigures g) {
    List<String[]> lines = new ArrayList<>();
    lines.add(new String[] {"pid / metrics URL", (g.pid() == null ? "n/a" : g.pid().toString()) + " / "
        + (g.metricsUrl() == null ? "n/a" : g.metricsUrl())});
    lines.add(span("RSS", g.rssMb()));
    lines.add(new String[] {"RSS growth (MB)", Fmt.num(g.rssGrowthMb(), 1)});
    lines.add(span("Heap used (incl. garbage)", g.heapUsedMb()));
    lines.add(span("Old generation (survives GC)", g.oldGenMb()));
    lines.add(new String[] {"CPU time (s), average cores busy", Fmt.num(g.cpuSeconds(), 2) + ", "
        + Fmt.num(g.cpuCores(), 2)});
    lines.add(new String[] {"Event-loop lag max / mean (ms)", Fmt.num(g.eventLoopLagMaxMs(), 2) + " / "
        + Fmt.num(g.eventLoopLagMeanMs(), 2) + (g.lagMetrics().isEmpty() ? "" : "  " + g.lagMetrics())});
    for (String note : g.notes()) {
      lines.add(new String[] {"note", note});
    }
    return lines;
  }

  private static String[] span(String what, Span s) {
    return new String[] {what + " start / peak / end (MB)", Fmt.num(s.start(), 1) + " / " + Fmt.num(s.peak(), 1)
        + " / " + Fmt.num(s.end(), 1)};
  }
}
