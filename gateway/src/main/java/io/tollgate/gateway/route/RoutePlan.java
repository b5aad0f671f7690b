package io.tollgate.gateway.route;

import io.tollgate.gateway.config.ModelRoute;

/**
 * A route resolved against one config snapshot, ready for choices without lookups: its backends'
 * live states in pool order, its strategy, its hash ring (prefix affinity only), and its canary
 * side. Built once per snapshot, shared by every request that holds that snapshot.
 */
final class RoutePlan {

  private final ModelRoute route;
  private final BackendState[] members;
  private final RoutingStrategy strategy;
  private final HashRing ring;
  private final RouteState state;
  private final long staleAfterNanos;
  private RoutePlan canary;

  RoutePlan(ModelRoute route, BackendState[] members, RouteState state, long staleAfterNanos) {
    this.route = route;
    this.members = members;
    this.state = state;
    this.staleAfterNanos = staleAfterNanos;
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
      this.ring = new HashRing(ids);
    } else {
      this.ring = null;
    }
  }

  ModelRoute route() {
    return route;
  }

  BackendState[] members() {
    return members;
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
