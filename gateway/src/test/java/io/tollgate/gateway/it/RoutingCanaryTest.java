package io.tollgate.gateway.it;

import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gpu.signals.EjectionPolicy;
import io.tollgate.gpu.simulator.SimulatorFaults;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.tollgate.gateway.it.TestBed.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Canary splits against real simulators: the split, rollback on errors and on TTFT, the admin view. */
class RoutingCanaryTest {

  /** 20 requests at least: with fewer, p95 is the maximum, and one cold first request decides. */
  private static final ModelRoute.Rollback QUICK = new ModelRoute.Rollback(60_000, 20, 0.05, 1.5, 50);

  private TestBed bed;

  @AfterEach
  void stop() throws Exception {
    if (bed != null) {
      bed.close();
    }
  }

  private TestBed canaryOnSim3(int weight) throws Exception {
    return TestBed.builder().simulators(3)
        .route(r -> r.withBackends(List.of("sim-1", "sim-2"))
            .withCanary(ModelRoute.Canary.ofBackends(List.of("sim-3"), weight).withRollback(QUICK)))
        // Ejection would hide a bad canary from its judge: keep it out of this test.
        .routing(r -> r.withEjection(new EjectionPolicy(1_000, 1_000, 2_000)))
        .start();
  }

  private JsonObject routing() throws Exception {
    Http.Reply reply = Http.get(bed.adminClient(), "/admin/routing", TestBed.ADMIN_TOKEN);
    assertEquals(200, reply.status());
    return reply.json().getJsonArray("models").stream().map(JsonObject.class::cast)
        .filter(model -> model.getString("name").equals(TestBed.MODEL)).findFirst().orElseThrow()
        .getJsonObject("canary");
  }

  private Map<String, Integer> send(int requests, boolean stream) throws Exception {
    Map<String, Integer> served = new HashMap<>();
    for (int i = 0; i < requests; i++) {
      Http.Reply reply = Http.post(bed.client, "/v1/chat/completions", Http.chat(2, stream), SECRET);
      assertEquals(200, reply.status(), reply.body().toString());
      served.merge(reply.header("x-tollgate-backend"), 1, Integer::sum);
    }
    return served;
  }

  @Test
  void aHealthyCanaryTakesItsShare() throws Exception {
    bed = canaryOnSim3(30);
    Map<String, Integer> served = send(100, false);
    int canary = served.getOrDefault("sim-3", 0);
    assertTrue(canary >= 15 && canary <= 45, "about 30 % of 100: " + served);
    JsonObject view = routing();
    assertEquals(30, view.getInteger("weight"));
    assertNull(view.getValue("rolledBack"));
    assertEquals(canary, view.getJsonObject("canary").getInteger("requests"));
  }

  @Test
  void aCanaryThatFailsIsRolledBackItsFailuresRetriedAndTheDecisionShown() throws Exception {
    bed = canaryOnSim3(40);
    bed.sim(3).faults(SimulatorFaults.none().withErrorRate(1.0));
    for (int i = 0; i < 100 && bed.gateway.services().backends().canaryWeight(TestBed.MODEL) > 0; i++) {
      send(1, false); // every request still succeeds: a 5xx before the first byte is retried on the stable side
      Thread.sleep(3);
    }
    assertEquals(0, bed.gateway.services().backends().canaryWeight(TestBed.MODEL));
    long canaryErrors = bed.sim(3).stats().errorsInjected();
    assertTrue(canaryErrors >= 20, "judged after minRequests: " + canaryErrors);
    Map<String, Integer> after = send(30, false);
    assertNull(after.get("sim-3"), "the canary gets nothing: " + after);
    assertEquals(canaryErrors, bed.sim(3).stats().errorsInjected());

    JsonObject view = routing();
    assertEquals(40, view.getInteger("configuredWeight"));
    assertEquals(0, view.getInteger("weight"));
    JsonObject decision = view.getJsonObject("rolledBack");
    assertTrue(decision.getString("reason").startsWith("error rate 1.000 vs stable 0.000"), decision.encode());
    assertEquals(1, bed.gateway.services().backends().canaryRollbacks());
    assertEquals(401, Http.get(bed.adminClient(), "/admin/routing", null).status(), "behind the admin token");

    // The config endpoint shows the config as written next to what the gateway does now.
    Http.Reply config = Http.get(bed.adminClient(), "/admin/config", TestBed.ADMIN_TOKEN);
    JsonObject runtimeCanary = config.json().getJsonObject("runtime").getJsonArray("models").stream()
        .map(JsonObject.class::cast).filter(model -> model.getString("name").equals(TestBed.MODEL))
        .findFirst().orElseThrow().getJsonObject("canary");
    assertEquals(0, runtimeCanary.getInteger("weight"));
    assertTrue(runtimeCanary.getJsonObject("rolledBack").getString("reason").startsWith("error rate"));
  }

  @Test
  void aCanaryWithSlowFirstTokensIsRolledBack() throws Exception {
    bed = canaryOnSim3(50);
    bed.sim(3).faults(SimulatorFaults.none().withStallBeforeFirstTokenMillis(120));
    for (int i = 0; i < 100 && bed.gateway.services().backends().canaryWeight(TestBed.MODEL) > 0; i++) {
      send(1, true);
    }
    assertEquals(0, bed.gateway.services().backends().canaryWeight(TestBed.MODEL));
    assertTrue(routing().getJsonObject("rolledBack").getString("reason").startsWith("p95 TTFT"));
  }
}
