package io.tollgate.gateway.route;

/**
 * Prefix affinity: the request's key (session, user or prompt prefix) picks a home backend on a
 * consistent-hash ring, so that requests sharing a prompt prefix meet vLLM's prefix cache there.
 * Bounded load (Mirrokni et al.): a backend takes the key only while its in-flight count is under
 * loadFactor × the pool's mean (+1); otherwise the next backend on the ring does, which keeps a hot
 * key from overloading one backend while still sending it to the same few. When the home backend
 * is saturated (queue or KV-cache over the gate), least-load chooses instead.
 */
final class PrefixAffinityStrategy implements RoutingStrategy {

  static final PrefixAffinityStrategy INSTANCE = new PrefixAffinityStrategy();

  @Override
  public int pick(RoutePlan plan, long eligible, long usable, long affinity, long nowNanos) {
    BackendState[] members = plan.members();
    HashRing ring = plan.ring();
    int total = 0;
    for (long rest = usable; rest != 0; rest &= rest - 1) {
      total += members[Long.numberOfTrailingZeros(rest)].inFlight();
    }
    double capacity = Math.ceil(plan.route().strategy().affinity().loadFactor() * (total + 1) / Long.bitCount(usable));
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
      if (members[owner].inFlight() < capacity) {
        return owner;
      }
    }
    return LeastLoadStrategy.INSTANCE.pick(plan, eligible, usable, affinity, nowNanos);
  }
}
