package io.tollgate.gateway.it;

import io.tollgate.gateway.Gateway;
import io.tollgate.gateway.auth.KeyHasher;
import io.tollgate.gateway.config.ApiKeySpec;
import io.tollgate.gateway.config.BackendSpec;
import io.tollgate.gateway.config.ConfigHolder;
import io.tollgate.gateway.config.ConfigSnapshot;
import io.tollgate.gateway.config.GatewaySettings;
import io.tollgate.gateway.config.LimitSpec;
import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gpu.simulator.SimulatorConfig;
import io.tollgate.gpu.simulator.VllmSimulator;
import io.tollgate.testsupport.GuardedVertx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.PoolOptions;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A gateway in front of N in-process simulators on loopback (port 0 everywhere), with one test
 * key, a collecting usage sink and an HTTP client. Blocking helpers are for the test thread only.
 */
public final class TestBed implements AutoCloseable {

  public static final String PEPPER = "test-pepper";
  public static final String SECRET = "tg-test-secret-0001";
  public static final String KEY_ID = "test-key";
  public static final String ORG = "test-org";
  public static final String MODEL = "m";
  public static final String FORBIDDEN_MODEL = "forbidden";
  /** A pooling model (embeddings, rerank, score) every simulator serves beside {@link #MODEL}. */
  public static final String POOLING_MODEL = "reranker";
  /** A speech-to-text model every simulator serves. */
  public static final String TRANSCRIPTION_MODEL = "whisper";
  public static final String ADMIN_TOKEN = "admin-secret";

  public final GuardedVertx guarded;
  public final Vertx vertx;
  public final List<VllmSimulator> simulators;
  public final Gateway gateway;
  public final CollectingUsageSink usage;
  public final HttpClient client;
  /** Every gateway replica started on this bed (the first is {@link #gateway}). */
  public final List<Gateway> gateways = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Builder builder;
  private final ConfigSnapshot snapshot;

  private TestBed(GuardedVertx guarded, List<VllmSimulator> simulators, Gateway gateway,
                  CollectingUsageSink usage, HttpClient client, Builder builder, ConfigSnapshot snapshot) {
    this.guarded = guarded;
    this.vertx = guarded.vertx();
    this.simulators = simulators;
    this.gateway = gateway;
    this.usage = usage;
    this.client = client;
    this.builder = builder;
    this.snapshot = snapshot;
    gateways.add(gateway);
  }

  /** Starts one more replica with the same config and platform services, sharing the usage sink. */
  public Gateway addReplica() throws Exception {
    return addReplica(builder.platform);
  }

  /** Starts one more replica with the same config and these platform services (e.g. through a relay). */
  public Gateway addReplica(io.tollgate.gateway.config.PlatformSettings platform) throws Exception {
    Gateway replica = await(Gateway.start(vertx, builder.settings(), platform, new ConfigHolder(snapshot), usage));
    gateways.add(replica);
    return replica;
  }

  /** An HTTP client bound to a replica's port. */
  public HttpClient clientOf(Gateway replica) {
    HttpClient replicaClient = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(replica.port()), new PoolOptions().setHttp1MaxSize(1_000));
    Http.bind(replicaClient, vertx.getOrCreateContext());
    return replicaClient;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private int simulators = 2;
    private UnaryOperator<SimulatorConfig> simulatorConfig = c -> c.withInterTokenMillis(2);
    private LimitSpec limits = LimitSpec.UNLIMITED;
    private int maxAttempts = 2;
    private ModelRoute.RouteTimeouts timeouts = new ModelRoute.RouteTimeouts(1_000, 10_000, 5_000);
    private long keepAliveMillis = 15_000;
    private long maxBodyBytes = 64 * 1024;
    private int eventLoops = 2;
    private io.tollgate.frontdoor.FrontDoorSettings frontDoor = io.tollgate.frontdoor.FrontDoorSettings.defaults();
    private io.tollgate.gateway.config.PlatformSettings platform = io.tollgate.gateway.config.PlatformSettings.STANDALONE;
    private PlatformFactory platformFactory;
    private io.tollgate.gateway.trace.RequestTracer tracer = io.tollgate.gateway.trace.RequestTracer.disabled();

    public Builder tracer(io.tollgate.gateway.trace.RequestTracer tracer) {
      this.tracer = tracer;
      return this;
    }
    private java.util.function.UnaryOperator<ConfigSnapshot> snapshotEdit = s -> s;

    public Builder platform(io.tollgate.gateway.config.PlatformSettings platform) {
      this.platform = platform;
      return this;
    }

    /** Platform settings made once the bed's Vert.x exists (e.g. behind a proxy started on it). */
    public Builder platform(PlatformFactory factory) {
      this.platformFactory = factory;
      return this;
    }

    /** Edits the snapshot before start (orgs, budgets, prices). */
    public Builder snapshot(java.util.function.UnaryOperator<ConfigSnapshot> edit) {
      this.snapshotEdit = edit;
      return this;
    }

    GatewaySettings settings() {
      return new GatewaySettings("127.0.0.1", 0, "127.0.0.1", 0, ADMIN_TOKEN, PEPPER,
          maxBodyBytes, keepAliveMillis, 5_000, Path.of("target/unused-usage.jsonl"), eventLoops, frontDoor, 0,
          decompressRequests, cors, upstreamApiKey, tls, http2);
    }

    private io.tollgate.frontdoor.Http2Policy http2 = io.tollgate.frontdoor.Http2Policy.defaults();

    /** Whether (and how) the data plane speaks HTTP/2. */
    public Builder http2(io.tollgate.frontdoor.Http2Policy policy) {
      this.http2 = policy;
      return this;
    }

    private io.tollgate.gateway.config.GatewayTls tls = io.tollgate.gateway.config.GatewayTls.off();

    /** HTTPS on the gateway's ports, trust in the backends' certificates. */
    public Builder tls(io.tollgate.gateway.config.GatewayTls settings) {
      this.tls = settings;
      return this;
    }

    private String upstreamApiKey = "";

    /** The key the gateway sends its backends (and the simulators then demand). */
    public Builder upstreamApiKey(String key) {
      this.upstreamApiKey = key;
      return this;
    }

    private boolean decompressRequests = true;
    private io.tollgate.gateway.config.CorsSettings cors = io.tollgate.gateway.config.CorsSettings.off();

    public Builder decompressRequests(boolean decompress) {
      this.decompressRequests = decompress;
      return this;
    }

    public Builder cors(io.tollgate.gateway.config.CorsSettings settings) {
      this.cors = settings;
      return this;
    }

    /** The public port's deadlines and limits (short ones for the front-door tests). */
    public Builder frontDoor(io.tollgate.frontdoor.FrontDoorSettings settings) {
      this.frontDoor = settings;
      return this;
    }

    private final Map<Integer, UnaryOperator<SimulatorConfig>> simulatorOverrides = new HashMap<>();
    private UnaryOperator<ModelRoute> routeEdit = r -> r;
    private UnaryOperator<io.tollgate.gpu.signals.SignalSettings> routingEdit = r -> r;

    /** Overrides the config of one simulator (1-based), after {@link #simulatorConfig}: unequal fleets. */
    public Builder simulator(int number, UnaryOperator<SimulatorConfig> config) {
      this.simulatorOverrides.put(number, config);
      return this;
    }

    /** Edits the route of {@link #MODEL} (strategy, fallback, canary, retry budget). */
    public Builder route(UnaryOperator<ModelRoute> edit) {
      this.routeEdit = edit;
      return this;
    }

    /** Edits the snapshot's fleet-wide routing settings (scrapes, health checks, ejection). */
    public Builder routing(UnaryOperator<io.tollgate.gpu.signals.SignalSettings> edit) {
      this.routingEdit = edit;
      return this;
    }

    public Builder simulators(int count) {
      this.simulators = count;
      return this;
    }

    public Builder simulatorConfig(UnaryOperator<SimulatorConfig> config) {
      this.simulatorConfig = config;
      return this;
    }

    public Builder limits(LimitSpec limits) {
      this.limits = limits;
      return this;
    }

    public Builder maxAttempts(int attempts) {
      this.maxAttempts = attempts;
      return this;
    }

    public Builder timeouts(ModelRoute.RouteTimeouts timeouts) {
      this.timeouts = timeouts;
      return this;
    }

    public Builder keepAliveMillis(long millis) {
      this.keepAliveMillis = millis;
      return this;
    }

    public Builder eventLoops(int loops) {
      this.eventLoops = loops;
      return this;
    }

    public TestBed start() throws Exception {
      // The transport the gateway's main picks on this machine (native epoll on Linux): the front
      // door's handlers and the relays run in its pipeline. -Dtollgate.test.transport=io_uring runs
      // the suite on another (as TOLLGATE_TRANSPORT names them).
      GuardedVertx guarded = GuardedVertx.create(io.tollgate.gateway.NetworkTransport.fromEnv(
          java.util.Map.of("TOLLGATE_TRANSPORT", System.getProperty("tollgate.test.transport", "auto"))).resolve());
      Vertx vertx = guarded.vertx();
      if (platformFactory != null) {
        platform = platformFactory.create(vertx);
      }
      SimulatorConfig config = simulatorConfig.apply(SimulatorConfig.defaults().withModels(List.of(MODEL, FORBIDDEN_MODEL))
          .withPoolingModels(List.of(POOLING_MODEL)).withTranscriptionModels(List.of(TRANSCRIPTION_MODEL)));
      List<Future<VllmSimulator>> starting = new ArrayList<>();
      for (int i = 0; i < simulators; i++) {
        UnaryOperator<SimulatorConfig> override = simulatorOverrides.getOrDefault(i + 1, c -> c);
        starting.add(VllmSimulator.start(vertx, override.apply(config)));
      }
      List<VllmSimulator> sims = new ArrayList<>();
      for (Future<VllmSimulator> future : starting) {
        sims.add(await(future));
      }
      ConfigSnapshot snapshot = snapshotEdit.apply(snapshot(sims, 1));
      CollectingUsageSink usage = new CollectingUsageSink();
      Gateway gateway = await(Gateway.start(vertx, settings(), platform, new ConfigHolder(snapshot), usage, tracer));
      HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(gateway.port()), new PoolOptions().setHttp1MaxSize(1_000));
      Http.bind(client, vertx.getOrCreateContext());
      return new TestBed(guarded, sims, gateway, usage, client, this, snapshot);
    }

    ConfigSnapshot snapshot(List<VllmSimulator> sims, long version) {
      Map<String, BackendSpec> backends = new HashMap<>();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < sims.size(); i++) {
        String id = "sim-" + (i + 1);
        ids.add(id);
        backends.put(id, new BackendSpec(id, URI.create(sims.get(i).baseUrl())));
      }
      Map<String, ModelRoute> models = Map.of(
          MODEL, routeEdit.apply(new ModelRoute(MODEL, MODEL, ids, timeouts, maxAttempts, new ModelRoute.Prices(1.0, 2.0))),
          FORBIDDEN_MODEL, new ModelRoute(FORBIDDEN_MODEL, FORBIDDEN_MODEL, ids, timeouts, maxAttempts,
              ModelRoute.Prices.FREE),
          POOLING_MODEL, new ModelRoute(POOLING_MODEL, POOLING_MODEL, ids, timeouts, maxAttempts,
              new ModelRoute.Prices(0.5, 0)),
          TRANSCRIPTION_MODEL, new ModelRoute(TRANSCRIPTION_MODEL, TRANSCRIPTION_MODEL, ids, timeouts, maxAttempts,
              ModelRoute.Prices.FREE));
      String hash = new KeyHasher(PEPPER).hash(SECRET);
      ApiKeySpec key = new ApiKeySpec(KEY_ID, hash, ORG, Set.of(MODEL, POOLING_MODEL, TRANSCRIPTION_MODEL), limits);
      return new ConfigSnapshot(version, backends, models, Map.of(hash, key), LimitSpec.UNLIMITED, 64)
          .withRouting(routingEdit.apply(io.tollgate.gpu.signals.SignalSettings.DEFAULTS));
    }
  }

  /** Makes platform settings on the bed's Vert.x. */
  @FunctionalInterface
  public interface PlatformFactory {
    io.tollgate.gateway.config.PlatformSettings create(Vertx vertx) throws Exception;
  }

  /** An HTTP client for the first gateway's admin port (send {@link #ADMIN_TOKEN} as the key). */
  public HttpClient adminClient() {
    HttpClient admin = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(gateway.adminPort()));
    Http.bind(admin, vertx.getOrCreateContext());
    return admin;
  }

  public VllmSimulator sim(int number) {
    return simulators.get(number - 1);
  }

  public static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** GET or POST /admin/config on the gateway's admin port, with the admin token. */
  public Http.Reply adminConfig(HttpMethod method, JsonObject body) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1")
        .setPort(gateway.adminPort()).setURI("/admin/config")
        .putHeader("authorization", "Bearer " + ADMIN_TOKEN)
        .putHeader("content-type", "application/json");
    return Http.onContext(client, () -> client.request(options)
        .compose(request -> (body == null ? request.send() : request.send(body.toBuffer()))
            .compose(response -> response.body().map(b -> new Http.Reply(response.statusCode(), response.headers(), b)))));
  }

  @Override
  public void close() throws Exception {
    try {
      for (Gateway replica : gateways) {
        await(replica.shutdown(1_000));
      }
    } finally {
      guarded.closeAndAssert();
    }
  }
}
