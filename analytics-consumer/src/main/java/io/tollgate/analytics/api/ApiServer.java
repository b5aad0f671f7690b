package io.tollgate.analytics.api;

import io.tollgate.analytics.config.ApiSettings;
import io.tollgate.analytics.identity.ControlPlaneIdentities;
import io.tollgate.frontdoor.FrontDoor;
import io.tollgate.frontdoor.ServerTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The analytics HTTP API (config/openapi/analytics.yaml): usage, reliability, CSV export and monthly
 * statements under {@code /v1}, behind a bearer token (the machine token or a control-plane identity,
 * each query scoped to the orgs the caller may read); {@code /health} (liveness), {@code /ready}
 * (readiness) and {@code /metrics} open for probes and Prometheus.
 */
public final class ApiServer {

  private static final Logger LOG = Logger.getLogger(ApiServer.class.getName());

  private final HttpServer server;
  private final ControlPlaneIdentities identities;

  private ApiServer(HttpServer server, ControlPlaneIdentities identities) {
    this.server = server;
    this.identities = identities;
  }

  public static Future<ApiServer> start(Vertx vertx, ApiSettings settings, Pool pool, Supplier<JsonObject> health,
                                        BooleanSupplier consuming, AnalyticsMetrics metrics) {
    // Without a control plane, only the machine token (api.token) is accepted.
    ControlPlaneIdentities identities = settings.controlPlaneUrl().isEmpty() ? null
        : new ControlPlaneIdentities(vertx, settings.controlPlaneUrl(), Duration.ofMillis(settings.identityCacheMs()));
    Orgs orgs = new Orgs(pool);
    UsageEndpoint usage = new UsageEndpoint(pool, orgs);
    ReliabilityEndpoint reliability = new ReliabilityEndpoint(pool, orgs);
    CsvExport export = new CsvExport(pool, orgs);
    LastUsedEndpoint lastUsed = new LastUsedEndpoint(pool, orgs);
    StatementEndpoint statements = new StatementEndpoint(pool, orgs, Clock.systemUTC());

    Router router = Router.router(vertx);
    router.route().handler(ApiServer::bodiesAreNotRead);
    router.get("/health").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(health.get().toBuffer()));
    router.get("/ready").handler(new Readiness(pool, consuming)::handle);
    // Open like /health, for Prometheus; it carries counts, no tenant data.
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
    router.route("/v1/*").handler(new Authentication(settings.token(), identities));
    router.get("/v1/orgs/:org/usage").handler(ctx -> run(ctx, usage::handle));
    router.get("/v1/orgs/:org/usage/export").handler(ctx -> run(ctx, export::handle));
    router.get("/v1/orgs/:org/usage/last-used").handler(ctx -> run(ctx, lastUsed::handle));
    router.get("/v1/orgs/:org/statements/:month").handler(ctx -> run(ctx, statements::handle));
    router.get("/v1/reliability").handler(ctx -> run(ctx, reliability::handle));
    // Last: 405 (with Allow) where the path is served with another method, else 404; read from the
    // routes above, so it cannot drift from them.
    List<Pattern> served = new ArrayList<>();
    router.getRoutes().forEach(route -> {
      if (route.getName() != null && route.methods() != null && !route.methods().isEmpty()) {
        served.add(Pattern.compile(route.getName().replaceAll(":[A-Za-z_][A-Za-z0-9_]*", "[^/]+")));
      }
    });
    router.route().handler(ctx -> {
      boolean known = served.stream().anyMatch(path -> path.matcher(ctx.request().path()).matches());
      if (known) {
        ctx.response().putHeader(HttpHeaders.ALLOW, "GET"); // every endpoint here is a GET
      }
      new ApiError(known ? 405 : 404, known ? "method_not_allowed" : "not_found",
          "no such endpoint: " + ctx.request().method() + " " + ctx.request().path()).send(ctx.response());
    });

    // Framing, sizes, deadlines and the connection cap are enforced below the router, as on the
    // gateway's public port; its meters go to the registry /metrics serves.
    // HTTPS when api.tlsCertFile (TOLLGATE_ANALYTICS_TLS_CERT_FILE) is set; rotations served without a restart.
    FrontDoor frontDoor = new FrontDoor(settings.frontDoor(), ApiError::frontDoorRefusal, metrics.registry(),
        ServerTls.of(vertx, settings.tls(), "analytics API"));
    return frontDoor.createServer(vertx, new HttpServerOptions(), router).listen(settings.port(), settings.host())
        .onSuccess(frontDoor::listening)
        .map(server -> new ApiServer(server, identities));
  }

  /**
   * No endpoint here takes a request body: each answers from the request line and headers, before
   * a body would have arrived, so the front door's 408 can never apply here. Left open, a request
   * declaring a body would hold its connection after the answer until the body deadline, its body
   * read and thrown away, and a request pipelined behind it would run. Instead its answer is the
   * connection's last (FrontDoor.closeAfterResponse, as the gateway does for a 401): the body is
   * never read, nothing behind it runs, and the connection closes once the answer is out.
   */
  private static void bodiesAreNotRead(RoutingContext ctx) {
    if (FrontDoor.declaresBody(ctx.request())) {
      FrontDoor.closeAfterResponse(ctx.request());
    }
    ctx.next();
  }

  /** Runs an endpoint; a refusal (thrown or failed) becomes its status, anything else a 500. */
  private static void run(RoutingContext ctx, Function<RoutingContext, Future<Void>> endpoint) {
    Future<Void> handled;
    try {
      handled = endpoint.apply(ctx);
    } catch (ApiError refusal) {
      refusal.send(ctx.response());
      return;
    }
    handled.onFailure(cause -> {
      if (cause instanceof ApiError refusal) {
        refusal.send(ctx.response());
      } else if (!ctx.response().closed()) {
        LOG.log(Level.WARNING, "analytics API: " + ctx.request().method() + " " + ctx.request().uri() + " failed", cause);
        new ApiError(500, "internal_error", "the request failed: " + cause.getMessage()).send(ctx.response());
      }
    });
  }

  public int port() {
    return server.actualPort();
  }

  public Future<Void> close() {
    if (identities != null) {
      identities.close();
    }
    return server.close();
  }
}
