package io.tollgate.gateway.route;

/**
 * Prefix affinity: the request's key (session, user or prompt prefix) picks a home backend on a
 * consistent-hash ring, so that requests sharing a prompt prefix meet vLLM's prefix cache there.
 * Bounded load (Mirrokni et al.): a backend takes the key only while its in-flight count is under
 * loadFactor × its share of the pool's load (+1), its share being its weight over the pool's; otherwise
 * the next backend on the ring does, which keeps a hot key from overloading one backend while still
 * sending it to the same few. Weights also size the ring (points in proportion to weight), so a
 * weight-3 backend is home to three times the keys and may hold three times the load. When the
 * home backend is saturated (queue or KV-cache over the gate), least-load chooses instead.
 */
final class PrefixAffinityStrategy implements RoutingStrategy {

  static final PrefixAffinityStrategy INSTANCE = new PrefixAffinityStrategy();

  @Override
  public int pick(RoutePlan plan, long eligible, long usable, long affinity, long nowNanos) {
    BackendState[] members = plan.members();
    int[] weights = plan.weights();
    HashRing ring = plan.ring();
    int total = 0;
    int totalWeight = 0;
    for (long rest = usable; rest != 0; rest &= rest - 1) {
      int i = Long.numberOfTrailingZeros(rest);
      total += members[i].inFlight();
      totalWeight += weights[i];
    }
    // In-flight requests one unit of weight may hold; with equal weights, loadFactor × the mean (+1).
    double perWeight = plan.route().strategy().affinity().loadFactor() * (total + 1) / Math.max(totalWeight, 1);
    int start = ring.start(affinity);
    long seen = 0;
    boolean homeFound = false;
    for (int step = 0; step < ring.size() && seen != usable; step++) {
      int owner = ring.owner(start, step);
      long bit = 1L << owner;
      if ((seen & bit) != 0 || (usable & bit) == 0) {
        continue; // seen already, or tried / ejected for this request: the ring goes on
      }
      seen |= bit;
      if ((eligible & bit) == 0) {
        if (!homeFound) {
          break; // the home backend is saturated: least-load decides
        }
        continue;
      }
      homeFound = true;
      if (members[owner].inFlight() < Math.ceil(perWeight * weights[owner])) {
        return owner;
      }
    }
    return LeastLoadStrategy.INSTANCE.pick(plan, eligible, usable, affinity, nowNanos);
  }
}
