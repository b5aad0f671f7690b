package io.tollgate.gateway.route;

import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gpu.signals.EjectionPolicy;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One request's routing: ejections, probes, retries and their budget, fallbacks, canary splits. */
class RequestRouteTest {

  @Test
  void aRetryGoesToAnotherBackendAndStopsAtMaxAttempts() {
    Fleet fleet = new Fleet(3, r -> r);
    RequestRoute request = fleet.open();
    BackendState first = request.next();
    request.released(first, true);
    assertTrue(request.mayRetry());
    BackendState second = request.next();
    assertNotEquals(first, second);
    request.released(second, true);
    assertFalse(request.mayRetry(), "maxAttempts 2");
    assertNull(request.next());
  }

  @Test
  void ejectedAndUnhealthyBackendsAreSkipped() {
    Fleet fleet = new Fleet(3, r -> r);
    fleet.eject("b1");
    fleet.state("b2").signals().healthCheckFailed(1);
    assertEquals(Map.of("b3", 20), fleet.spread(20));
    assertFalse(fleet.state("b1").available());
    assertEquals(1, fleet.pool.ejections());
    assertEquals(2, fleet.pool.unavailableBackends());
  }

  @Test
  void whenEveryBackendIsOutTheyAreTriedAnywayRatherThanRefused() {
    Fleet fleet = new Fleet(2, r -> r);
    fleet.eject("b1");
    fleet.eject("b2");
    Set<String> chosen = new HashSet<>(fleet.spread(20).keySet());
    assertEquals(Set.of("b1", "b2"), chosen);
  }

  @Test
  void afterTheEjectionPeriodOneProbeGoesAndItsSuccessRestoresTheBackend() throws Exception {
    Fleet fleet = new Fleet(2, r -> r);
    fleet.snapshot = fleet.snapshot.withRouting(fleet.snapshot.routing().withEjection(new EjectionPolicy(2, 50, 1_000)));
    fleet.open(); // plans the snapshot: the states take its ejection policy
    fleet.eject("b1");
    assertEquals(Map.of("b2", 5), fleet.spread(5));
    Thread.sleep(60);
    RequestRoute probe = fleet.open();
    BackendState probed = probe.next();
    assertEquals("b1", probed.spec().id(), "the next request after the period is the probe");
    assertEquals(Map.of("b2", 5), fleet.spread(5), "one probe at a time");
    probe.firstToken(probed, 12.0);
    probe.released(probed, false);
    Map<String, Integer> after = fleet.spread(40);
    assertTrue(after.getOrDefault("b1", 0) > 5, "back in rotation: " + after);
  }

  @Test
  void aFailedProbeEjectsAgainForLonger() throws Exception {
    Fleet fleet = new Fleet(2, r -> r);
    fleet.snapshot = fleet.snapshot.withRouting(fleet.snapshot.routing().withEjection(new EjectionPolicy(2, 50, 1_000)));
    fleet.open();
    fleet.eject("b1");
    Thread.sleep(60);
    RequestRoute probe = fleet.open();
    BackendState probed = probe.next();
    assertEquals("b1", probed.spec().id());
    probe.released(probed, true);
    assertTrue(fleet.state("b1").ejection().remainingMillis(System.nanoTime()) > 60, "100 ms the second time");
    assertEquals(2, fleet.state("b1").ejection().ejections());
  }

  @Test
  void theRetryBudgetStopsRetriesAtAFractionOfRequests() {
    Fleet fleet = new Fleet(2, r -> r.withRetryBudget(new ModelRoute.RetryBudget(0.1, 0)));
    int retried = 0;
    for (int i = 0; i < 100; i++) {
      RequestRoute request = fleet.open();
      BackendState chosen = request.next();
      request.released(chosen, true);
      if (request.mayRetry()) {
        retried++;
        request.released(request.next(), true);
      }
    }
    assertTrue(retried >= 8 && retried <= 10, "about 10 % of 100: " + retried);
    assertEquals(retried, fleet.pool.retriesAllowed());
    assertEquals(100 - retried, fleet.pool.retriesDenied());
  }

  @Test
  void aFallbackServesWhenEveryBackendIsEjected() {
    ModelRoute backup = Fleet.route("backup", List.of("b3"));
    Fleet fleet = new Fleet(3, r -> r.withBackends(List.of("b1", "b2")).withFallback("backup"),
        Map.of("backup", backup));
    fleet.eject("b1");
    fleet.eject("b2");
    RequestRoute request = fleet.open();
    BackendState chosen = request.next();
    assertEquals("b3", chosen.spec().id());
    assertEquals("backup", request.route().name());
    assertTrue(request.fellBack());
    assertEquals(1, fleet.pool.fallbacks());
  }

  @Test
  void aFallbackServesWhenEveryBackendIsSaturatedOrAfterThePoolFailed() {
    ModelRoute backup = Fleet.route("backup", List.of("b3"));
    Fleet fleet = new Fleet(3, r -> r.withBackends(List.of("b1", "b2")).withFallback("backup"),
        Map.of("backup", backup));
    fleet.scraped("b1", 10, 40, 0.5);
    fleet.scraped("b2", 10, 0, 0.99);
    assertEquals("backup", nextRoute(fleet));

    fleet.scraped("b1", 0, 0, 0.0);
    fleet.scraped("b2", 0, 0, 0.0);
    RequestRoute request = fleet.open();
    request.released(request.next(), true);
    assertTrue(request.mayRetry());
    request.released(request.next(), true);
    assertTrue(request.mayRetry(), "the pool is spent, the fallback is left");
    assertEquals("b3", request.next().spec().id());
    assertEquals("backup", request.route().name());
  }

  private static String nextRoute(Fleet fleet) {
    RequestRoute request = fleet.open();
    request.next();
    return request.route().name();
  }

  @Test
  void withoutAFallbackSaturatedBackendsStillServe() {
    Fleet fleet = new Fleet(2, r -> r);
    fleet.scraped("b1", 10, 40, 0.5);
    fleet.scraped("b2", 10, 30, 0.5);
    assertEquals(Map.of("b2", 10), fleet.spread(10));
  }

  @Test
  void aCanaryTakesItsWeightOfRequests() {
    Fleet fleet = new Fleet(3, r -> r.withBackends(List.of("b1", "b2"))
        .withCanary(ModelRoute.Canary.ofBackends(List.of("b3"), 20)));
    Map<String, Integer> counts = fleet.spread(2_000);
    int canary = counts.getOrDefault("b3", 0);
    assertTrue(canary > 300 && canary < 500, "about 20 %: " + counts);
    assertEquals(20, fleet.pool.canaryWeight("m"));
  }

  @Test
  void aFailedCanaryAttemptIsRetriedOnTheStableSide() {
    Fleet fleet = new Fleet(3, r -> r.withBackends(List.of("b1", "b2"))
        .withCanary(ModelRoute.Canary.ofBackends(List.of("b3"), 100)));
    RequestRoute request = fleet.open();
    assertTrue(request.canary());
    BackendState first = request.next();
    assertEquals("b3", first.spec().id());
    request.released(first, true);
    assertTrue(request.mayRetry());
    BackendState second = request.next();
    assertTrue(Set.of("b1", "b2").contains(second.spec().id()));
    assertEquals("m", request.route().name());
    assertFalse(request.fellBack());
  }

  @Test
  void aCanaryModelServesUnderItsOwnNameAndUpstream() {
    ModelRoute v2 = Fleet.route("m-v2", List.of("b3"));
    Fleet fleet = new Fleet(3, r -> r.withBackends(List.of("b1", "b2"))
        .withCanary(ModelRoute.Canary.ofModel("m-v2", 100)), Map.of("m-v2", v2));
    RequestRoute request = fleet.open();
    assertEquals("b3", request.next().spec().id());
    assertSame(fleet.snapshot.models().get("m-v2"), request.route());
    assertFalse(request.fellBack());
  }

  @Test
  void aCanaryThatFailsIsRolledBackAndItsWeightGoesToZero() {
    ModelRoute.Rollback fast = new ModelRoute.Rollback(60_000, 10, 0.05, 1.5, 50);
    Fleet fleet = new Fleet(3, r -> r.withBackends(List.of("b1", "b2"))
        .withCanary(ModelRoute.Canary.ofBackends(List.of("b3"), 50).withRollback(fast)));
    fleet.open();
    assertEquals(50, fleet.pool.canaryWeight("m"));
    for (int i = 0; i < 200 && fleet.pool.canaryWeight("m") > 0; i++) {
      RequestRoute request = fleet.open();
      BackendState chosen = request.next();
      boolean canary = chosen.spec().id().equals("b3");
      if (!canary) {
        request.firstToken(chosen, 50);
      }
      request.released(chosen, canary);
      sleepPastCheckInterval();
    }
    assertEquals(0, fleet.pool.canaryWeight("m"));
    assertEquals(1, fleet.pool.canaryRollbacks());
    assertEquals(Map.of(), filter(fleet.spread(100), "b3"), "no more canary traffic");
    assertTrue(fleet.pool.status(fleet.snapshot).getJsonArray("models").getJsonObject(0)
        .getJsonObject("canary").getJsonObject("rolledBack").getString("reason").startsWith("error rate"));
  }

  @Test
  void aRollbackSurvivesAnUnrelatedReloadButNotAChangedCanary() {
    ModelRoute.Canary canary = ModelRoute.Canary.ofBackends(List.of("b3"), 50)
        .withRollback(new ModelRoute.Rollback(60_000, 10, 0.05, 1.5, 50));
    Fleet fleet = new Fleet(3, r -> r.withBackends(List.of("b1", "b2")).withCanary(canary));
    fleet.open();
    RouteState state = fleet.pool.routeState(fleet.snapshot.models().get("m"), false);
    for (int i = 0; i < 10; i++) {
      state.canary().record(true, true, Double.NaN, System.currentTimeMillis());
    }
    state.canary().judge(System.currentTimeMillis());
    assertEquals(0, fleet.pool.canaryWeight("m"));
    fleet.snapshot = fleet.snapshot.withVersion(2).withModels(Map.of("m",
        fleet.snapshot.models().get("m").withRetryBudget(new ModelRoute.RetryBudget(0.5, 1))));
    fleet.pool.retainOnly(fleet.snapshot);
    assertEquals(0, fleet.pool.canaryWeight("m"), "still rolled back");
    fleet.snapshot = fleet.snapshot.withVersion(3).withModels(Map.of("m",
        fleet.snapshot.models().get("m").withCanary(canary.withRollback(ModelRoute.Rollback.DEFAULT))));
    fleet.pool.retainOnly(fleet.snapshot);
    assertEquals(50, fleet.pool.canaryWeight("m"), "a new canary config starts over");
  }

  private static Map<String, Integer> filter(Map<String, Integer> counts, String id) {
    Map<String, Integer> only = new HashMap<>();
    if (counts.containsKey(id)) {
      only.put(id, counts.get(id));
    }
    return only;
  }

  private static void sleepPastCheckInterval() {
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
