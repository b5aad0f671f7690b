package io.tollgate.gateway.admin;

import io.tollgate.frontdoor.ServerTls;
import io.tollgate.gateway.config.ConfigHolder;
import io.tollgate.gateway.config.GatewaySettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The admin HTTP server, on its own port (keep it private): {@code GET/POST /admin/config}.
 * Everything under {@code /admin/} needs {@code Authorization: Bearer <admin token>}; routes that
 * others add outside {@code /admin/} through {@link #router()} (such as /metrics) do not.
 */
public final class AdminServer {

  /** A whole fleet's keys and routes fit; a runaway upload does not. */
  public static final long MAX_CONFIG_BODY_BYTES = 10L * 1024 * 1024;

  private final HttpServer server;
  private final Router router;
  private final ConfigEndpoint config;
  private final ServerTls tls;

  private AdminServer(HttpServer server, Router router, ConfigEndpoint config, ServerTls tls) {
    this.tls = tls;
    this.server = server;
    this.router = router;
    this.config = config;
  }

  /**
   * Runtime state shown next to the config by {@code GET /admin/config} (e.g. canary weights after
   * an automatic rollback, ejected backends): what the config says and what the gateway does now.
   */
  public void runtimeStatus(java.util.function.Supplier<io.vertx.core.json.JsonObject> status) {
    config.runtimeStatus(status);
  }

  /**
   * Listens on {@code settings.adminHost():settings.adminPort()} (port 0 = any free port).
   * Fails when the admin token is empty: an admin API anyone could call is never what was meant.
   */
  public static Future<AdminServer> start(Vertx vertx, GatewaySettings settings, ConfigHolder holder) {
    if (settings.adminToken() == null || settings.adminToken().isBlank()) {
      return Future.failedFuture(new IllegalArgumentException(
          "the admin token is empty: set security.adminToken (TOLLGATE_ADMIN_TOKEN) or generate one before start"));
    }
    Router router = Router.router(vertx);
    ConfigEndpoint config = new ConfigEndpoint(vertx, holder);
    router.route("/admin/*").handler(new AdminAuth(settings.adminToken()));
    router.get("/admin/config").handler(config::get);
    router.post("/admin/config").handler(AdminServer::plainBodiesOnly); // a route of its own: before the body's
    router.post("/admin/config")
        .handler(BodyHandler.create(false).setBodyLimit(MAX_CONFIG_BODY_BYTES))
        .handler(config::post);
    addErrorHandlers(router);

    // HTTPS when the tls section gives the admin port a certificate; client certificates when it gives a CA.
    ServerTls tls = ServerTls.of(vertx, settings.tls().admin(), "gateway admin");
    HttpServer server = vertx.createHttpServer(tls.apply(new HttpServerOptions()
        .setHost(settings.adminHost())
        .setPort(settings.adminPort())));
    return server.requestHandler(router).listen().map(bound -> {
      tls.watch(bound);
      return new AdminServer(bound, router, config, tls);
    });
  }

  /** A compressed body is refused before it is read (415), the connection closed after the answer. */
  private static void plainBodiesOnly(io.vertx.ext.web.RoutingContext ctx) {
    String coding = io.tollgate.frontdoor.FrontDoor.compressedBody(ctx.request());
    if (coding == null) {
      ctx.next();
      return;
    }
    io.tollgate.frontdoor.FrontDoor.closeAfterResponse(ctx.request());
    AdminErrors.send(ctx, 415, "Content-Encoding '" + coding + "' is not supported: send the body uncompressed",
        AdminErrors.INVALID_REQUEST, "unsupported_content_encoding");
  }

  /** Answers the router's own failures in the same error shape as the handlers. */
  private static void addErrorHandlers(Router router) {
    router.errorHandler(404, ctx -> AdminErrors.send(ctx, 404,
        "no such admin endpoint: " + ctx.request().method() + " " + ctx.request().path(),
        AdminErrors.INVALID_REQUEST, "not_found"));
    router.errorHandler(405, ctx -> AdminErrors.send(ctx, 405,
        ctx.request().method() + " is not allowed on " + ctx.request().path(),
        AdminErrors.INVALID_REQUEST, "method_not_allowed"));
    router.errorHandler(413, ctx -> AdminErrors.send(ctx, 413,
        "the body is larger than " + MAX_CONFIG_BODY_BYTES + " bytes",
        AdminErrors.INVALID_REQUEST, "body_too_large"));
    router.errorHandler(500, ctx -> AdminErrors.send(ctx, 500,
        "internal error", AdminErrors.SERVER_ERROR, "internal_error"));
  }

  /** Whether the admin port speaks HTTPS. */
  public boolean tls() {
    return tls.enabled();
  }

  /** The bound port (the real one when the settings asked for port 0). */
  public int port() {
    return server.actualPort();
  }

  /** For other admin-port routes (metrics, health); add them before the first request. */
  public Router router() {
    return router;
  }

  public Future<Void> close() {
    tls.close();
    return server.close();
  }
}
