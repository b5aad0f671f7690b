package io.tollgate.gateway.route;

/**
 * Each backend in turn (skipping those not eligible), with one cursor per route shared by all
 * event loops. Blind to load: for comparison, and for simple cases.
 */
final class RoundRobinStrategy implements RoutingStrategy {

  static final RoundRobinStrategy INSTANCE = new RoundRobinStrategy();

  @Override
  public int pick(RoutePlan plan, long eligible, long usable, long affinity, long nowNanos) {
    int size = plan.members().length;
    int start = Math.floorMod(plan.state().nextTurn(), size);
    for (int step = 0; step < size; step++) {
      int index = (start + step) % size;
      if ((eligible & (1L << index)) != 0) {
        return index;
      }
    }
    return Long.numberOfTrailingZeros(eligible);
  }
}
