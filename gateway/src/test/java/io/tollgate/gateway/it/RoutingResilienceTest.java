package io.tollgate.gateway.it;

import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gateway.usage.UsageEvent;
import io.tollgate.gpu.signals.EjectionPolicy;
import io.tollgate.gpu.simulator.SimulatorFaults;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.tollgate.gateway.it.TestBed.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retries before the first byte only, within the retry budget; fallback models; total timeout. */
class RoutingResilienceTest {

  private TestBed bed;

  @AfterEach
  void stop() throws Exception {
    if (bed != null) {
      bed.close();
    }
  }

  /** sim-1 takes the first request (round-robin), stalls before its first token, then dies. */
  private Http.Reply firstBackendDiesBeforeItsFirstToken(long keepAliveMillis) throws Exception {
    bed = TestBed.builder().keepAliveMillis(keepAliveMillis)
        .route(r -> r.withStrategy(ModelRoute.Strategy.of(ModelRoute.Strategy.Kind.ROUND_ROBIN)))
        .start();
    bed.sim(1).faults(SimulatorFaults.none().withStallBeforeFirstTokenMillis(5_000));
    io.vertx.core.Future<Http.Reply> reply = Http.postAsync(bed.client, "/v1/chat/completions", Http.chat(3, true), SECRET);
    RoutingEjectionTest.waitFor("the request on sim-1", 2_000, () -> bed.sim(1).stats().running() == 1);
    Thread.sleep(300);
    TestBed.await(bed.sim(1).close());
    return TestBed.await(reply);
  }

  @Test
  void aBackendThatDiesBeforeTheFirstByteIsRetriedOnAnother() throws Exception {
    Http.Reply reply = firstBackendDiesBeforeItsFirstToken(15_000);
    assertEquals(200, reply.status());
    assertEquals("sim-2", reply.header("x-tollgate-backend"));
    assertEquals(3, reply.tokenEvents());
    assertEquals(1, bed.gateway.services().backends().retriesAllowed());
  }

  @Test
  void aBackendThatDiesAfterBytesReachedTheClientIsNeverRetried() throws Exception {
    Http.Reply reply = firstBackendDiesBeforeItsFirstToken(100);
    assertEquals(200, reply.status(), "headers went out with the first keep-alive");
    assertTrue(reply.body().toString().startsWith(": keep-alive\n\n"));
    List<String> events = reply.events();
    assertEquals("[DONE]", events.get(events.size() - 1));
    assertTrue(events.get(events.size() - 2).startsWith("{\"error\""), events.toString());
    assertEquals(0, reply.tokenEvents());
    Thread.sleep(200);
    assertEquals(0, bed.sim(2).stats().completed() + bed.sim(2).stats().running(), "no second attempt");
    assertEquals(0, bed.gateway.services().backends().retriesAllowed());
    assertTrue(bed.usage.awaitEvents(1, 2_000).get(0).errorKind() != null);
  }

  @Test
  void theRetryBudgetStopsRetriesFromMultiplyingAnOutage() throws Exception {
    bed = TestBed.builder()
        .route(r -> r.withStrategy(ModelRoute.Strategy.of(ModelRoute.Strategy.Kind.ROUND_ROBIN))
            .withRetryBudget(new ModelRoute.RetryBudget(0.25, 0)))
        .routing(r -> r.withHealthIntervalMillis(0).withEjection(new EjectionPolicy(1_000, 1_000, 2_000)))
        .start();
    bed.sim(1).faults(SimulatorFaults.none().withErrorRate(1.0));
    int ok = 0;
    int failed = 0;
    for (int i = 0; i < 40; i++) {
      int status = Http.post(bed.client, "/v1/chat/completions", Http.chat(2, false), SECRET).status();
      if (status == 200) {
        ok++;
      } else {
        assertEquals(502, status);
        failed++;
      }
    }
    long retried = bed.gateway.services().backends().retriesAllowed();
    long denied = bed.gateway.services().backends().retriesDenied();
    assertEquals(40, ok + failed);
    assertEquals(denied, failed, "a failure the budget did not retry reaches the client");
    assertEquals(bed.sim(1).stats().errorsInjected(), retried + denied, "every sim-1 failure asked for a retry");
    assertTrue(retried >= 5 && retried <= 10, "at most a quarter of 40 requests: " + retried);
    assertTrue(denied >= 5, "denied: " + denied);
  }

  @Test
  void aModelWhosePoolIsDownIsServedByItsFallbackAndSaysSo() throws Exception {
    bed = TestBed.builder().simulators(3)
        .route(r -> r.withBackends(List.of("sim-1", "sim-2")).withFallback("backup"))
        .routing(r -> r.withHealthIntervalMillis(100))
        .snapshot(s -> {
          Map<String, ModelRoute> models = new java.util.HashMap<>(s.models());
          models.put("backup", new ModelRoute("backup", TestBed.FORBIDDEN_MODEL, List.of("sim-3"),
              ModelRoute.RouteTimeouts.DEFAULT, 2, ModelRoute.Prices.FREE));
          return s.withModels(models);
        })
        .start();
    Http.Reply normal = Http.post(bed.client, "/v1/chat/completions", Http.chat(2, false), SECRET);
    assertEquals(TestBed.MODEL, normal.header("x-tollgate-model"));

    // close(), not refuseConnections(): a kept-alive connection of the first request could still serve.
    TestBed.await(bed.sim(1).close());
    TestBed.await(bed.sim(2).close());
    Http.Reply reply = Http.post(bed.client, "/v1/chat/completions", Http.chat(3, true), SECRET);
    assertEquals(200, reply.status(), reply.body().toString());
    assertEquals("backup", reply.header("x-tollgate-model"));
    assertEquals("sim-3", reply.header("x-tollgate-backend"));
    assertEquals(3, reply.tokenEvents());
    UsageEvent event = bed.usage.awaitEvents(2, 2_000).get(1);
    assertEquals(TestBed.MODEL, event.modelRequested());
    assertEquals(TestBed.FORBIDDEN_MODEL, event.modelServed());
    assertEquals("sim-3", event.backendId());

    RoutingEjectionTest.waitFor("the pool marked down", 2_000, () -> bed.gateway.services().backends()
        .unavailableBackends() == 2);
    long before = bed.gateway.services().backends().states().stream()
        .filter(s -> !s.spec().id().equals("sim-3")).mapToLong(s -> s.failures()).sum();
    for (int i = 0; i < 5; i++) {
      assertEquals("backup", Http.post(bed.client, "/v1/chat/completions", Http.chat(2, false), SECRET)
          .header("x-tollgate-model"));
    }
    long after = bed.gateway.services().backends().states().stream()
        .filter(s -> !s.spec().id().equals("sim-3")).mapToLong(s -> s.failures()).sum();
    assertEquals(before, after, "straight to the fallback, without trying the dead pool");
    assertEquals(6, bed.gateway.services().backends().fallbacks());
  }

  @Test
  void theTotalTimeoutEndsAStreamThatNeverFinishes() throws Exception {
    bed = TestBed.builder().simulators(1)
        .simulatorConfig(c -> c.withInterTokenMillis(50))
        .timeouts(new ModelRoute.RouteTimeouts(1_000, 5_000, 5_000, 400))
        .start();
    Http.Reply reply = Http.post(bed.client, "/v1/chat/completions", Http.chat(1_000, true), SECRET);
    List<String> events = reply.events();
    assertTrue(events.get(events.size() - 2).contains("not complete within 400 ms"), events.toString());
    assertEquals("upstream_timeout", bed.usage.awaitEvents(1, 2_000).get(0).errorKind());
  }
}
