package io.tollgate.gateway.route;

import io.tollgate.gateway.config.ModelRoute;

import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Watches one route's canary against its stable side over a sliding window, and rolls it back
 * (its weight goes to 0) when the canary's error rate exceeds the stable side's by more than the
 * bound, or its p95 TTFT is more than the bound times the stable side's. The decision is logged,
 * counted, and kept until the canary's config changes (an unrelated reload does not revive it).
 *
 * <p>Recording is lock-free; the judgement runs on the recording thread at most every
 * {@link #CHECK_EVERY_MILLIS}, so its cost (summing the window) is not paid per request.
 */
final class CanaryJudge {

  private static final Logger LOG = Logger.getLogger(CanaryJudge.class.getName());
  static final long CHECK_EVERY_MILLIS = 100;
  private static final int BUCKETS = 20;
  /** TTFT histogram: quarter-octave bins from 1 ms, the last one open-ended. */
  private static final int TTFT_BINS = 72;
  private static final int REQUESTS = 0;
  private static final int ERRORS = 1;
  private static final int TTFTS = 2;
  private static final int FIRST_BIN = 3;

  /** Figures of one side over the window. */
  record SideStats(long requests, long errors, long ttftSamples, double ttftP95Millis) {
    double errorRate() {
      return requests == 0 ? 0 : (double) errors / requests;
    }
  }

  /** Why and when the canary was rolled back. */
  record Decision(Instant at, String reason, SideStats stable, SideStats canary) {
  }

  private final String routeName;
  private final ModelRoute.Canary spec;
  private final WindowedCounts stable;
  private final WindowedCounts canary;
  private final AtomicLong lastCheck = new AtomicLong(Long.MIN_VALUE / 2);
  private volatile Decision decision;

  CanaryJudge(String routeName, ModelRoute.Canary spec) {
    this.routeName = routeName;
    this.spec = spec;
    this.stable = new WindowedCounts(spec.rollback().windowMs(), BUCKETS, FIRST_BIN + TTFT_BINS);
    this.canary = new WindowedCounts(spec.rollback().windowMs(), BUCKETS, FIRST_BIN + TTFT_BINS);
  }

  ModelRoute.Canary spec() {
    return spec;
  }

  /** The canary's share now: its configured weight, or 0 once rolled back. */
  int weight() {
    return decision == null ? spec.weight() : 0;
  }

  Decision decision() {
    return decision;
  }

  /**
   * One attempt's outcome.
   *
   * @param onCanary   which side served it
   * @param failed     the backend failed it (5xx, connect error, timeout, broken stream)
   * @param ttftMillis its time to first token, NaN when none came
   * @return the rollback decision if this outcome caused it, else null
   */
  Decision record(boolean onCanary, boolean failed, double ttftMillis, long nowMillis) {
    WindowedCounts side = onCanary ? canary : stable;
    side.add(nowMillis, REQUESTS, 1);
    if (failed) {
      side.add(nowMillis, ERRORS, 1);
    }
    if (ttftMillis >= 0) {
      side.add(nowMillis, TTFTS, 1);
      side.add(nowMillis, FIRST_BIN + bin(ttftMillis), 1);
    }
    long last = lastCheck.get();
    if (decision == null && nowMillis - last >= CHECK_EVERY_MILLIS && lastCheck.compareAndSet(last, nowMillis)) {
      return judge(nowMillis);
    }
    return null;
  }

  /** Compares the sides now; rolls back when the canary is out of bounds. */
  Decision judge(long nowMillis) {
    SideStats c = stats(canary, nowMillis);
    if (decision != null || c.requests() < spec.rollback().minRequests()) {
      return null;
    }
    SideStats s = stats(stable, nowMillis);
    ModelRoute.Rollback bounds = spec.rollback();
    String reason = null;
    if (c.errorRate() - s.errorRate() > bounds.maxErrorRateIncrease()) {
      reason = String.format(Locale.ROOT, "error rate %.3f vs stable %.3f (bound +%.3f)",
          c.errorRate(), s.errorRate(), bounds.maxErrorRateIncrease());
    } else if (c.ttftSamples() >= bounds.minRequests() && s.ttftSamples() >= bounds.minRequests()
        && c.ttftP95Millis() > Math.max(s.ttftP95Millis() * bounds.maxTtftP95Ratio(),
            s.ttftP95Millis() + bounds.minTtftP95DeltaMs())) {
      reason = String.format(Locale.ROOT, "p95 TTFT %.0f ms vs stable %.0f ms (bound ×%.2f or +%d ms)",
          c.ttftP95Millis(), s.ttftP95Millis(), bounds.maxTtftP95Ratio(), bounds.minTtftP95DeltaMs());
    }
    if (reason == null) {
      return null;
    }
    Decision made = new Decision(Instant.ofEpochMilli(nowMillis), reason, s, c);
    synchronized (this) { // once: two threads judging at the same instant must not both decide
      if (decision != null) {
        return null;
      }
      decision = made;
    }
    LOG.warning(() -> "canary of model " + routeName + " rolled back (weight " + spec.weight() + " → 0): "
        + made.reason() + "; canary " + c + ", stable " + s);
    return made;
  }

  SideStats stableStats(long nowMillis) {
    return stats(stable, nowMillis);
  }

  SideStats canaryStats(long nowMillis) {
    return stats(canary, nowMillis);
  }

  private static SideStats stats(WindowedCounts side, long nowMillis) {
    long samples = side.sum(nowMillis, TTFTS);
    double p95 = Double.NaN;
    if (samples > 0) {
      long rank = (long) Math.ceil(0.95 * samples);
      long seen = 0;
      for (int bin = 0; bin < TTFT_BINS; bin++) {
        seen += side.sum(nowMillis, FIRST_BIN + bin);
        if (seen >= rank) {
          p95 = upperBound(bin);
          break;
        }
      }
    }
    return new SideStats(side.sum(nowMillis, REQUESTS), side.sum(nowMillis, ERRORS), samples, p95);
  }

  static int bin(double millis) {
    if (millis <= 1) {
      return 0;
    }
    return (int) Math.min(TTFT_BINS - 1, Math.ceil(4 * Math.log(millis) / Math.log(2)));
  }

  static double upperBound(int bin) {
    return Math.pow(2, bin / 4.0);
  }
}
