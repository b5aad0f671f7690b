package io.tollgate.gateway.route;

import java.util.concurrent.ThreadLocalRandom;

/** Uniformly at random: for comparison, and for pools of identical backends with steady traffic. */
final class RandomStrategy implements RoutingStrategy {

  static final RandomStrategy INSTANCE = new RandomStrategy();

  @Override
  public int pick(RoutePlan plan, long eligible, long usable, long affinity, long nowNanos) {
    return RoutingStrategy.nthBit(eligible, ThreadLocalRandom.current().nextInt(Long.bitCount(eligible)));
  }
}
