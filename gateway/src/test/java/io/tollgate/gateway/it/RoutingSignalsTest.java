package io.tollgate.gateway.it;

import io.tollgate.gateway.config.BackendSpec;
import io.tollgate.gateway.config.ConfigSnapshot;
import io.tollgate.gateway.config.ModelRoute;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.tollgate.gateway.it.TestBed.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Choices from scraped vLLM metrics, stale metrics, unequal backends, bursts and prefix affinity. */
class RoutingSignalsTest {

  private TestBed bed;

  @AfterEach
  void stop() throws Exception {
    if (bed != null) {
      bed.close();
    }
  }

  private static Map<String, Integer> served(List<Http.Reply> replies) {
    Map<String, Integer> counts = new HashMap<>();
    for (Http.Reply reply : replies) {
      assertEquals(200, reply.status(), reply.body().toString());
      counts.merge(reply.header("x-tollgate-backend"), 1, Integer::sum);
    }
    return counts;
  }

  private List<Http.Reply> concurrently(int count, String body) throws Exception {
    List<Future<Http.Reply>> replies = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      replies.add(Http.postAsync(bed.client, "/v1/chat/completions", body, SECRET));
    }
    List<Http.Reply> done = new ArrayList<>();
    for (Future<Http.Reply> reply : replies) {
      done.add(TestBed.await(reply));
    }
    return done;
  }

  /** Long streams sent straight to a simulator (another gateway's load, as far as we know). */
  private void loadDirectly(int port, int streams) {
    HttpClient direct = bed.vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(port));
    Http.bind(direct, bed.vertx.getOrCreateContext()); // a pool of 5 connections: at most 5 at once
    for (int i = 0; i < streams; i++) {
      Http.postAsync(direct, "/v1/chat/completions", Http.chat(2_000, true), SECRET);
    }
  }

  @Test
  void loadSeenOnlyInABackendsMetricsSteersTraffic() throws Exception {
    bed = TestBed.builder()
        .simulatorConfig(c -> c.withInterTokenMillis(2).withMaxNumSeqs(2))
        .routing(r -> r.withScrapeIntervalMillis(100))
        .start();
    loadDirectly(bed.sim(1).port(), 5); // 2 running, 3 waiting on sim-1, none through the gateway
    RoutingEjectionTest.waitFor("a scrape showing sim-1's queue", 3_000, () -> bed.gateway.services().backends()
        .states().stream().anyMatch(s -> s.spec().id().equals("sim-1") && s.signals().reading() != null
            && s.signals().reading().metrics().waiting() >= 3));
    List<Http.Reply> replies = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      replies.add(Http.post(bed.client, "/v1/chat/completions", Http.chat(2, false), SECRET));
    }
    assertEquals(Map.of("sim-2", 10), served(replies));
  }

  @Test
  void aBackendWhoseMetricsGoStaleIsScoredByInFlightCountsAndKeepsServing() throws Exception {
    bed = TestBed.builder()
        .simulatorConfig(c -> c.withInterTokenMillis(2).withMaxNumSeqs(2))
        .routing(r -> r.withScrapeIntervalMillis(100).withStaleAfterMillis(300))
        .start();
    // sim-1 moves behind a proxy whose /metrics fails: it serves, but its signals go stale.
    MetricsBlockingProxy proxy = TestBed.await(MetricsBlockingProxy.start(bed.vertx, bed.sim(1).port()));
    ConfigSnapshot live = bed.gateway.config().current();
    Map<String, BackendSpec> backends = new HashMap<>(live.backends());
    backends.put("sim-1", new BackendSpec("sim-1", URI.create("http://127.0.0.1:" + proxy.port())));
    JsonObject raw = io.tollgate.gateway.config.SnapshotJson.toJson(new ConfigSnapshot(live.version(), backends,
        live.models(), live.keysByHash(), live.defaultLimits(), live.defaultMaxTokens(), live.orgs(), live.routing()));
    assertTrue(bed.gateway.config().apply(raw).applied());

    loadDirectly(bed.sim(2).port(), 5); // sim-2's fresh metrics show a queue
    RoutingEjectionTest.waitFor("sim-2's queue in its metrics", 3_000, () -> bed.gateway.services().backends()
        .states().stream().anyMatch(s -> s.spec().id().equals("sim-2") && s.signals().reading() != null
            && s.signals().reading().metrics().waiting() >= 3));
    Thread.sleep(400);
    Map<String, Integer> counts = served(concurrently(6, Http.chat(20, true)));
    assertEquals(Map.of("sim-1", 6), counts, "stale sim-1 is not excluded: its in-flight count (0..5) beats "
        + "sim-2's 2 running + 3 × 4 waiting");

    JsonObject status = new JsonObject(Http.get(bed.adminClient(), "/admin/routing", TestBed.ADMIN_TOKEN).body());
    JsonArray listed = status.getJsonArray("backends");
    JsonObject sim1 = listed.stream().map(JsonObject.class::cast).filter(b -> b.getString("id").equals("sim-1"))
        .findFirst().orElseThrow();
    assertFalse(sim1.getJsonObject("metrics").getBoolean("fresh"));
    assertTrue(sim1.getJsonObject("metrics").getString("lastError").contains("503"), sim1.encode());
    assertEquals(1, status.getJsonObject("totals").getInteger("staleBackends"));
  }

  @Test
  void leastLoadSendsLessToTheSlowBackend() throws Exception {
    bed = TestBed.builder()
        .simulatorConfig(c -> c.withInterTokenMillis(2).withMaxNumSeqs(8))
        .simulator(2, c -> c.withInterTokenMillis(20))
        .routing(r -> r.withScrapeIntervalMillis(100))
        .start();
    List<Future<Http.Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      replies.add(Http.postAsync(bed.client, "/v1/chat/completions", Http.chat(20, true), SECRET));
      Thread.sleep(10);
    }
    List<Http.Reply> done = new ArrayList<>();
    for (Future<Http.Reply> reply : replies) {
      done.add(TestBed.await(reply));
    }
    Map<String, Integer> counts = served(done);
    assertTrue(counts.getOrDefault("sim-1", 0) >= 40, "the fast backend takes most: " + counts);
  }

  @Test
  void aBurstSpreadsAtOnceWithoutWaitingForAScrape() throws Exception {
    bed = TestBed.builder().simulators(3).routing(r -> r.withScrapeIntervalMillis(0)).start();
    Map<String, Integer> counts = served(concurrently(30, Http.chat(30, true)));
    assertEquals(3, counts.size(), counts.toString());
    counts.values().forEach(n -> assertTrue(n >= 6, "spread: " + counts));
  }

  @Test
  void prefixAffinityKeepsAPromptOnOneBackendAndHitsThePrefixCacheMoreThanRoundRobin() throws Exception {
    long affinityHits = prefixCacheHits(ModelRoute.Strategy.Kind.PREFIX_AFFINITY, true);
    long roundRobinHits = prefixCacheHits(ModelRoute.Strategy.Kind.ROUND_ROBIN, false);
    assertTrue(affinityHits > roundRobinHits * 1.3, "affinity " + affinityHits + " vs round-robin " + roundRobinHits);
  }

  private long prefixCacheHits(ModelRoute.Strategy.Kind kind, boolean expectOneHome) throws Exception {
    bed = TestBed.builder().simulators(3).route(r -> r.withStrategy(ModelRoute.Strategy.of(kind))).start();
    try {
      Map<Integer, java.util.Set<String>> homes = new HashMap<>();
      for (int round = 0; round < 4; round++) {
        for (int prompt = 0; prompt < 7; prompt++) { // 7, not a multiple of 3: round-robin rotates
          String system = ("Policy " + prompt + ": ") + ("answer briefly and cite the handbook section " + prompt + " ")
              .repeat(25);
          String body = new JsonObject().put("model", TestBed.MODEL).put("max_tokens", 2).put("messages",
              new JsonArray().add(new JsonObject().put("role", "system").put("content", system))
                  .add(new JsonObject().put("role", "user").put("content", "question " + round))).encode();
          Http.Reply reply = Http.post(bed.client, "/v1/chat/completions", body, SECRET);
          assertEquals(200, reply.status());
          homes.computeIfAbsent(prompt, p -> new java.util.HashSet<>()).add(reply.header("x-tollgate-backend"));
        }
      }
      if (expectOneHome) {
        homes.forEach((prompt, backends) -> assertEquals(1, backends.size(), "prompt " + prompt + ": " + backends));
      }
      long hits = 0;
      for (int i = 1; i <= 3; i++) {
        hits += bed.sim(i).stats().prefixCacheHits();
      }
      return hits;
    } finally {
      bed.close();
      bed = null;
    }
  }
}
