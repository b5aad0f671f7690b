package io.tollgate.loadtest.report;

import io.tollgate.loadtest.gateway.GatewayFigures;

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
    lines.add(new String[] {"RSS start / peak / end (MB)", Fmt.num(g.rssStartMb(), 1) + " / "
        + Fmt.num(g.rssPeakMb(), 1) + " / " + Fmt.num(g.rssEndMb(), 1)});
    lines.add(new String[] {"RSS growth (MB)", Fmt.num(g.rssGrowthMb(), 1)});
    lines.add(new String[] {"Heap used start / peak / end (MB)", Fmt.num(g.heapStartMb(), 1) + " / "
        + Fmt.num(g.heapPeakMb(), 1) + " / " + Fmt.num(g.heapEndMb(), 1)});
    lines.add(new String[] {"CPU time (s), average cores busy", Fmt.num(g.cpuSeconds(), 2) + ", "
        + Fmt.num(g.cpuCores(), 2)});
    lines.add(new String[] {"Event-loop lag max / mean (ms)", Fmt.num(g.eventLoopLagMaxMs(), 2) + " / "
        + Fmt.num(g.eventLoopLagMeanMs(), 2) + (g.lagMetrics().isEmpty() ? "" : "  " + g.lagMetrics())});
    for (String note : g.notes()) {
      lines.add(new String[] {"note", note});
    }
    return lines;
  }
}
