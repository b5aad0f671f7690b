package io.tollgate.gateway.route;

/**
 * Smooth weighted round-robin (nginx's algorithm): each backend in turn, as often as its weight,
 * interleaved rather than in runs (3:1 gives a, a, b, a, not a, a, a, b), with one cursor per
 * route shared by all event loops. Blind to load: for comparison, and for simple cases.
 *
 * <p>nginx keeps a running "current weight" per backend and updates all of them on every choice;
 * shared by event loops, that would need a lock or an allocation per choice. Its sequence is
 * periodic, though (one period is the weights' sum, divided by their greatest common divisor), so
 * the plan computes one period once per snapshot and a choice is an atomic increment and an array
 * read. With equal weights the schedule is plain round-robin: b1, b2, …, bn.
 */
final class RoundRobinStrategy implements RoutingStrategy {

  static final RoundRobinStrategy INSTANCE = new RoundRobinStrategy();

  @Override
  public int pick(RoutePlan plan, long eligible, long usable, long affinity, long nowNanos) {
    byte[] schedule = plan.schedule();
    if (schedule.length == 0) {
      return Long.numberOfTrailingZeros(eligible); // every weight 0: only a route built in code
    }
    int index = schedule[Math.floorMod(plan.state().nextTurn(), schedule.length)];
    if ((eligible & (1L << index)) != 0) {
      return index;
    }
    // The turn belongs to a backend that cannot take it now (tried, ejected, unhealthy). Handing it
    // to the next one in the schedule would favour whoever follows that backend; dealing it out in
    // proportion to weight keeps the others' shares in their ratio, as nginx's skip does.
    return RandomStrategy.weighted(plan.weights(), eligible);
  }

  /**
   * One period of nginx's smooth weighted round-robin over {@code weights} (member index per turn).
   * Members of weight 0 never appear. Length: the sum of the weights over their gcd, at most
   * 64 × 1000 turns.
   */
  static byte[] schedule(int[] weights) {
    int gcd = 0;
    for (int weight : weights) {
      gcd = gcd(gcd, weight);
    }
    if (gcd == 0) {
      return new byte[0];
    }
    int[] reduced = new int[weights.length];
    int total = 0;
    for (int i = 0; i < weights.length; i++) {
      reduced[i] = weights[i] / gcd;
      total += reduced[i];
    }
    byte[] turns = new byte[total];
    int[] current = new int[weights.length];
    for (int turn = 0; turn < total; turn++) {
      int best = -1;
      for (int i = 0; i < reduced.length; i++) {
        if (reduced[i] == 0) {
          continue;
        }
        current[i] += reduced[i];
        if (best < 0 || current[i] > current[best]) {
          best = i; // ties go to the first, as in nginx
        }
      }
      current[best] -= total;
      turns[turn] = (byte) best; // pools have at most 64 members
    }
    return turns;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
