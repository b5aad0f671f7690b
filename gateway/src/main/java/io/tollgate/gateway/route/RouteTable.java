package io.tollgate.gateway.route;

import io.tollgate.gateway.config.ConfigSnapshot;
import io.tollgate.gateway.config.ModelRoute;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Every route of one snapshot as a {@link RoutePlan}; immutable once built. */
final class RouteTable {

  private final ConfigSnapshot snapshot;
  private final Map<String, RoutePlan> plans;

  private RouteTable(ConfigSnapshot snapshot, Map<String, RoutePlan> plans) {
    this.snapshot = snapshot;
    this.plans = plans;
  }

  /** @param newest whether this is the newest snapshot (its routes' states follow its config) */
  static RouteTable build(ConfigSnapshot snapshot, BackendPool pool, boolean newest) {
    long stale = snapshot.routing().staleAfterNanos();
    Map<String, RoutePlan> plans = new HashMap<>();
    for (ModelRoute route : snapshot.models().values()) {
      RouteState state = pool.routeState(route, newest);
      plans.put(route.name(), new RoutePlan(route, members(snapshot, route.backendIds(), pool), state, stale));
    }
    for (ModelRoute route : snapshot.models().values()) {
      ModelRoute.Canary canary = route.canary();
      if (canary == null) {
        continue;
      }
      RoutePlan plan = plans.get(route.name());
      if (canary.model() != null) {
        plan.canary(plans.get(canary.model()));
      } else {
        ModelRoute side = route.withBackends(canary.backendIds());
        plan.canary(new RoutePlan(side, members(snapshot, side.backendIds(), pool), plan.state(), stale));
      }
    }
    return new RouteTable(snapshot, plans);
  }

  private static BackendState[] members(ConfigSnapshot snapshot, List<String> ids, BackendPool pool) {
    return ids.stream()
        .map(id -> snapshot.backends().get(id))
        .filter(spec -> spec != null)
        .map(pool::stateOf)
        .toArray(BackendState[]::new);
  }

  ConfigSnapshot snapshot() {
    return snapshot;
  }

  RoutePlan plan(String model) {
    return plans.get(model);
  }

  Map<String, RoutePlan> plans() {
    return plans;
  }
}
