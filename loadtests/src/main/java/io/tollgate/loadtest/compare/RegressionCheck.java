package io.tollgate.loadtest.compare;

import io.tollgate.loadtest.metrics.TargetResult;
import io.tollgate.loadtest.result.PhaseResult;
import io.tollgate.loadtest.result.RunResult;

import java.util.ArrayList;
import java.util.List;

/**
 * Compares a new result with an old one, figure by figure: a regression is a latency (or the failure rate)
 * that got worse, or a throughput that fell, by more than the tolerance. Latencies and throughputs are
 * judged by relative change ({@code new > old × (1 + tolerance)}); the failure rate, a share, by absolute
 * change ({@code new > old + tolerance}). An optional floor ignores latency changes smaller than a few
 * milliseconds, where relative change is mostly noise. Phases are matched by position, targets by label.
 */
public final class RegressionCheck {

  /** One figure of one target in one phase, old and new. */
  public record Delta(String phase, String target, Figure figure, double oldValue, double newValue,
      boolean regressed) {

    /** Relative change (new − old) / old; for the failure rate, the absolute change. */
    public double change() {
      if (figure.absolute()) {
        return newValue - oldValue;
      }
      return oldValue == 0 ? Double.NaN : (newValue - oldValue) / oldValue;
    }
  }

  /** The outcome: every delta looked at, and the messages for results that could not be matched. */
  public record Report(List<Delta> deltas, List<String> problems) {

    public List<Delta> regressions() {
      return deltas.stream().filter(Delta::regressed).toList();
    }

    public boolean regressed() {
      return !regressions().isEmpty();
    }
  }

  private RegressionCheck() {
  }

  public static Report check(RunResult oldRun, RunResult newRun, double tolerance, double minDeltaMs) {
    if (!(tolerance >= 0)) {
      throw new IllegalArgumentException("tolerance must be >= 0");
    }
    List<Delta> deltas = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    if (oldRun.phases().size() != newRun.phases().size()) {
      problems.add("phase count differs (old " + oldRun.phases().size() + ", new " + newRun.phases().size()
          + "): comparing the first " + Math.min(oldRun.phases().size(), newRun.phases().size()));
    }
    for (int i = 0; i < Math.min(oldRun.phases().size(), newRun.phases().size()); i++) {
      PhaseResult oldPhase = oldRun.phases().get(i);
      PhaseResult newPhase = newRun.phases().get(i);
      for (TargetResult oldTarget : oldPhase.targets()) {
        TargetResult newTarget = newPhase.targets().stream()
            .filter(t -> t.label().equals(oldTarget.label())).findFirst().orElse(null);
        if (newTarget == null) {
          problems.add("phase '" + newPhase.name() + "': no target labelled '" + oldTarget.label() + "' in new");
          continue;
        }
        for (Figure figure : Figure.ALL) {
          double o = figure.of(oldTarget);
          double n = figure.of(newTarget);
          if (Double.isNaN(o) || Double.isNaN(n)) {
            continue;
          }
          deltas.add(new Delta(newPhase.name(), oldTarget.label(), figure, o, n,
              regressed(figure, o, n, tolerance, minDeltaMs)));
        }
      }
    }
    return new Report(deltas, problems);
  }

  static boolean regressed(Figure figure, double oldValue, double newValue, double tolerance, double minDeltaMs) {
    if (figure.absolute()) {
      return newValue > oldValue + tolerance;
    }
    if (figure.better() == Figure.Better.HIGHER) {
      return newValue < oldValue * (1 - tolerance);
    }
    boolean beyondTolerance = newValue > oldValue * (1 + tolerance);
    boolean beyondFloor = !"ms".equals(figure.unit()) || newValue - oldValue > minDeltaMs;
    return beyondTolerance && beyondFloor;
  }
}
