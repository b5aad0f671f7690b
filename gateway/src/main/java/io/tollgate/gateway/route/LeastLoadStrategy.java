package io.tollgate.gateway.route;

import io.tollgate.gateway.config.ModelRoute;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Least load, by {@link LoadScore} per unit of weight (a weight-3 backend has three times the
 * capacity, so the same load counts a third): among the backends within one request of the best
 * such score, two are drawn in proportion to weight and the lower score wins (power of two
 * choices). Picking among the best rather than the single best keeps several gateways (and one
 * gateway between scrapes) from all piling onto the same backend; this gateway's own choices count
 * at once, since {@code begin()} raises the chosen backend's in-flight count before the next
 * choice. With equal weights this is plain least-load.
 */
final class LeastLoadStrategy implements RoutingStrategy {

  static final LeastLoadStrategy INSTANCE = new LeastLoadStrategy();

  @Override
  public int pick(RoutePlan plan, long eligible, long usable, long affinity, long nowNanos) {
    if (Long.bitCount(eligible) == 1) {
      return Long.numberOfTrailingZeros(eligible);
    }
    BackendState[] members = plan.members();
    int[] weights = plan.weights();
    ModelRoute.Scoring scoring = plan.route().strategy().scoring();
    long stale = plan.staleAfterNanos();
    double best = Double.MAX_VALUE;
    for (long rest = eligible; rest != 0; rest &= rest - 1) {
      int i = Long.numberOfTrailingZeros(rest);
      best = Math.min(best, LoadScore.of(members[i], scoring, nowNanos, stale) / weight(weights, i));
    }
    double oneRequest = Math.max(scoring.inFlightWeight(), 1e-9);
    // A weighted sample of two among the near-best, in one pass and without allocation
    // (Efraimidis–Spirakis: each draws the key ln(u) / weight, the two largest keys win).
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int first = -1;
    int second = -1;
    double firstKey = Double.NEGATIVE_INFINITY;
    double secondKey = Double.NEGATIVE_INFINITY;
    double firstScore = 0;
    double secondScore = 0;
    for (long rest = eligible; rest != 0; rest &= rest - 1) {
      int i = Long.numberOfTrailingZeros(rest);
      int weight = weight(weights, i);
      double score = LoadScore.of(members[i], scoring, nowNanos, stale) / weight;
      if (score > best + oneRequest / weight) {
        continue; // more than one of its own requests above the best
      }
      double key = Math.log(1.0 - random.nextDouble()) / weight; // 1 - [0, 1) is (0, 1]: no log(0)
      if (key > firstKey) {
        second = first;
        secondKey = firstKey;
        secondScore = firstScore;
        first = i;
        firstKey = key;
        firstScore = score;
      } else if (key > secondKey) {
        second = i;
        secondKey = key;
        secondScore = score;
      }
    }
    if (first < 0) {
      return Long.numberOfTrailingZeros(eligible); // loads moved between the passes: any will do
    }
    if (second < 0) {
      return first;
    }
    // On a tie, the holder of the largest key: that alone is a draw in proportion to weight, so
    // when every candidate carries the same load per unit of capacity, each takes its share exactly.
    return secondScore < firstScore ? second : first;
  }

  /** Eligible members have weights above 0; a route built in code with zeros counts them as 1. */
  private static int weight(int[] weights, int index) {
    return Math.max(weights[index], 1);
  }
}
