package io.tollgate.gpu.simulator;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The simulator's one verticle: its context is the single event loop on which the HTTP server, the engine
 * and the metrics all run, so none of them needs a lock.
 */
final class SimulatorServer extends VerticleBase {

  private static final long BODY_LIMIT_BYTES = 64L * 1024 * 1024;
  /** How long a refused-connections server lets its in-flight responses finish. */
  private static final long DRAIN_DAYS = 365;
  /**
   * A fixed socket send buffer. Left to Linux autotuning it grows to tcp_wmem's max (4 MB), so a client that
   * stops reading would only hold back a stream after ~20,000 tokens; with this, after a few hundred.
   */
  private static final int SEND_BUFFER_BYTES = 64 * 1024;

  private final SimulatorConfig config;
  private volatile SimulatorFaults faults = SimulatorFaults.none();
  private final Set<HttpConnection> connections = new HashSet<>();
  private SimulatorMetrics metrics;
  private GpuEngine engine;
  private Router router;
  private HttpServer server;
  private NetClient probe;
  private volatile int port;

  SimulatorServer(SimulatorConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    metrics = new SimulatorMetrics(config);
    engine = new GpuEngine(vertx, config, () -> faults, metrics);
    router = routes();
    probe = vertx.createNetClient(new NetClientOptions().setConnectTimeout(1_000));
    return listen(config.port()).onSuccess(s -> port = s.actualPort());
  }

  @Override
  public Future<?> stop() {
    engine.close();
    for (HttpConnection connection : new ArrayList<>(connections)) {
      connection.close();
    }
    HttpServer current = server;
    server = null;
    return Future.join(current == null ? Future.succeededFuture() : current.close(), probe.close());
  }

  int port() {
    return port;
  }

  SimulatorFaults faults() {
    return faults;
  }

  void faults(SimulatorFaults faults) {
    this.faults = faults;
  }

  private volatile Launcher launcher;

  String lastTraceparent() {
    Launcher current = launcher;
    return current == null ? null : current.lastTraceparent();
  }

  SimulatorStats stats() {
    return new SimulatorStats(engine.running(), engine.waiting(), engine.paused(), metrics.completed(),
        metrics.aborted, metrics.promptTokens, metrics.generationTokens, metrics.prefixCacheQueries,
        metrics.prefixCacheHits, metrics.errorsInjected, engine.kvCacheUsage(),
        metrics.rejectedQueuedReqs + metrics.rejectedQueuedTokens, metrics.endpointCounts());
  }

  /** Runs an action on this verticle's event loop, from any thread. */
  <T> Future<T> onContext(Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        action.get().onComplete(promise);
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }

  /**
   * Stops listening: the server is shut down gracefully (the listening socket closes at once, idle
   * connections close, responses in flight go on), then we wait until a connect attempt is refused.
   */
  Future<Void> refuseConnections() {
    HttpServer current = server;
    if (current == null) {
      return Future.succeededFuture();
    }
    server = null;
    current.shutdown(DRAIN_DAYS, TimeUnit.DAYS);
    Promise<Void> refused = Promise.promise();
    probeUntilRefused(refused, 0);
    return refused.future();
  }

  Future<Void> acceptConnections() {
    if (server != null) {
      return Future.succeededFuture();
    }
    return listen(port).mapEmpty();
  }

  private void probeUntilRefused(Promise<Void> refused, int attempt) {
    probe.connect(port, VllmSimulator.loopbackHost(config.host())).onComplete(ar -> {
      if (ar.failed()) {
        refused.complete();
        return;
      }
      ar.result().close();
      if (attempt >= 200) {
        refused.fail("port " + port + " still accepts connections");
      } else {
        vertx.setTimer(5, t -> probeUntilRefused(refused, attempt + 1));
      }
    });
  }

  private Future<HttpServer> listen(int listenPort) {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.host())
        .setPort(listenPort)
        .setTcpNoDelay(true)
        .setSendBufferSize(SEND_BUFFER_BYTES)
        .setIdleTimeout(0)
        .setHttp2ClearTextEnabled(false);
    if (config.sslCertFile() != null) {
      // vLLM's --ssl-certfile/--ssl-keyfile: HTTP/1.1 over TLS, as uvicorn serves it.
      options.setSsl(true).setUseAlpn(false)
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(config.sslCertFile()).setKeyPath(config.sslKeyFile()));
    }
    HttpServer created = vertx.createHttpServer(options)
        .connectionHandler(this::track)
        .requestHandler(router);
    return created.listen().onSuccess(s -> server = s);
  }

  private void track(HttpConnection connection) {
    connections.add(connection);
    connection.closeHandler(v -> connections.remove(connection));
  }

  private Router routes() {
    Launcher launcher = new Launcher(config, engine, metrics, () -> faults);
    this.launcher = launcher;
    GenerationHandler generation = new GenerationHandler(config, launcher);
    ServerInfoHandler info = new ServerInfoHandler(config, engine);
    TokenizeHandler tokenizer = new TokenizeHandler(config);
    PrefillDelay prefillDelay = new PrefillDelay(config, vertx, metrics);
    EmbeddingHandler embeddings = new EmbeddingHandler(config, prefillDelay);
    ResponsesHandler responses = new ResponsesHandler(config, launcher);
    MessagesHandler messages = new MessagesHandler(config, launcher);
    PoolingHandler pooling = new PoolingHandler(config, prefillDelay);
    TranscriptionHandler audio = new TranscriptionHandler(config, launcher, BODY_LIMIT_BYTES);

    BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES);
    Router r = Router.router(vertx);
    if (config.apiKey() != null) {
      r.route().handler(this::authorize);
    }
    r.post("/v1/chat/completions").handler(body).handler(ctx -> generation.handle(ctx, Endpoint.CHAT));
    r.post("/v1/completions").handler(body).handler(ctx -> generation.handle(ctx, Endpoint.COMPLETION));
    r.post("/v1/responses").handler(body).handler(responses::create);
    r.get("/v1/responses/:id").handler(responses::get);
    r.post("/v1/responses/:id/cancel").handler(responses::cancel);
    // Claude Code posts /v1/messages?beta=true: the router matches on the path alone.
    r.post("/v1/messages").handler(body).handler(messages::create);
    r.post("/v1/messages/count_tokens").handler(body).handler(messages::countTokens);
    for (String path : new String[] {"/score", "/v1/score"}) {
      r.post(path).handler(body).handler(pooling::score);
    }
    for (String path : new String[] {"/rerank", "/v1/rerank", "/v2/rerank"}) {
      r.post(path).handler(body).handler(pooling::rerank);
    }
    // No BodyHandler: the multipart body is read as it streams in, and the audio only counted.
    r.post("/v1/audio/transcriptions").handler(ctx -> audio.handle(ctx, Endpoint.TRANSCRIPTION));
    r.post("/v1/audio/translations").handler(ctx -> audio.handle(ctx, Endpoint.TRANSLATION));
    r.post("/v1/embeddings").handler(body).handler(embeddings::handle);
    r.get("/v1/models").handler(info::models);
    r.get("/health").handler(info::health);
    r.get("/ping").handler(info::health);
    r.post("/ping").handler(info::health);
    r.get("/version").handler(info::version);
    r.get("/load").handler(info::load);
    r.post("/tokenize").handler(body).handler(tokenizer::tokenize);
    r.post("/detokenize").handler(body).handler(tokenizer::detokenize);
    r.get("/metrics").handler(this::metrics);
    r.get("/sim/stats").handler(ctx -> json(ctx, stats().toJson()));
    r.get("/sim/faults").handler(ctx -> json(ctx, faults.toJson()));
    r.post("/sim/faults").handler(body).handler(this::setFaults);
    // FastAPI's answers for unknown paths and methods.
    r.errorHandler(404, ctx -> detail(ctx, 404, "Not Found"));
    r.errorHandler(405, ctx -> detail(ctx, 405, "Method Not Allowed"));
    r.errorHandler(413, ctx -> new ApiError(413, "Request body too large", null).send(ctx.response()));
    r.errorHandler(500, ctx -> new ApiError(500, "Internal simulator error: " + ctx.failure(), null)
        .send(ctx.response()));
    return r;
  }

  /**
   * vLLM's {@code --api-key}: only {@code Authorization: Bearer <key>} is accepted (never {@code x-api-key});
   * the probes, version, metrics and the simulator's own control paths stay open.
   */
  private void authorize(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (path.equals("/health") || path.equals("/ping") || path.equals("/load") || path.equals("/version")
        || path.equals("/metrics") || path.startsWith("/sim/")) {
      ctx.next();
      return;
    }
    String authorization = ctx.request().getHeader("Authorization");
    if (authorization != null && authorization.equals("Bearer " + config.apiKey())) {
      ctx.next();
      return;
    }
    ctx.response().setStatusCode(401).putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", "Unauthorized").encode());
  }

  private void metrics(RoutingContext ctx) {
    ctx.response().putHeader("content-type", PrometheusText.CONTENT_TYPE)
        .end(metrics.render(engine.running(), engine.waiting(), engine.kvCacheUsage()));
  }

  private void setFaults(RoutingContext ctx) {
    try {
      String text = ctx.body().asString();
      SimulatorFaults updated = SimulatorFaults.fromJson(
          text == null || text.isBlank() ? new JsonObject() : new JsonObject(text));
      faults = updated;
      json(ctx, updated.toJson());
    } catch (RuntimeException e) {
      ApiError.badRequest("Invalid faults: " + e.getMessage()).send(ctx.response());
    }
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("content-type", "application/json").end(body.encode());
  }

  private static void detail(RoutingContext ctx, int status, String detail) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
          .end(new JsonObject().put("detail", detail).encode());
    }
  }
}
