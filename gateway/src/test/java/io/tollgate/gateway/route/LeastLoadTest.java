package io.tollgate.gateway.route;

import io.tollgate.gateway.config.ModelRoute;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The least-load scorer's choices for given signals. */
class LeastLoadTest {

  @Test
  void theShorterQueueWins() {
    Fleet fleet = new Fleet(2, r -> r);
    fleet.scraped("b1", 8, 5, 0.5);
    fleet.scraped("b2", 8, 1, 0.5);
    for (int i = 0; i < 20; i++) {
      assertEquals("b2", fleet.spread(1).keySet().iterator().next());
    }
  }

  @Test
  void kvCacheUseAndRunningRequestsCount() {
    Fleet fleet = new Fleet(2, r -> r);
    fleet.scraped("b1", 4, 0, 0.9); // 4 + 8 × 0.9 = 11.2
    fleet.scraped("b2", 6, 0, 0.1); // 6 + 8 × 0.1 = 6.8
    assertEquals(Map.of("b2", 20), fleet.spread(20));
  }

  @Test
  void ownRequestsCountAtOnceSoABurstSpreadsBetweenScrapes() {
    Fleet fleet = new Fleet(2, r -> r);
    fleet.scraped("b1", 0, 0, 0.0);
    fleet.scraped("b2", 0, 0, 0.0);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      counts.merge(fleet.choose(), 1, Integer::sum); // left in flight: no scrape in between
    }
    assertEquals(Map.of("b1", 10, "b2", 10), counts, "each choice sees the previous ones");
  }

  @Test
  void aSaturatedBackendIsTakenOnlyWhenAllAre() {
    Fleet fleet = new Fleet(3, r -> r);
    fleet.scraped("b1", 2, 16, 0.1); // queue at the gate
    fleet.scraped("b2", 30, 0, 0.97); // KV past the gate
    fleet.scraped("b3", 60, 2, 0.5); // busy but under both gates
    assertEquals(Map.of("b3", 30), fleet.spread(30));

    fleet.scraped("b3", 60, 40, 0.5);
    Map<String, Integer> allSaturated = fleet.spread(30);
    assertEquals(30, allSaturated.values().stream().mapToInt(Integer::intValue).sum());
    assertEquals(Map.of("b2", 30), allSaturated, "the least loaded of the saturated: 30 + 8 × 0.97 < 2 + 4 × 16");
  }

  @Test
  void staleMetricsAreIgnoredNotExcluded() {
    Fleet fleet = new Fleet(2, r -> r);
    fleet.scrapedLongAgo("b1", 0, 500, 1.0); // would be saturated if it were believed
    fleet.scraped("b2", 3, 0, 0.0);
    fleet.state("b2").begin(); // scraped with 0 of ours; 1 since
    // b1 stale: scored by this gateway's in-flight (0); b2 fresh: 3 running + 1 sent since = 4.
    assertEquals(Map.of("b1", 10), fleet.spread(10));
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      counts.merge(fleet.choose(), 1, Integer::sum);
    }
    assertTrue(counts.get("b1") >= 4 && counts.containsKey("b2"),
        "b1 takes load until its in-flight count passes b2's score: " + counts);
  }

  @Test
  void neverScrapedBackendsAreScoredByInFlightCounts() {
    Fleet fleet = new Fleet(3, r -> r);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      counts.merge(fleet.choose(), 1, Integer::sum);
    }
    // Power of two choices among the near-best: each within one request of an even share.
    counts.values().forEach(n -> assertTrue(n >= 9 && n <= 11, counts.toString()));
    assertEquals(3, counts.size());
  }

  @Test
  void equallyLoadedBackendsAllGetPicked() {
    Fleet fleet = new Fleet(4, r -> r);
    for (int i = 1; i <= 4; i++) {
      fleet.scraped("b" + i, 5, 0, 0.2);
    }
    Map<String, Integer> counts = fleet.spread(400);
    assertEquals(4, counts.size(), counts.toString());
    counts.values().forEach(n -> assertTrue(n > 50, "power of two choices over the near-best: " + counts));
  }

  @Test
  void roundRobinAndRandomIgnoreLoad() {
    Fleet robin = new Fleet(3, r -> r.withStrategy(ModelRoute.Strategy.of(ModelRoute.Strategy.Kind.ROUND_ROBIN)));
    robin.scraped("b1", 100, 100, 0.5);
    assertEquals(Map.of("b1", 10, "b2", 10, "b3", 10), robin.spread(30));

    Fleet random = new Fleet(3, r -> r.withStrategy(ModelRoute.Strategy.of(ModelRoute.Strategy.Kind.RANDOM)));
    random.scraped("b1", 100, 100, 0.5);
    Map<String, Integer> counts = random.spread(300);
    assertEquals(3, counts.size());
    counts.values().forEach(n -> assertTrue(n > 50, counts.toString()));
  }
}
