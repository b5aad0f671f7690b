package io.tollgate.gateway.route;

import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gateway.config.ModelRoute.Strategy.Kind;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-backend weights as capacity shares in every strategy: smooth weighted round-robin's exact
 * sequence, proportional shares for random, least-load and prefix affinity, drained (0) backends
 * never chosen, reloads, and the admin view.
 */
class WeightedRoutingTest {

  private static final int PICKS = 4_000;

  private static Fleet weighted(int backends, Kind kind, Map<String, Integer> weights) {
    return new Fleet(backends, r -> r.withStrategy(ModelRoute.Strategy.of(kind)).withWeights(weights));
  }

  /** Chooses and releases at once, in order. */
  private static List<String> sequence(Fleet fleet, int times) {
    List<String> chosen = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      RequestRoute request = fleet.open();
      BackendState backend = request.next();
      chosen.add(backend.spec().id());
      request.released(backend, false);
    }
    return chosen;
  }

  private static double share(Map<String, Integer> counts, String id) {
    int total = counts.values().stream().mapToInt(Integer::intValue).sum();
    return counts.getOrDefault(id, 0) / (double) total;
  }

  /**
   * Within 4.5 points: about 6 standard deviations of a share over 4,000 random picks, so a random
   * strategy fails by chance less than once in a few hundred million runs, while ignoring weights
   * (an equal split) is off by more than 8 points in every case here.
   */
  private static void assertShare(double expected, Map<String, Integer> counts, String id, String what) {
    double observed = share(counts, id);
    assertTrue(Math.abs(observed - expected) <= 0.045, what + ": " + id + " share " + observed + " of " + counts);
  }

  // ---- round-robin ---------------------------------------------------------------------------

  @Test
  void smoothWeightedRoundRobinInterleavesThreeToOneAsAABA() {
    Fleet fleet = weighted(2, Kind.ROUND_ROBIN, Map.of("b1", 3, "b2", 1));
    List<String> turns = sequence(fleet, 40);
    for (int cycle = 0; cycle < 10; cycle++) {
      assertEquals(List.of("b1", "b1", "b2", "b1"), turns.subList(cycle * 4, cycle * 4 + 4), "cycle " + cycle);
    }
  }

  @Test
  void theScheduleIsNginxsSequence() {
    // nginx's own example (ngx_http_upstream_round_robin.c, smooth weighted round-robin): 5, 1, 1.
    assertArrayEquals(new byte[] {0, 0, 1, 0, 2, 0, 0}, RoundRobinStrategy.schedule(new int[] {5, 1, 1}));
    // Weights are reduced by their gcd, a drained member never appears, equal weights are plain round-robin.
    assertArrayEquals(new byte[] {0, 0, 2, 0}, RoundRobinStrategy.schedule(new int[] {300, 0, 100}));
    assertArrayEquals(new byte[] {0, 1, 2}, RoundRobinStrategy.schedule(new int[] {7, 7, 7}));
    assertEquals(0, RoundRobinStrategy.schedule(new int[] {0, 0}).length);
    assertEquals(63 * 999 + 1000, RoundRobinStrategy.schedule(fill(64, 1000, 999)).length,
        "about the longest period: 64 backends, weights near 1000, gcd 1");
  }

  private static int[] fill(int n, int first, int rest) {
    int[] weights = new int[n];
    java.util.Arrays.fill(weights, rest);
    weights[0] = first;
    return weights;
  }

  @Test
  void roundRobinGivesExactSharesOver4000Picks() {
    Fleet fleet = weighted(3, Kind.ROUND_ROBIN, Map.of("b1", 5, "b2", 2, "b3", 1));
    Map<String, Integer> counts = fleet.spread(PICKS);
    assertEquals(Map.of("b1", 2_500, "b2", 1_000, "b3", 500), counts, "4,000 picks are 500 cycles of 8");
  }

  @Test
  void aTurnOfAnUnavailableBackendIsSharedByTheOthersInProportion() {
    Fleet fleet = weighted(3, Kind.ROUND_ROBIN, Map.of("b1", 3, "b2", 2, "b3", 1));
    fleet.eject("b1");
    Map<String, Integer> counts = fleet.spread(PICKS);
    assertNull(counts.get("b1"));
    assertShare(2 / 3.0, counts, "b2", "round-robin, b1 ejected, 2:1 left");
  }

  // ---- random --------------------------------------------------------------------------------

  @Test
  void randomPicksInProportionToWeight() {
    Fleet fleet = weighted(2, Kind.RANDOM, Map.of("b1", 3));
    assertShare(0.75, fleet.spread(PICKS), "b1", "random 3:1");
    Fleet three = weighted(3, Kind.RANDOM, Map.of("b1", 2, "b3", 5));
    Map<String, Integer> counts = three.spread(PICKS);
    assertShare(2 / 8.0, counts, "b1", "random 2:1:5");
    assertShare(5 / 8.0, counts, "b3", "random 2:1:5");
  }

  // ---- least-load ----------------------------------------------------------------------------

  @Test
  void leastLoadSharesEqualLoadInProportionToWeight() {
    // Released at once and never scraped: every pick is a tie at load 0.
    assertShare(0.75, weighted(2, Kind.LEAST_LOAD, Map.of("b1", 3)).spread(PICKS), "b1", "least-load 3:1");
    Map<String, Integer> counts = weighted(3, Kind.LEAST_LOAD, Map.of("b1", 2)).spread(PICKS);
    assertShare(0.5, counts, "b1", "least-load 2:1:1");
    assertShare(0.25, counts, "b2", "least-load 2:1:1");
  }

  @Test
  void leastLoadPrefersTheWeight3BackendAtEqualAbsoluteLoad() {
    Fleet fleet = weighted(2, Kind.LEAST_LOAD, Map.of("b1", 3));
    fleet.scraped("b1", 6, 0, 0.0); // 6 / 3 = 2 per unit of capacity
    fleet.scraped("b2", 6, 0, 0.0); // 6 / 1 = 6
    assertEquals(Map.of("b1", 50), fleet.spread(50));

    // Load per unit of capacity, not a blind preference: 9 / 3 = 3 loses to 1 / 1 = 1.
    fleet.scraped("b1", 9, 0, 0.0);
    fleet.scraped("b2", 1, 0, 0.0);
    assertEquals(Map.of("b2", 50), fleet.spread(50));
  }

  @Test
  void requestsLeftInFlightSettleInProportionToWeight() {
    Fleet fleet = weighted(2, Kind.LEAST_LOAD, Map.of("b1", 3));
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      counts.merge(fleet.choose(), 1, Integer::sum); // left in flight: each choice sees the previous ones
    }
    assertTrue(Math.abs(counts.get("b1") - 30) <= 1, "30:10 within one request: " + counts);
  }

  @Test
  void theSaturationGateIsUnchanged() {
    Fleet fleet = weighted(2, Kind.LEAST_LOAD, Map.of("b1", 1000));
    fleet.scraped("b1", 0, 16, 0.0); // at the queue gate, however large its weight
    fleet.scraped("b2", 50, 0, 0.5);
    assertEquals(Map.of("b2", 20), fleet.spread(20));
  }

  // ---- prefix affinity -----------------------------------------------------------------------

  private static String home(Fleet fleet, String session) {
    RequestRoute request = fleet.open(session, Fleet.chat("hello"));
    BackendState chosen = request.next();
    request.released(chosen, false);
    return chosen.spec().id();
  }

  @Test
  void prefixAffinityHomesKeysInProportionToWeight() {
    Fleet fleet = weighted(2, Kind.PREFIX_AFFINITY, Map.of("b1", 3));
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < PICKS; i++) {
      counts.merge(home(fleet, "session-" + i), 1, Integer::sum);
    }
    assertShare(0.75, counts, "b1", "prefix-affinity 3:1 (distinct keys)");
    Fleet four = weighted(4, Kind.PREFIX_AFFINITY, Map.of("b1", 2, "b4", 4));
    Map<String, Integer> spread = new HashMap<>();
    for (int i = 0; i < PICKS; i++) {
      spread.merge(home(four, "session-" + i), 1, Integer::sum);
    }
    assertShare(4 / 8.0, spread, "b4", "prefix-affinity 2:1:1:4");
    assertShare(2 / 8.0, spread, "b1", "prefix-affinity 2:1:1:4");
  }

  @Test
  void aHeavierWeightOnlyPullsKeysTowardsThatBackend() {
    Fleet equal = weighted(3, Kind.PREFIX_AFFINITY, Map.of());
    Fleet heavier = weighted(3, Kind.PREFIX_AFFINITY, Map.of("b2", 3));
    int moved = 0;
    for (int i = 0; i < 1_000; i++) {
      String before = home(equal, "s" + i);
      String after = home(heavier, "s" + i);
      if (!before.equals(after)) {
        assertEquals("b2", after, "key s" + i + " moved from " + before + " to " + after);
        moved++;
      }
    }
    assertTrue(moved > 200, "b2 went from a third to three fifths of the keys: " + moved + " moved");
  }

  @Test
  void theBoundedLoadCapFollowsWeight() {
    Map<String, Integer> weights = Map.of("b1", 1, "b2", 3, "b3", 3, "b4", 3);
    Fleet probe = weighted(4, Kind.PREFIX_AFFINITY, weights);
    String session = null;
    for (int i = 0; session == null; i++) {
      if (home(probe, "hot-" + i).equals("b1")) {
        session = "hot-" + i; // a key whose home is the weight-1 backend
      }
    }
    Fleet fleet = weighted(4, Kind.PREFIX_AFFINITY, weights);
    for (int i = 0; i < 20; i++) {
      fleet.open(session, Fleet.chat("hello")).next(); // all left in flight
    }
    int homeLoad = fleet.state("b1").inFlight();
    // Its cap is 1.25 × (in flight + 1) × 1/10, not 1.25 × the mean of four equal backends (7).
    assertTrue(homeLoad >= 1 && homeLoad <= Math.ceil(1.25 * 20 / 10.0) + 1, "weight-1 home holds " + homeLoad);
  }

  @Test
  void ringPointsFollowWeightAndStayBounded() {
    assertArrayEquals(new int[] {100, 300, 0}, HashRing.pointCounts(new int[] {1, 3, 0}));
    int[] large = HashRing.pointCounts(fill(64, 1, 1000));
    assertEquals(1, large[0], "a tiny share keeps one point");
    assertTrue(java.util.Arrays.stream(large).sum() <= HashRing.MAX_POINTS + 64, java.util.Arrays.toString(large));
  }

  // ---- drained backends ----------------------------------------------------------------------

  @Test
  void aDrainedBackendIsNeverChosenByAnyStrategy() {
    Map<Kind, Map<String, Integer>> seen = new EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      Fleet fleet = weighted(3, kind, Map.of("b2", 0));
      Map<String, Integer> counts = fleet.spread(PICKS); // prompts differ: prefix affinity sees 4,000 keys
      seen.put(kind, counts);
      assertNull(counts.get("b2"), kind + ": " + counts);
      assertEquals(2, counts.size(), kind + ": " + counts);
    }
    System.out.println("drained b2, 4,000 picks each: " + seen);
  }

  @Test
  void aDrainedBackendIsNotTakenForARetryNorWhenTheOthersAreOut() {
    for (Kind kind : Kind.values()) {
      Fleet fleet = new Fleet(3, r -> new ModelRoute(r.name(), r.upstreamModel(), r.backendIds(), r.timeouts(), 3,
          r.prices()).withStrategy(ModelRoute.Strategy.of(kind)).withWeights(Map.of("b2", 0)));
      RequestRoute request = fleet.open();
      BackendState first = request.next();
      request.released(first, true);
      assertTrue(request.mayRetry(), kind.toString());
      BackendState second = request.next();
      request.released(second, true);
      assertFalse(request.mayRetry(), kind + ": only the drained b2 is left, with a third attempt to spare");
      assertNull(request.next(), kind.toString());
      assertFalse(List.of(first.spec().id(), second.spec().id()).contains("b2"), kind.toString());

      // Every backend that serves is ejected: "panic" routing tries them anyway, never the drained one.
      fleet.eject("b1");
      fleet.eject("b3");
      Map<String, Integer> counts = fleet.spread(100);
      assertNull(counts.get("b2"), kind + ": " + counts);
    }
  }

  @Test
  void aDrainedBackendIsDrainedOnlyInTheRouteThatSaysSo() {
    ModelRoute other = Fleet.route("other", List.of("b1", "b2"));
    Fleet fleet = new Fleet(2, r -> r.withWeights(Map.of("b2", 0)), Map.of("other", other));
    assertEquals(Map.of("b1", 200), fleet.spread(200));
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      RequestRoute request = fleet.pool.open(fleet.snapshot, other, null, () -> Fleet.chat("x"));
      BackendState chosen = request.next();
      counts.merge(chosen.spec().id(), 1, Integer::sum);
      request.released(chosen, false);
    }
    assertEquals(2, counts.size(), "b2 still serves the other model: " + counts);
  }

  // ---- reloads and the admin view --------------------------------------------------------------

  @Test
  void aReloadThatChangesWeightsTakesEffectAtOnce() {
    Fleet fleet = weighted(2, Kind.ROUND_ROBIN, Map.of("b1", 3));
    assertEquals(Map.of("b1", 300, "b2", 100), fleet.spread(400));
    ModelRoute route = fleet.snapshot.models().get("m");
    fleet.snapshot = fleet.snapshot.withVersion(2).withModels(Map.of("m", route.withWeights(Map.of("b1", 0))));
    fleet.pool.retainOnly(fleet.snapshot);
    assertEquals(Map.of("b2", 400), fleet.spread(400), "b1 drained");
    fleet.snapshot = fleet.snapshot.withVersion(3).withModels(Map.of("m", route.withWeights(Map.of("b2", 4))));
    fleet.pool.retainOnly(fleet.snapshot);
    assertEquals(Map.of("b1", 100, "b2", 400), fleet.spread(500));
  }

  @Test
  void theAdminViewShowsEachBackendsWeight() {
    Fleet fleet = weighted(3, Kind.LEAST_LOAD, Map.of("b1", 3, "b3", 0));
    JsonObject route = fleet.pool.status(fleet.snapshot).getJsonArray("models").getJsonObject(0);
    assertEquals(new JsonObject().put("b1", 3).put("b2", 1).put("b3", 0), route.getJsonObject("weights"));
  }
}
