package io.tollgate.loadtest.compare;

import io.tollgate.loadtest.metrics.JsonNumbers;
import io.tollgate.loadtest.metrics.TargetResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Target B against target A over the same interleaved workload: each figure's ratio B / A, and what B adds in
 * absolute terms to the latencies that matter most. With A = the backend directly and B = the gateway in
 * front of it, the added TTFT is the gateway's overhead. Added latency is the difference of the percentiles
 * (p50 of B − p50 of A), not a percentile of per-request differences: requests are paired by prompt, not by
 * server state.
 */
public record Comparison(String labelA, String labelB, List<FigureRatio> figures, double addedTtftP50Ms,
    double addedTtftP99Ms, double addedItlP50Ms, double addedItlP99Ms, double addedE2elP50Ms) {

  public Comparison {
    figures = List.copyOf(figures);
  }

  public static Comparison of(TargetResult a, TargetResult b) {
    List<FigureRatio> ratios = new ArrayList<>();
    for (Figure f : Figure.ALL) {
      double va = f.of(a);
      double vb = f.of(b);
      ratios.add(new FigureRatio(f.key(), f.unit(), va, vb, FigureRatio.ratio(va, vb)));
    }
    return new Comparison(a.label(), b.label(), ratios, b.ttft().median() - a.ttft().median(),
        b.ttft().p99() - a.ttft().p99(), b.itl().median() - a.itl().median(), b.itl().p99() - a.itl().p99(),
        b.e2el().median() - a.e2el().median());
  }

  public FigureRatio figure(String key) {
    return figures.stream().filter(f -> f.key().equals(key)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no figure " + key));
  }

  public JsonObject toJson() {
    JsonArray f = new JsonArray();
    figures.forEach(x -> f.add(x.toJson()));
    return new JsonObject().put("a", labelA).put("b", labelB)
        .put("addedTtftP50Ms", JsonNumbers.finite(addedTtftP50Ms))
        .put("addedTtftP99Ms", JsonNumbers.finite(addedTtftP99Ms))
        .put("addedItlP50Ms", JsonNumbers.finite(addedItlP50Ms))
        .put("addedItlP99Ms", JsonNumbers.finite(addedItlP99Ms))
        .put("addedE2elP50Ms", JsonNumbers.finite(addedE2elP50Ms))
        .put("figures", f);
  }
}
