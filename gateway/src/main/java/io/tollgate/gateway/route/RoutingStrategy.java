package io.tollgate.gateway.route;

/**
 * Picks one backend of a route's pool, in proportion to the members' weights
 * ({@link RoutePlan#weights()}). Candidates are given as a bit set over {@link RoutePlan#members()}
 * (pools have at most 64 backends), so a choice allocates nothing. Drained members (weight 0) are
 * never among them. Called on event loops, concurrently: implementations keep no per-call state in
 * fields.
 */
interface RoutingStrategy {

  /**
   * @param plan       the route's pool and settings
   * @param eligible   members that may be picked (untried, available, unsaturated when any is)
   * @param usable     members that are untried and available, saturated or not (a superset of eligible)
   * @param affinity   the request's affinity key (0 when the strategy does not use one)
   * @param nowNanos   System.nanoTime() of this choice
   * @return the index of the pick in {@code plan.members()}; never -1 when {@code eligible != 0}
   */
  int pick(RoutePlan plan, long eligible, long usable, long affinity, long nowNanos);
}
