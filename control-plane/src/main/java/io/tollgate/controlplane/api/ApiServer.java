package io.tollgate.controlplane.api;

import io.tollgate.controlplane.audit.RefusedAttempts;
import io.tollgate.controlplane.auth.Authenticator;
import io.tollgate.controlplane.catalog.CatalogApi;
import io.tollgate.controlplane.catalog.CatalogResource;
import io.tollgate.controlplane.observability.ControlPlaneMetrics;
import io.tollgate.controlplane.oidc.OidcVerifier;
import io.tollgate.controlplane.oidc.PortalLogin;
import io.tollgate.controlplane.oidc.SsoUsers;
import io.tollgate.controlplane.observability.Readiness;
import io.tollgate.controlplane.observability.RequestObserver;
import io.tollgate.controlplane.portal.Portal;
import io.tollgate.controlplane.fleet.GatewayReports;
import io.tollgate.controlplane.snapshot.ConfigPublisher;
import io.tollgate.controlplane.snapshot.ConfigVersions;
import io.tollgate.controlplane.snapshot.SnapshotStore;
import io.tollgate.controlplane.session.LoginThrottle;
import io.tollgate.controlplane.session.Sessions;
import io.tollgate.controlplane.spend.SpendReader;
import io.tollgate.controlplane.usage.AnalyticsClient;
import io.tollgate.controlplane.auth.Caller;
import io.tollgate.frontdoor.FrontDoor;
import io.tollgate.frontdoor.ServerTls;
import io.vertx.redis.client.Redis;
import io.tollgate.controlplane.config.ControlPlaneSettings;
import io.tollgate.controlplane.keys.KeyRecordPublisher;
import io.tollgate.controlplane.keys.KeySecrets;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;

import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The REST API under /api/v1 (config/openapi/control-plane.yaml; every route authenticates first),
 * and, without a token, {@code /health} (liveness), {@code /ready} and {@code /metrics}.
 */
public final class ApiServer {

  private static final Logger LOG = Logger.getLogger(ApiServer.class.getName());
  /** Where the authenticated caller waits in the routing context for the operation. */
  private static final String CALLER = "tollgate.caller";
  /** The error answer sent, if the request was refused. */
  private static final String ERROR_SENT = "tollgate.error";
  /** Or why it was refused. */
  private static final String REFUSED = "tollgate.refused";
  /** The largest request body the API reads: a whole org's contents fit many times over. */
  static final int MAX_BODY_BYTES = 1 << 20;
  /** Sign-in is anonymous: its body (an email and a password) is all an anonymous client may send. */
  static final int MAX_LOGIN_BODY_BYTES = 8 << 10;

  private final Credentials credentials;

  private ApiServer(Credentials credentials) {
    this.credentials = credentials;
  }

  /** The server and its router (whose routes the OpenAPI test compares with the document). */
  public record Started(HttpServer server, Router router) {
  }

  /** @param snapshots made off the event loop: it reads and compiles the snapshot schema */
  public static Future<Started> start(Vertx vertx, Pool pool, ControlPlaneSettings settings, Redis redis,
                                      KeyRecordPublisher keyRecords, ControlPlaneMetrics metrics, Readiness readiness,
                                      SnapshotStore snapshots, Portal portal,
                                      io.tollgate.controlplane.alerts.Senders senders) {
    Sessions sessions = new Sessions(pool);
    SsoUsers sso = settings.oidc().enabled()
        ? new SsoUsers(pool, new OidcVerifier(vertx, settings.oidc()), settings.oidc()) : null;
    ApiServer api = new ApiServer(new Credentials(new Authenticator(pool, settings.bootstrapToken(),
        sso == null ? null : sso::authenticate), sessions));
    ConfigVersions versions = new ConfigVersions(snapshots, new ConfigPublisher(redis, settings.redisPrefix()),
        metrics);
    KeysApi keys = new KeysApi(pool, new KeySecrets(settings.keyPepper()), keyRecords);
    OrgsApi orgs = new OrgsApi(pool, versions, keys, new SpendReader(redis, settings.redisPrefix()));
    UsersApi users = new UsersApi(pool, settings.adminTokenTtl());

    Router router = Router.router(vertx);
    // First: request id, metrics and the access-log line of every request, whatever ends it.
    router.route().handler(new RequestObserver(metrics));
    // Refused attempts go to the audit log once their answer is out (who, what, why).
    RefusedAttempts refusals = new RefusedAttempts(pool, metrics.registry());
    router.route("/api/*").handler(ctx -> {
      ctx.addEndHandler(ended -> {
        ApiError refusal = ctx.get(ERROR_SENT);
        if (refusal != null && ctx.response().ended()) {
          refusals.record(ctx, refusal.status(), refusal.getMessage());
        }
      });
      ctx.next();
    });
    // The caller is known before a byte of the body is read: an anonymous client cannot make the
    // API hold a body (ADR 0002 / 0007, as on the gateway).
    router.route("/api/v1/*").handler(api::authenticateBeforeBody);
    BodyHandler bodies = BodyHandler.create().setBodyLimit(MAX_BODY_BYTES);
    BodyHandler loginBodies = BodyHandler.create().setBodyLimit(MAX_LOGIN_BODY_BYTES);
    router.route("/api/v1/*").handler(ctx -> {
      if (ctx.get(REFUSED) != null) {
        ctx.next(); // refused: its route answers 401 below without the body being read
      } else if (FrontDoor.compressedBody(ctx.request()) != null) {
        FrontDoor.closeAfterResponse(ctx.request()); // its body is never read
        send(ctx, new ApiError(415, "Content-Encoding '" + FrontDoor.compressedBody(ctx.request())
            + "' is not supported: send the body uncompressed", List.of()));
      } else if (Credentials.anonymous(ctx.request())) {
        loginBodies.handle(ctx);
      } else {
        bodies.handle(ctx);
      }
    })
        // The router would answer the body handler's failures in plain text (413 for a body over the
        // limit), and log a read cut short at SEVERE.
        .failureHandler(ApiServer::failed);
    // Liveness: answers while the process serves, whatever its dependencies do (those are /ready's).
    router.get("/health").handler(observed(ctx -> ctx.json(new JsonObject().put("status", "ok"))));
    router.get("/ready").handler(observed(readiness::handle));
    // Open like /health, for Prometheus: counts and route templates, no tenant data.
    router.get("/metrics").handler(observed(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape())));

    router.get("/api/v1/me").handler(api.handle(users::me));
    router.get("/api/v1/me/access").handler(api.handle(users::access));
    SessionApi session = new SessionApi(pool, sessions, new LoginThrottle(redis, settings.redisPrefix()), users);
    router.post(Credentials.SESSION_PATH).handler(api.handle(session::login));
    router.delete(Credentials.SESSION_PATH).handler(api.handle(session::logout));
    router.put("/api/v1/users/:email/password").handler(api.handle(session::setPassword));
    router.post("/api/v1/users").handler(api.handle(users::create));
    router.get("/api/v1/users").handler(api.handle(users::list));
    router.post("/api/v1/users/:email/token").handler(api.handle(users::newToken));
    router.delete("/api/v1/users/:email").handler(api.handle(users::delete));
    AuditApi audit = new AuditApi(pool);
    router.get("/api/v1/audit").handler(api.handle(audit::all));

    router.post("/api/v1/orgs").handler(api.handle(orgs::create));
    router.get("/api/v1/orgs").handler(api.handle(orgs::list));
    router.get("/api/v1/orgs/:org").handler(api.handle(orgs::get));
    router.put("/api/v1/orgs/:org").handler(api.handle(orgs::update));
    router.patch("/api/v1/orgs/:org").handler(api.handle(orgs::patch));
    router.delete("/api/v1/orgs/:org").handler(api.handle(orgs::delete));
    router.put("/api/v1/orgs/:org/budget").handler(api.handle(orgs::setBudget));
    router.delete("/api/v1/orgs/:org/budget").handler(api.handle(orgs::clearBudget));
    router.get("/api/v1/orgs/:org/spend").handler(api.handle(orgs::spend));
    UsageApi usage = new UsageApi(pool, new AnalyticsClient(vertx, settings.analytics()));
    router.get("/api/v1/orgs/:org/usage").handler(api.handle(usage::usage));
    router.get("/api/v1/orgs/:org/reliability").handler(api.handle(usage::reliability));
    router.get("/api/v1/orgs/:org/usage/export").handler(api.handle(usage::export));
    router.get("/api/v1/orgs/:org/usage/last-used").handler(api.handle(usage::lastUsed));
    router.get("/api/v1/orgs/:org/statements/:month").handler(api.handle(usage::statement));
    router.get("/api/v1/orgs/:org/audit").handler(api.handle(audit::org));
    AlertsApi alerts = new AlertsApi(pool, senders);
    router.get("/api/v1/orgs/:org/alerts").handler(api.handle(alerts::history));
    router.get("/api/v1/orgs/:org/alerts/channels").handler(api.handle(alerts::listChannels));
    router.post("/api/v1/orgs/:org/alerts/channels").handler(api.handle(alerts::addChannel));
    router.delete("/api/v1/orgs/:org/alerts/channels/:id").handler(api.handle(alerts::removeChannel));
    router.post("/api/v1/orgs/:org/alerts/channels/:id/test").handler(api.handle(alerts::testChannel));
    InvitesApi invites = new InvitesApi(pool, new io.tollgate.controlplane.invites.InviteMailer(vertx,
        settings.alerts().smtp()), session);
    router.get("/api/v1/orgs/:org/invites").handler(api.handle(invites::list));
    router.post("/api/v1/orgs/:org/invites").handler(api.handle(invites::invite));
    router.delete("/api/v1/orgs/:org/invites/:email").handler(api.handle(invites::revoke));
    router.post(Credentials.INVITE_LOOKUP_PATH).handler(api.handle(invites::lookup));
    router.post(Credentials.INVITE_ACCEPT_PATH).handler(api.handle(invites::accept));
    router.get("/api/v1/orgs/:org/members").handler(api.handle(orgs::members));
    router.put("/api/v1/orgs/:org/members/:email").handler(api.handle(orgs::putMember));
    router.delete("/api/v1/orgs/:org/members/:email").handler(api.handle(orgs::deleteMember));

    ServiceAccountsApi accounts = new ServiceAccountsApi(pool, settings.adminTokenTtl());
    router.get("/api/v1/orgs/:org/service-accounts").handler(api.handle(accounts::list));
    router.post("/api/v1/orgs/:org/service-accounts").handler(api.handle(accounts::create));
    router.post("/api/v1/orgs/:org/service-accounts/:name/token").handler(api.handle(accounts::rotate));
    router.delete("/api/v1/orgs/:org/service-accounts/:name").handler(api.handle(accounts::delete));

    router.get("/api/v1/orgs/:org/keys").handler(api.handle(keys::list));
    router.post("/api/v1/orgs/:org/keys").handler(api.handle(keys::create));
    router.get("/api/v1/orgs/:org/keys/:id").handler(api.handle(keys::get));
    router.patch("/api/v1/orgs/:org/keys/:id").handler(api.handle(keys::update));
    router.post("/api/v1/orgs/:org/keys/:id/rotate").handler(api.handle(keys::rotate));
    router.post("/api/v1/orgs/:org/keys/:id/revoke").handler(api.handle(keys::revoke));

    // A whole platform file in one transaction (tollgate-admin apply).
    router.post("/api/v1/apply").handler(api.handle(new ApplyApi(pool, versions, keys)::apply));

    for (CatalogResource resource : CatalogResource.all()) {
      CatalogApi catalog = new CatalogApi(pool, resource, versions, keys::republishPolicy);
      String base = "/api/v1/" + resource.path();
      router.get(base).handler(api.handle(catalog::list));
      router.post(base).handler(api.handle(catalog::create));
      // Model names may hold '/', so the id is the rest of the path.
      router.getWithRegex(base + "/(?<id>.+)").handler(api.handle(catalog::get));
      router.putWithRegex(base + "/(?<id>.+)").handler(api.handle(catalog::update));
      router.patchWithRegex(base + "/(?<id>.+)").handler(api.handle(catalog::patch));
      router.deleteWithRegex(base + "/(?<id>.+)").handler(api.handle(catalog::delete));
    }
    ConfigApi config = new ConfigApi(pool, snapshots);
    router.get("/api/v1/config/snapshots/latest").handler(api.handle(config::latest));
    router.get("/api/v1/config/snapshots/:version").handler(api.handle(config::version));
    router.get("/api/v1/config/versions").handler(api.handle(config::list));
    // What each gateway instance runs and sees of its backends (docs/adr/0018-gateways-report-their-view.md).
    GatewayReports gateways = new GatewayReports(redis, settings.redisPrefix());
    router.get("/api/v1/gateways").handler(api.handle(gateways::list));
    router.put("/api/v1/gateways/:instance").handler(api.handle(gateways::report));

    // The portal: its page at / (and, below, at its own routes), its hashed files under /assets/.
    router.get("/").handler(observed(ctx -> page(ctx, portal)));
    router.get("/assets/*").handler(observed(portal::asset));
    // Single sign-on for the portal (authorization code + PKCE), and whether it is on (its sign-in page asks).
    // The portal's sign-in page and tollgate-admin login ask it.
    JsonObject ssoSettings = sso == null ? new JsonObject().put("enabled", false) : new JsonObject().put("enabled", true)
        .put("start", PortalLogin.START).put("issuer", settings.oidc().issuer()).put("clientId", settings.oidc().audience());
    router.get("/portal/auth/oidc").handler(observed(ctx -> ctx.json(ssoSettings)));
    if (sso != null) {
      PortalLogin login = new PortalLogin(vertx, settings.oidc(), sso, sessions);
      router.get(PortalLogin.START).handler(observed(login::start));
      router.get(PortalLogin.CALLBACK).handler(observed(login::callback));
    }

    // Last: whatever no route served, API or not, in the API's shape (Vert.x would answer an HTML
    // page, and a 404 where the path is served with other methods) — but a browser asking for a
    // portal route (a deep link, a reload) gets the portal's page.
    AllowedMethods allowed = new AllowedMethods(router);
    router.route().last().handler(ctx -> {
      if (Portal.isPageRequest(ctx.request()) && allowed.on(ctx.request().path()).isEmpty()) {
        page(ctx, portal);
      } else {
        unrouted(ctx, allowed);
      }
    });

    // Framing, sizes, deadlines and the connection cap are enforced below the router, as on the
    // gateway's public port; its meters go to the registry /metrics serves.
    // HTTPS when TOLLGATE_CONTROL_PLANE_TLS_CERT_FILE is set; rotated files served without a restart.
    FrontDoor frontDoor = new FrontDoor(settings.frontDoor(), ApiError::frontDoorRefusal, metrics.registry(),
        ServerTls.of(vertx, settings.tls(), "control plane"));
    return frontDoor.createServer(vertx, new HttpServerOptions(), router).listen(settings.port())
        .onSuccess(frontDoor::listening)
        .map(server -> new Started(server, router));
  }

  /**
   * 413 in the API's shape, and the connection's last answer: the rest of an oversized body, and
   * anything pipelined behind it, is never read (as on the gateway), whether the Content-Length
   * said so up front or a chunked body grew past the limit.
   */
  private static void bodyTooLarge(RoutingContext ctx) {
    if (ctx.response().ended()) {
      return;
    }
    FrontDoor.closeAfterResponse(ctx.request());
    int limit = Credentials.anonymous(ctx.request()) ? MAX_LOGIN_BODY_BYTES : MAX_BODY_BYTES;
    send(ctx, new ApiError(413, "the request body is larger than " + limit + " bytes", List.of()));
  }

  /**
   * A failure an API route's handler did not answer itself, in the API's shape. A closed connection
   * needs no answer and is no fault of ours: the client left, or the front door cut the body at its
   * deadline and answered 408 itself. (The body handler fails those with status 200, which no
   * router error handler would catch, and the router would log each at SEVERE: any client could
   * fill the log.)
   */
  private static void failed(RoutingContext ctx) {
    if (ctx.failure() instanceof HttpClosedException) {
      LOG.fine(() -> "request " + ctx.request().method() + " " + ctx.request().path() + ": connection closed");
    } else if (ctx.statusCode() == 413) {
      bodyTooLarge(ctx);
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      // The body handler's 400 for a body it could not decode: the client's fault, not ours.
      send(ctx, new ApiError(ctx.statusCode(), "the request body could not be read", List.of()));
    } else {
      send(ctx, ctx.failure() == null ? new ApiError(500, "internal error", List.of()) : ctx.failure());
    }
  }

  private static void page(RoutingContext ctx, Portal portal) {
    if (portal.built()) {
      portal.page(ctx);
    } else {
      send(ctx, new ApiError(404, "the portal is not part of this build of the control plane (build it with the "
          + "portal module: mvn package)", List.of()));
    }
  }

  /** A route outside the API, counted under its own template. */
  private static Handler<RoutingContext> observed(Handler<RoutingContext> handler) {
    return ctx -> {
      RequestObserver.matched(ctx);
      handler.handle(ctx);
    };
  }

  /**
   * Checks the bearer token or session cookie from the headers while the body waits in the socket
   * (the request is paused; the body handler after this resumes it). A refused caller's answer is
   * the connection's last when it declared a body: the body is never read. Sign-in has no caller.
   */
  private void authenticateBeforeBody(RoutingContext ctx) {
    if (Credentials.anonymous(ctx.request())) {
      ctx.next();
      return;
    }
    ctx.request().pause();
    credentials.of(ctx.request(), RequestObserver.requestId(ctx)).onComplete(result -> {
      if (result.succeeded()) {
        RequestObserver.actor(ctx, result.result().actor());
        ctx.put(CALLER, result.result());
      } else {
        // Answered by the route it matches (so that it is counted and logged under its template).
        ctx.put(REFUSED, result.cause());
      }
      ctx.next();
    });
  }

  /** An answer to a request whose body was not read is the connection's last. */
  private static void closeIfBodyUnread(RoutingContext ctx) {
    boolean unread = ctx.get(REFUSED) != null || !ctx.request().path().startsWith("/api/v1/");
    if (unread && FrontDoor.declaresBody(ctx.request())) {
      FrontDoor.closeAfterResponse(ctx.request());
    }
  }

  /** 405 with {@code Allow} when the path is served with other methods, else 404. */
  private static void unrouted(RoutingContext ctx, AllowedMethods allowed) {
    closeIfBodyUnread(ctx);
    String path = ctx.request().path();
    Set<String> methods = allowed.on(path);
    if (methods.isEmpty()) {
      send(ctx, ApiError.notFound("route " + path));
      return;
    }
    ctx.response().putHeader(HttpHeaders.ALLOW, String.join(", ", methods));
    send(ctx, new ApiError(405, "method " + ctx.request().method() + " is not allowed on " + path + " (allowed: "
        + String.join(", ", methods) + ")", List.of()));
  }

  /** Parse, run, answer (the caller was authenticated before the body); every failure becomes one JSON error, mapped here only. */
  private Handler<RoutingContext> handle(Function<Call, Future<Reply>> operation) {
    return ctx -> {
      RequestObserver.matched(ctx);
      String id = RequestObserver.requestId(ctx);
      Throwable refused = ctx.get(REFUSED);
      if (refused != null) {
        closeIfBodyUnread(ctx);
        send(ctx, refused);
        return;
      }
      Caller caller = ctx.get(CALLER);
      Future.succeededFuture(caller)
          .compose(authenticated -> operation.apply(new Call(authenticated, id, body(ctx), ctx)))
          .onSuccess(reply -> {
            if (reply.alreadyAnswered()) {
              return;
            }
            ctx.response().setStatusCode(reply.status());
            // A versioned object's version is its ETag: what If-Match sends back with a change.
            String etag = ExpectedVersion.etag(reply.body());
            if (etag != null) {
              ctx.response().putHeader(HttpHeaders.ETAG, etag);
            }
            if (reply.body() == null) {
              ctx.response().end();
            } else {
              ctx.response().putHeader("content-type", "application/json")
                  .end(io.vertx.core.json.Json.encode(reply.body()));
            }
          })
          .onFailure(failure -> send(ctx, failure));
    };
  }

  private static JsonObject body(RoutingContext ctx) {
    String text = ctx.body() == null ? null : ctx.body().asString();
    if (text == null || text.isBlank()) {
      return new JsonObject();
    }
    try {
      Object value = io.vertx.core.json.Json.decodeValue(text);
      if (!(value instanceof JsonObject object)) {
        throw ApiError.badRequest("the body must be a JSON object");
      }
      return object;
    } catch (DecodeException e) {
      throw ApiError.badRequest("the body is not valid JSON: " + io.tollgate.frontdoor.JsonSyntax.reason(e));
    }
  }

  private static void send(RoutingContext ctx, Throwable failure) {
    ApiError error = HttpErrors.of(failure);
    if (error == null) {
      LOG.log(Level.WARNING, "request " + ctx.request().method() + " " + ctx.request().path() + " failed", failure);
      error = new ApiError(500, "internal error", java.util.List.of());
    }
    if (!ctx.response().ended()) {
      ctx.put(ERROR_SENT, error);
      ctx.response().setStatusCode(error.status()).putHeader("content-type", "application/json")
          .end(error.toJson().encode());
    }
  }
}
