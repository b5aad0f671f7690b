package io.tollgate.gateway.route;

import io.tollgate.gateway.config.ModelRoute;

/**
 * A route resolved against one config snapshot, ready for choices without lookups: its backends'
 * live states in pool order with their weights, its strategy, its hash ring (prefix affinity only)
 * or smooth weighted round-robin schedule (round-robin only), and its canary side. Built once per
 * snapshot, shared by every request that holds that snapshot.
 */
final class RoutePlan {

  private final ModelRoute route;
  private final BackendState[] members;
  /** Each member's capacity share (the route's weight for its id), in member order. */
  private final int[] weights;
  /** Members with weight 0: never chosen, not even for a retry or in panic routing. */
  private final long drained;
  private final RoutingStrategy strategy;
  private final HashRing ring;
  private final byte[] schedule;
  private final RouteState state;
  private final long staleAfterNanos;
  private RoutePlan canary;

  RoutePlan(ModelRoute route, BackendState[] members, RouteState state, long staleAfterNanos) {
    this.route = route;
    this.members = members;
    this.state = state;
    this.staleAfterNanos = staleAfterNanos;
    this.weights = new int[members.length];
    long zero = 0;
    for (int i = 0; i < members.length; i++) {
      weights[i] = route.weight(members[i].spec().id());
      if (weights[i] == 0) {
        zero |= 1L << i;
      }
    }
    this.drained = zero;
    this.strategy = switch (route.strategy().kind()) {
      case LEAST_LOAD -> LeastLoadStrategy.INSTANCE;
      case PREFIX_AFFINITY -> PrefixAffinityStrategy.INSTANCE;
      case ROUND_ROBIN -> RoundRobinStrategy.INSTANCE;
      case RANDOM -> RandomStrategy.INSTANCE;
    };
    if (route.strategy().kind() == ModelRoute.Strategy.Kind.PREFIX_AFFINITY) {
      String[] ids = new String[members.length];
      for (int i = 0; i < members.length; i++) {
        ids[i] = members[i].spec().id();
      }
      this.ring = new HashRing(ids, weights);
    } else {
      this.ring = null;
    }
    this.schedule = route.strategy().kind() == ModelRoute.Strategy.Kind.ROUND_ROBIN
        ? RoundRobinStrategy.schedule(weights) : null;
  }

  ModelRoute route() {
    return route;
  }

  BackendState[] members() {
    return members;
  }

  /** Capacity shares in member order; read-only. */
  int[] weights() {
    return weights;
  }

  /** The members with weight 0, as bits over {@link #members()}. */
  long drained() {
    return drained;
  }

  /** Round-robin's turns, one member index per turn (null for the other strategies); read-only. */
  byte[] schedule() {
    return schedule;
  }

  RoutingStrategy strategy() {
    return strategy;
  }

  /** Whether the strategy reads load signals (and so honours the saturation gate). */
  boolean loadAware() {
    return strategy == LeastLoadStrategy.INSTANCE || strategy == PrefixAffinityStrategy.INSTANCE;
  }

  boolean usesAffinity() {
    return ring != null;
  }

  HashRing ring() {
    return ring;
  }

  RouteState state() {
    return state;
  }

  long staleAfterNanos() {
    return staleAfterNanos;
  }

  /** The canary side of this route's split, or null. */
  RoutePlan canary() {
    return canary;
  }

  /** Set while the table is built, before the plan is shared. */
  void canary(RoutePlan plan) {
    this.canary = plan;
  }
}
