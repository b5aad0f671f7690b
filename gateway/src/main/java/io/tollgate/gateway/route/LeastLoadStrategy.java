package io.tollgate.gateway.route;

import io.tollgate.gateway.config.ModelRoute;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Least load, by {@link LoadScore}: among the backends within one request's weight of the best
 * score, two are drawn at random and the lower score wins (power of two choices). Picking among
 * the best rather than the single best keeps several gateways (and one gateway between scrapes)
 * from all piling onto the same backend; this gateway's own choices count at once, since
 * {@code begin()} raises the chosen backend's in-flight count before the next choice.
 */
final class LeastLoadStrategy implements RoutingStrategy {

  static final LeastLoadStrategy INSTANCE = new LeastLoadStrategy();

  @Override
  public int pick(RoutePlan plan, long eligible, long usable, long affinity, long nowNanos) {
    if (Long.bitCount(eligible) == 1) {
      return Long.numberOfTrailingZeros(eligible);
    }
    BackendState[] members = plan.members();
    ModelRoute.Scoring weights = plan.route().strategy().scoring();
    long stale = plan.staleAfterNanos();
    double best = Double.MAX_VALUE;
    for (long rest = eligible; rest != 0; rest &= rest - 1) {
      int i = Long.numberOfTrailingZeros(rest);
      best = Math.min(best, LoadScore.of(members[i], weights, nowNanos, stale));
    }
    double bound = best + Math.max(weights.inFlightWeight(), 1e-9);
    // Reservoir sampling of two among the near-best, in one pass and without allocation.
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int first = -1;
    int second = -1;
    double firstScore = 0;
    double secondScore = 0;
    int seen = 0;
    for (long rest = eligible; rest != 0; rest &= rest - 1) {
      int i = Long.numberOfTrailingZeros(rest);
      double score = LoadScore.of(members[i], weights, nowNanos, stale);
      if (score > bound) {
        continue;
      }
      seen++;
      if (seen == 1) {
        first = i;
        firstScore = score;
      } else if (seen == 2) {
        second = i;
        secondScore = score;
      } else {
        int slot = random.nextInt(seen);
        if (slot == 0) {
          first = i;
          firstScore = score;
        } else if (slot == 1) {
          second = i;
          secondScore = score;
        }
      }
    }
    if (first < 0) {
      return Long.numberOfTrailingZeros(eligible); // loads moved between the passes: any will do
    }
    if (second < 0) {
      return first;
    }
    if (firstScore == secondScore) {
      return random.nextBoolean() ? first : second;
    }
    return firstScore < secondScore ? first : second;
  }
}
