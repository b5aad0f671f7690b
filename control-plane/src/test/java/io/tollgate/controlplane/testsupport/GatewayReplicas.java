package io.tollgate.controlplane.testsupport;

import io.tollgate.gateway.Gateway;
import io.tollgate.gateway.config.ConfigHolder;
import io.tollgate.gateway.config.GatewaySettings;
import io.tollgate.gateway.config.PlatformSettings;
import io.tollgate.gateway.config.RedisSettings;
import io.tollgate.gateway.usage.SpoolUsageSink;
import io.tollgate.gpu.simulator.SimulatorConfig;
import io.tollgate.gpu.simulator.VllmSimulator;
import io.tollgate.testsupport.GuardedVertx;
import io.tollgate.testsupport.Services;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Real gateway replicas in platform mode (Redis keys under the control plane's prefix), each on its
 * own guarded Vert.x, in front of in-process vLLM simulators.
 */
public final class GatewayReplicas implements AutoCloseable {

  public static final String MODEL = "m";

  public final GuardedVertx guarded = GuardedVertx.create();
  public final List<VllmSimulator> simulators = new ArrayList<>();
  public final List<Gateway> gateways = new ArrayList<>();
  private final List<HttpClient> clients = new ArrayList<>();
  private final Context context = guarded.vertx().getOrCreateContext();
  private final Path spoolDir;

  private GatewayReplicas(Path spoolDir) {
    this.spoolDir = spoolDir;
  }

  /** {@code replicas} gateways sharing Redis prefix {@code prefix}; {@code sims} simulators. */
  public static GatewayReplicas start(int replicas, int sims, String pepper, String prefix,
                                      SimulatorConfig simulatorConfig) throws Exception {
    GatewayReplicas bed = new GatewayReplicas(Files.createTempDirectory("tg-cp-gw"));
    try {
      for (int i = 0; i < sims; i++) {
        bed.simulators.add(RunningControlPlane.await(VllmSimulator.start(bed.guarded.vertx(), simulatorConfig)));
      }
      JsonObject snapshot = bed.initialSnapshot();
      for (int i = 0; i < replicas; i++) {
        bed.gateways.add(RunningControlPlane.await(bed.startReplica(i, pepper, prefix, snapshot)));
      }
      for (Gateway gateway : bed.gateways) {
        bed.clients.add(bed.guarded.vertx().createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
            .setDefaultPort(gateway.port())));
      }
      return bed;
    } catch (Exception | AssertionError e) {
      bed.close();
      throw e;
    }
  }

  public static SimulatorConfig fastSimulator() {
    return SimulatorConfig.defaults().withModels(List.of(MODEL)).withInterTokenMillis(1);
  }

  /** The first simulator serves the model; the control plane's snapshots take over from here. */
  private JsonObject initialSnapshot() {
    JsonArray backends = new JsonArray();
    for (int i = 0; i < simulators.size(); i++) {
      backends.add(new JsonObject().put("id", "sim-" + (i + 1)).put("url", simulators.get(i).baseUrl()));
    }
    return new JsonObject().put("backends", backends)
        .put("models", new JsonArray().add(new JsonObject().put("name", MODEL)
            .put("backends", new JsonArray().add("sim-1"))))
        .put("keys", new JsonArray());
  }

  private Future<Gateway> startReplica(int index, String pepper, String prefix, JsonObject snapshot) throws Exception {
    GatewaySettings settings = new GatewaySettings("127.0.0.1", 0, "127.0.0.1", 0, "admin", pepper, 64 * 1024,
        15_000, 2_000, spoolDir.resolve("usage-" + index + ".jsonl"), 1);
    RedisSettings redis = new RedisSettings(Services.REDIS_URL, 250, RedisSettings.FailPolicy.OPEN, 2, prefix);
    return Gateway.start(guarded.vertx(), settings, new PlatformSettings(redis, null), ConfigHolder.fromRaw(snapshot),
        new SpoolUsageSink(settings.usageSpoolPath()));
  }

  /** A whole answer from replica {@code index}. */
  public record Answer(int status, String body, String backend, long endNanos) {
  }

  public Future<Answer> chatAsync(int index, String secret, int maxTokens, boolean stream) {
    String body = new JsonObject().put("model", MODEL).put("max_tokens", maxTokens).put("stream", stream)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hello")))
        .encode();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/chat/completions")
        .putHeader("content-type", "application/json").putHeader("authorization", "Bearer " + secret);
    HttpClient client = clients.get(index);
    Promise<Answer> promise = Promise.promise();
    context.runOnContext(v -> client.request(options)
        .compose(request -> request.send(Buffer.buffer(body))
            .compose(response -> response.body().map(b -> new Answer(response.statusCode(), b.toString(),
                response.getHeader("x-tollgate-backend"), System.nanoTime()))))
        .onComplete(promise));
    return promise.future();
  }

  public Answer chat(int index, String secret) throws Exception {
    return RunningControlPlane.await(chatAsync(index, secret, 4, false));
  }

  public <T> T onContext(Supplier<Future<T>> call) throws Exception {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(promise));
    return RunningControlPlane.await(promise.future());
  }

  @Override
  public void close() throws Exception {
    try {
      for (Gateway gateway : gateways) {
        RunningControlPlane.await(gateway.shutdown(500));
      }
    } finally {
      guarded.closeAndAssert();
    }
  }
}
