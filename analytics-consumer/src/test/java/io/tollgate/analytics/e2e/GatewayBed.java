package io.tollgate.analytics.e2e;

import io.tollgate.analytics.config.BrokerSettings;
import io.tollgate.gateway.Gateway;
import io.tollgate.gateway.auth.KeyHasher;
import io.tollgate.gateway.config.ApiKeySpec;
import io.tollgate.gateway.config.BackendSpec;
import io.tollgate.gateway.config.ConfigHolder;
import io.tollgate.gateway.config.ConfigSnapshot;
import io.tollgate.gateway.config.GatewaySettings;
import io.tollgate.gateway.config.LimitSpec;
import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gateway.config.RabbitSettings;
import io.tollgate.gateway.usage.RabbitUsageSink;
import io.tollgate.gpu.simulator.SimulatorConfig;
import io.tollgate.gpu.simulator.VllmSimulator;
import io.tollgate.testsupport.GuardedVertx;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A real gateway in platform-mode usage (RabbitUsageSink) in front of two in-process vLLM
 * simulators, with one key, on its own guarded Vert.x; requests issued from a Vert.x context.
 */
final class GatewayBed implements AutoCloseable {

  static final String PEPPER = "e2e-pepper";
  static final String SECRET = "tg-e2e-secret-0001";
  static final String KEY_ID = "e2e-key";
  static final String ORG = "e2e-org";
  static final String MODEL = "m";
  static final ModelRoute.Prices PRICES = new ModelRoute.Prices(1.0, 2.0);

  final GuardedVertx guarded;
  final Vertx vertx;
  final List<VllmSimulator> simulators;
  final Gateway gateway;
  final RabbitUsageSink usage;
  private final HttpClient client;
  private final Context context;

  private GatewayBed(GuardedVertx guarded, List<VllmSimulator> simulators, Gateway gateway, RabbitUsageSink usage) {
    this.guarded = guarded;
    this.vertx = guarded.vertx();
    this.simulators = simulators;
    this.gateway = gateway;
    this.usage = usage;
    this.client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(gateway.port()), new PoolOptions().setHttp1MaxSize(100));
    this.context = vertx.getOrCreateContext();
  }

  /** The gateway publishes to {@code amqpUrl} with the topology names of the consumer's settings. */
  static GatewayBed start(GuardedVertx guarded, String amqpUrl, BrokerSettings names, Path spoolDir) throws Exception {
    Vertx vertx = guarded.vertx();
    SimulatorConfig config = SimulatorConfig.defaults().withModels(List.of(MODEL)).withInterTokenMillis(2);
    List<VllmSimulator> sims = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      sims.add(await(VllmSimulator.start(vertx, config)));
    }
    Map<String, BackendSpec> backends = new HashMap<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < sims.size(); i++) {
      String id = "sim-" + (i + 1);
      ids.add(id);
      backends.put(id, new BackendSpec(id, URI.create(sims.get(i).baseUrl())));
    }
    ModelRoute route = new ModelRoute(MODEL, MODEL, ids, new ModelRoute.RouteTimeouts(1_000, 10_000, 5_000), 2, PRICES);
    String hash = new KeyHasher(PEPPER).hash(SECRET);
    ApiKeySpec key = new ApiKeySpec(KEY_ID, hash, ORG, Set.of(MODEL), LimitSpec.UNLIMITED);
    ConfigSnapshot snapshot = new ConfigSnapshot(1, backends, Map.of(MODEL, route), Map.of(hash, key),
        LimitSpec.UNLIMITED, 64);
    GatewaySettings settings = new GatewaySettings("127.0.0.1", 0, "127.0.0.1", 0, "admin", PEPPER, 64 * 1024,
        15_000, 5_000, spoolDir.resolve("unused.jsonl"), 2);
    RabbitSettings rabbit = RabbitSettings.defaults(amqpUrl, spoolDir.resolve("spool"))
        .withNames(names.exchange(), names.queue())
        .withBatching(64, 0, 10_000) // natural batching, the default
        .withTimeouts(1_000, 200);
    RabbitUsageSink usage = await(RabbitUsageSink.start(vertx, rabbit));
    Gateway gateway = await(Gateway.start(vertx, settings, new ConfigHolder(snapshot), usage));
    return new GatewayBed(guarded, sims, gateway, usage);
  }

  record Reply(int status, MultiMap headers, Buffer body, long millis) {
  }

  static String chat(int maxTokens, boolean stream) {
    return new JsonObject().put("model", MODEL).put("max_tokens", maxTokens).put("stream", stream)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "count the toll gates")))
        .encode();
  }

  Future<Reply> post(String body, String requestId) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/chat/completions")
        .putHeader("content-type", "application/json").putHeader("authorization", "Bearer " + SECRET)
        .putHeader("x-request-id", requestId);
    long start = System.nanoTime();
    // body() is asked for in the callback that delivers the response (eclipse-vertx/vert.x#5904).
    return client.request(options).compose(request -> request.send(body).compose(response -> response.body()
        .map(b -> new Reply(response.statusCode(), response.headers(), b, (System.nanoTime() - start) / 1_000_000))));
  }

  /** Sends the bodies {@code concurrency} at a time, from the bed's context; replies in order. */
  List<Reply> send(List<String> bodies, List<String> requestIds, int concurrency) throws Exception {
    List<Reply> replies = new ArrayList<>();
    for (int from = 0; from < bodies.size(); from += concurrency) {
      int start = from;
      int end = Math.min(bodies.size(), from + concurrency);
      List<Reply> wave = onContext(() -> {
        List<Future<Reply>> calls = new ArrayList<>();
        for (int i = start; i < end; i++) {
          calls.add(post(bodies.get(i), requestIds.get(i)));
        }
        return Future.all(calls).map(all -> all.<Reply>list());
      });
      replies.addAll(wave);
    }
    return replies;
  }

  <T> T onContext(Supplier<Future<T>> call) throws Exception {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(promise));
    return await(promise.future());
  }

  VllmSimulator sim(int number) {
    return simulators.get(number - 1);
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** Drains the gateway, then closes the usage sink (publishing or spooling what is pending). */
  @Override
  public void close() throws Exception {
    try {
      await(gateway.shutdown(1_000));
      await(usage.close());
      await(client.close());
    } finally {
      guarded.closeAndAssert();
    }
  }
}
