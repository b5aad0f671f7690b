package io.tollgate.gateway.it;

import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gpu.simulator.SimulatorStats;
import io.tollgate.gpu.simulator.VllmSimulator;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.tollgate.gateway.it.TestBed.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-backend weights through the real gateway and vLLM simulators: a drained backend (weight 0)
 * gets no request while the others serve in their ratio, stays watched and listed, and a reload
 * that changes the weights takes effect for the next requests.
 */
class RoutingWeightsTest {

  private TestBed bed;

  @AfterEach
  void stop() throws Exception {
    if (bed != null) {
      bed.close();
    }
  }

  /** Inference requests a simulator has seen, in any state (health checks and scrapes are not). */
  private static long requestsOn(VllmSimulator sim) {
    SimulatorStats stats = sim.stats();
    return stats.running() + stats.waiting() + stats.completed() + stats.aborted() + stats.errorsInjected();
  }

  private Map<String, Integer> sendSequentially(int requests) throws Exception {
    Map<String, Integer> served = new HashMap<>();
    for (int i = 0; i < requests; i++) {
      Http.Reply reply = Http.post(bed.client, "/v1/chat/completions", Http.chat(2, i % 2 == 0), SECRET);
      assertEquals(200, reply.status(), reply.body().toString());
      served.merge(reply.header("x-tollgate-backend"), 1, Integer::sum);
    }
    return served;
  }

  private Http.Reply adminConfig(HttpMethod method, JsonObject body) throws Exception {
    return bed.adminConfig(method, body);
  }

  private JsonObject routeView() throws Exception {
    Http.Reply reply = Http.get(bed.adminClient(), "/admin/routing", TestBed.ADMIN_TOKEN);
    assertEquals(200, reply.status());
    return reply.json().getJsonArray("models").stream().map(JsonObject.class::cast)
        .filter(model -> model.getString("name").equals(TestBed.MODEL)).findFirst().orElseThrow();
  }

  private JsonObject backendView(String id) throws Exception {
    Http.Reply reply = Http.get(bed.adminClient(), "/admin/routing", TestBed.ADMIN_TOKEN);
    return reply.json().getJsonArray("backends").stream().map(JsonObject.class::cast)
        .filter(backend -> backend.getString("id").equals(id)).findFirst().orElseThrow();
  }

  @Test
  void aDrainedBackendGetsNothingTheOthersServeInTheirRatioAndAReloadChangesIt() throws Exception {
    bed = TestBed.builder().simulators(3)
        .route(r -> r.withStrategy(ModelRoute.Strategy.of(ModelRoute.Strategy.Kind.ROUND_ROBIN))
            .withWeights(Map.of("sim-1", 2, "sim-3", 0)))
        .routing(r -> r.withScrapeIntervalMillis(100).withHealthIntervalMillis(100))
        .start();

    assertEquals(Map.of("sim-1", 20, "sim-2", 10), sendSequentially(30), "2:1, smooth round-robin is exact");
    assertEquals(0, requestsOn(bed.sim(3)), "drained: no request reached sim-3");
    assertEquals(20, requestsOn(bed.sim(1)));

    JsonObject route = routeView();
    assertEquals(new JsonObject().put("sim-1", 2).put("sim-2", 1).put("sim-3", 0), route.getJsonObject("weights"));
    // Drained is not down: still health-checked and scraped, ready to take traffic again.
    RoutingEjectionTest.waitFor("sim-3 scraped", 3_000, () -> bed.gateway.services().backends().states().stream()
        .anyMatch(s -> s.spec().id().equals("sim-3") && s.signals().scrapes() > 0));
    JsonObject sim3 = backendView("sim-3");
    assertTrue(sim3.getBoolean("available"), sim3.encode());
    assertTrue(sim3.getJsonObject("metrics").getLong("scrapes") > 0, sim3.encode());

    // Reload: sim-1 drained (a GPU server going out gracefully), sim-3 back with three times sim-2's share.
    JsonObject config = adminConfig(HttpMethod.GET, null).json().getJsonObject("config");
    JsonObject model = config.getJsonArray("models").stream().map(JsonObject.class::cast)
        .filter(m -> m.getString("name").equals(TestBed.MODEL)).findFirst().orElseThrow();
    assertEquals(new JsonObject().put("sim-1", 2).put("sim-3", 0), model.getJsonObject("weights"));
    model.put("weights", new JsonObject().put("sim-1", 0).put("sim-3", 3));
    Http.Reply applied = adminConfig(HttpMethod.POST, config);
    assertEquals(200, applied.status(), applied.body().toString());
    assertEquals(2, applied.json().getLong("version"));

    long sim1Before = requestsOn(bed.sim(1));
    assertEquals(Map.of("sim-2", 10, "sim-3", 30), sendSequentially(40), "1:3 from the next request on");
    assertEquals(sim1Before, requestsOn(bed.sim(1)), "sim-1 drained by the reload");
    assertEquals(new JsonObject().put("sim-1", 0).put("sim-2", 1).put("sim-3", 3), routeView().getJsonObject("weights"));

    // A reload that would drain every backend is refused, and the weights stay as they are.
    model.put("weights", new JsonObject().put("sim-1", 0).put("sim-2", 0).put("sim-3", 0));
    Http.Reply refused = adminConfig(HttpMethod.POST, config);
    assertEquals(422, refused.status(), refused.body().toString());
    assertTrue(refused.body().toString().contains("every backend of the route has weight 0"), refused.body().toString());
    assertEquals(2, bed.gateway.config().current().version());
  }

  @Test
  void leastLoadUnderConcurrencyNeverSendsToADrainedBackend() throws Exception {
    bed = TestBed.builder().simulators(3)
        .simulatorConfig(c -> c.withInterTokenMillis(5))
        .route(r -> r.withWeights(Map.of("sim-2", 0)))
        .routing(r -> r.withScrapeIntervalMillis(100))
        .start();
    List<Future<Http.Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      replies.add(Http.postAsync(bed.client, "/v1/chat/completions", Http.chat(20, true), SECRET));
    }
    Map<String, Integer> served = new HashMap<>();
    for (Future<Http.Reply> reply : replies) {
      Http.Reply done = TestBed.await(reply);
      assertEquals(200, done.status(), done.body().toString());
      served.merge(done.header("x-tollgate-backend"), 1, Integer::sum);
    }
    assertEquals(30, served.getOrDefault("sim-1", 0) + served.getOrDefault("sim-3", 0), served.toString());
    // Both serve (in-flight counts spread a burst; at worst, ties are a fair coin: P(< 5 of 30) ≈ 1e-4).
    assertTrue(served.getOrDefault("sim-1", 0) >= 5 && served.getOrDefault("sim-3", 0) >= 5,
        "the burst spreads over the two that serve: " + served);
    System.out.println("least-load burst of 30, sim-2 drained: " + served);
    assertEquals(0, requestsOn(bed.sim(2)), "drained: no request reached sim-2");
  }
}
