package io.tollgate.gpu.signals;

import io.tollgate.gpu.simulator.SimulatorConfig;
import io.tollgate.gpu.simulator.VllmSimulator;
import io.tollgate.testsupport.GuardedVertx;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The monitor against real HTTP: a simulator, and a server that dribbles an older vLLM's page. */
class FleetMonitorTest {

  private static final SignalSettings FAST = SignalSettings.DEFAULTS.withScrapeIntervalMillis(100)
      .withHealthIntervalMillis(100).withStaleAfterMillis(400);

  private GuardedVertx guarded;
  private Vertx vertx;
  private FleetMonitor monitor;

  @BeforeEach
  void start() throws Exception {
    guarded = GuardedVertx.create();
    vertx = guarded.vertx();
    monitor = new FleetMonitor(FAST);
    await(vertx.deployVerticle(monitor));
  }

  @AfterEach
  void stop() throws Exception {
    guarded.closeAndAssert();
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  static void waitFor(String what, long millis, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void scrapesPublishTheSimulatorsQueue() throws Exception {
    VllmSimulator sim = await(VllmSimulator.start(vertx, SimulatorConfig.defaults().withMaxNumSeqs(2)
        .withInterTokenMillis(20)));
    LoadSignals signals = new LoadSignals();
    monitor.watch(List.of(new SignalTarget("sim", URI.create(sim.baseUrl()), signals)), FAST);

    Context context = vertx.getOrCreateContext();
    HttpClient client = vertx.createHttpClient();
    String body = new JsonObject().put("model", "demo-llama").put("max_tokens", 100).put("stream", true)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")))
        .encode();
    for (int i = 0; i < 5; i++) {
      context.runOnContext(v -> client.request(new RequestOptions().setMethod(HttpMethod.POST)
              .setAbsoluteURI(sim.baseUrl() + "/v1/chat/completions").putHeader("content-type", "application/json"))
          .compose(request -> request.send(body)).compose(response -> response.body()));
    }
    waitFor("a scrape that sees 2 running and 3 waiting", 5_000, () -> signals.reading() != null
        && signals.reading().metrics().running() == 2 && signals.reading().metrics().waiting() == 3);
    assertTrue(signals.fresh(System.nanoTime(), FAST.staleAfterNanos()));
    assertTrue(signals.reading().metrics().kvCacheUsage() > 0, "KV in use while running");
    await(sim.close());
  }

  @Test
  void scrapesOnAJitteredIntervalNeverInATightLoop() throws Exception {
    VllmSimulator sim = await(VllmSimulator.start(vertx, SimulatorConfig.defaults()));
    LoadSignals signals = new LoadSignals();
    monitor.watch(List.of(new SignalTarget("sim", URI.create(sim.baseUrl()), signals)),
        FAST.withHealthIntervalMillis(0));
    waitFor("the first scrape", 2_000, () -> signals.scrapes() >= 1);
    long before = signals.scrapes();
    Thread.sleep(1_000);
    long perSecond = signals.scrapes() - before;
    // 100 ms ± 20 %: between 1000/120 and 1000/80 scrapes, plus scheduling slack.
    // A busy machine may scrape less often, never more: the upper bound is the point.
    assertTrue(perSecond >= 4 && perSecond <= 13, "scrapes in one second: " + perSecond);
    assertEquals(0, signals.scrapeFailures());
    await(sim.close());
  }

  @Test
  void aDeadBackendGoesStaleAndUnhealthyAndRecovers() throws Exception {
    VllmSimulator sim = await(VllmSimulator.start(vertx, SimulatorConfig.defaults()));
    LoadSignals signals = new LoadSignals();
    monitor.watch(List.of(new SignalTarget("sim", URI.create(sim.baseUrl()), signals)), FAST);
    waitFor("fresh and healthy", 2_000, () -> signals.fresh(System.nanoTime(), FAST.staleAfterNanos())
        && signals.healthChecks() > 0);
    assertTrue(signals.healthy());

    await(sim.refuseConnections());
    waitFor("unhealthy", 3_000, () -> !signals.healthy());
    waitFor("stale", 3_000, () -> !signals.fresh(System.nanoTime(), FAST.staleAfterNanos()));
    assertTrue(signals.scrapeFailures() > 0);

    await(sim.acceptConnections());
    waitFor("healthy and fresh again", 3_000, () -> signals.healthy()
        && signals.fresh(System.nanoTime(), FAST.staleAfterNanos()));
    await(sim.close());
  }

  @Test
  void parsesAnOlderVllmsPageDribbledInTinyChunks() throws Exception {
    String page = """
        # HELP vllm:num_requests_running Number of requests currently running on GPU.
        # TYPE vllm:num_requests_running gauge
        vllm:num_requests_running{model_name="old"} 6.0
        vllm:num_requests_swapped{model_name="old"} 1.0
        vllm:num_requests_waiting{model_name="old"} 2.0
        vllm:gpu_cache_usage_perc{model_name="old"} 0.875
        vllm:gpu_prefix_cache_queries_total{model_name="old"} 64.0
        vllm:gpu_prefix_cache_hits_total{model_name="old"} 16.0
        """;
    HttpServer server = await(vertx.createHttpServer().requestHandler(request -> {
      if (!request.path().equals("/base/metrics")) {
        request.response().setStatusCode(request.path().equals("/base/health") ? 200 : 404).end();
        return;
      }
      request.response().setChunked(true);
      Buffer bytes = Buffer.buffer(page);
      for (int i = 0; i < bytes.length(); i += 7) {
        request.response().write(bytes.slice(i, Math.min(bytes.length(), i + 7)));
      }
      request.response().end();
    }).listen(0, "127.0.0.1"));
    LoadSignals signals = new LoadSignals();
    monitor.watch(List.of(new SignalTarget("old", URI.create("http://127.0.0.1:" + server.actualPort() + "/base/"),
        signals)), FAST);
    waitFor("a scrape", 2_000, () -> signals.reading() != null);
    assertEquals(new ScrapedMetrics(6, 3, 0.875, 64, 16, Double.NaN), signals.reading().metrics());
    assertEquals(0.25, signals.reading().prefixHitRate(), 1e-9);
    await(server.close());
  }

  @Test
  void aBackendNoLongerWatchedIsNoLongerScraped() throws Exception {
    VllmSimulator sim = await(VllmSimulator.start(vertx, SimulatorConfig.defaults()));
    LoadSignals signals = new LoadSignals();
    monitor.watch(List.of(new SignalTarget("sim", URI.create(sim.baseUrl()), signals)), FAST);
    waitFor("a scrape", 2_000, () -> signals.scrapes() > 0);
    monitor.watch(List.of(), FAST);
    Thread.sleep(150); // a scrape in flight may still complete
    long after = signals.scrapes();
    Thread.sleep(400);
    assertEquals(after, signals.scrapes());
    assertFalse(signals.scrapes() == 0);
    await(sim.close());
  }
}
