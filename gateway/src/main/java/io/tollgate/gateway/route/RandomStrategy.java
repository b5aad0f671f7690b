package io.tollgate.gateway.route;

import java.util.concurrent.ThreadLocalRandom;

/**
 * At random, in proportion to weight (uniformly when weights are equal): for comparison, and for
 * pools of identical backends with steady traffic.
 */
final class RandomStrategy implements RoutingStrategy {

  static final RandomStrategy INSTANCE = new RandomStrategy();

  @Override
  public int pick(RoutePlan plan, long eligible, long usable, long affinity, long nowNanos) {
    return weighted(plan.weights(), eligible);
  }

  /**
   * A member of {@code eligible} drawn with probability weight / (sum of eligible weights): two
   * passes over the bits, no allocation. Eligible members have weights above 0 (drained ones are
   * never eligible); should they all be 0, the first is taken.
   */
  static int weighted(int[] weights, long eligible) {
    int total = 0;
    for (long rest = eligible; rest != 0; rest &= rest - 1) {
      total += weights[Long.numberOfTrailingZeros(rest)];
    }
    if (total <= 0) {
      return Long.numberOfTrailingZeros(eligible);
    }
    int draw = ThreadLocalRandom.current().nextInt(total);
    for (long rest = eligible; rest != 0; rest &= rest - 1) {
      int i = Long.numberOfTrailingZeros(rest);
      draw -= weights[i];
      if (draw < 0) {
        return i;
      }
    }
    return Long.numberOfTrailingZeros(eligible); // unreachable: the draw is below the total
  }
}
