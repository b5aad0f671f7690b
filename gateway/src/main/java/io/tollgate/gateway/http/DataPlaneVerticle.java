package io.tollgate.gateway.http;

import io.tollgate.frontdoor.FrontDoor;
import io.tollgate.gateway.pipeline.GatewayServices;
import io.tollgate.gateway.outcome.Refusal;
import io.tollgate.gateway.pipeline.RequestPipeline;
import io.tollgate.gateway.request.Endpoint;
import io.tollgate.gateway.upstream.UpstreamClient;
import io.tollgate.gateway.stream.StreamWatchdog;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * The data-plane HTTP server: one instance per event loop, each with its own upstream HTTP client
 * and stream watchdog, so a request and its upstream stay on one thread from start to end.
 */
public final class DataPlaneVerticle extends VerticleBase {

  /** Upstream connections one event loop may hold open to one backend; each HTTP/1.1 request in flight holds one. */
  private static final int UPSTREAM_POOL_SIZE = 8_192;
  /**
   * Fixed socket receive buffer for upstream connections. Linux would autotune it up to
   * tcp_rmem's max (32 MiB here) per stream; tokens are tiny, and a bounded buffer is what lets a
   * slow client's back-pressure reach the backend quickly and keeps memory flat.
   */
  private static final int UPSTREAM_RECEIVE_BUFFER = 64 * 1024;

  private static final String MODEL_PATH = "/v1/models/";

  private final GatewayServices services;
  private final FrontDoor frontDoor;
  private final int port;
  private HttpServer server;
  private UpstreamClient client;
  private final StreamWatchdog watchdog = new StreamWatchdog();
  private RequestPipeline pipeline;
  private ModelsEndpoint models;
  private Cors cors;
  private long watchdogTimer;

  public DataPlaneVerticle(GatewayServices services, FrontDoor frontDoor, int port) {
    this.services = services;
    this.frontDoor = frontDoor;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    // https:// backends: their certificates verified against tls.backendCaFile, host names checked.
    client = new UpstreamClient(vertx, 
        services.settings().tls().backendClient(new HttpClientOptions())
            .setKeepAlive(true)
            .setTcpNoDelay(true)
            .setReceiveBufferSize(UPSTREAM_RECEIVE_BUFFER)
            .setDecompressionSupported(false)
            .setMaxInitialLineLength(16 * 1024),
        UPSTREAM_POOL_SIZE);
    pipeline = new RequestPipeline(services, client, watchdog, new HttpResponder());
    models = new ModelsEndpoint(services.authenticator(), services.snapshots());
    cors = new Cors(services.settings().cors());
    // The watchdog's tick doubles as the event-loop lag probe: how late it fires is how long the
    // loop was busy with other work.
    long periodNanos = StreamWatchdog.PERIOD_MILLIS * 1_000_000;
    long[] due = {System.nanoTime() + periodNanos};
    watchdogTimer = vertx.setPeriodic(StreamWatchdog.PERIOD_MILLIS, id -> {
      long now = System.nanoTime();
      services.metrics().eventLoopLag(Math.max(0, now - due[0]));
      due[0] = now + periodNanos;
      watchdog.tick(now);
      client.expireIdle(now);
    });
    // The front door refuses bad framing and oversized heads and keeps the header, body and idle
    // deadlines before anything here runs (docs/adr/0007-front-door.md).
    server = frontDoor.createServer(vertx, new HttpServerOptions()
        .setHost(services.settings().host())
        .setPort(port)
        .setTcpNoDelay(true)
        // Every write to a client happens on its connection's event loop (a continuation that a
        // Redis reply completed elsewhere is brought back by ClientWriter.onItsLoop), so Vert.x may
        // skip the outbound message queue it keeps for writes from other threads.
        .setStrictThreadMode(true)
        .setCompressionSupported(false)
        // The data plane serves no WebSockets; with either compression on, Vert.x puts a WebSocket
        // extension handler in every connection's pipeline that each request passes through.
        .setPerFrameWebSocketCompressionSupported(false)
        .setPerMessageWebSocketCompressionSupported(false), this::route);
    return server.listen().onSuccess(frontDoor::listening);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(watchdogTimer);
    return client.close();
  }

  /** The bound port (useful when started on port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  public HttpServer server() {
    return server;
  }

  private void route(HttpServerRequest request) {
    if (cors.preflight(request)) {
      return;
    }
    cors.decorate(request);
    String path = request.path();
    Endpoint endpoint = Endpoint.ofPath(path);
    if (endpoint != null) {
      pipeline.handle(request, endpoint);
      return;
    }
    if (path.startsWith(MODEL_PATH) && path.length() > MODEL_PATH.length()) {
      if (!readOnly(request.method())) {
        reply(request, Refusal.methodNotAllowed(request.method().name(), path));
      } else {
        // SDKs percent-encode the id ('/' in Hugging Face names as %2F); '+' is not a space in a path.
        String id = path.substring(MODEL_PATH.length()).replace("+", "%2B");
        models.handle(request, java.net.URLDecoder.decode(id, java.nio.charset.StandardCharsets.UTF_8));
      }
      return;
    }
    switch (path) {
      case "/v1/models" -> {
        if (!readOnly(request.method())) {
          reply(request, Refusal.methodNotAllowed(request.method().name(), path));
        } else {
          models.handle(request, null);
        }
      }
      case "/healthz" -> json(request, 200, new JsonObject().put("status", "ok"));
      case "/readyz" -> {
        boolean ready = services.lifecycle().ready();
        json(request, ready ? 200 : 503, new JsonObject()
            .put("status", ready ? "ready" : services.lifecycle().draining() ? "draining" : "starting")
            .put("config_version", services.snapshots().get().version()));
      }
      default -> reply(request, Refusal.notFound(path));
    }
  }

  /** GET, or HEAD: the same answer without its body (Vert.x leaves the body out), as HTTP asks of every server. */
  private static boolean readOnly(HttpMethod method) {
    return method == HttpMethod.GET || method == HttpMethod.HEAD;
  }

  static void json(HttpServerRequest request, int status, JsonObject body) {
    request.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.toBuffer());
  }

  /** Sends an error; used for requests that do not reach the pipeline. */
  private static void reply(HttpServerRequest request, Refusal refusal) {
    HttpResponder.send(request.response(), ApiError.of(refusal));
  }
}
