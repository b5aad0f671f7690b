package io.tollgate.controlplane.observability;

import io.tollgate.frontdoor.FrontDoor;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The router's first handler: gives every request its id ({@code x-request-id}, the caller's if
 * sent), and when the response ends, counts it by route template and writes its access-log line
 * (API requests only; probes and scrapes would drown them). The route is the template the handling
 * route marked ({@link #matched}), never the raw path, so the metric's label set stays bounded.
 */
public final class RequestObserver implements Handler<RoutingContext> {

  /** The route label of requests no route served (404, 405). */
  public static final String UNMATCHED = "unmatched";
  /** Status of a request whose client went away before its response ended (nginx's convention). */
  public static final int CLIENT_CLOSED = 499;
  /** Status of a request whose body missed the front door's deadline: it answered 408 itself, below the router. */
  public static final int BODY_TIMED_OUT = 408;

  private static final String REQUEST_ID_HEADER = "x-request-id";
  private static final String REQUEST_ID = "tollgate.request_id";
  private static final String ROUTE = "tollgate.route";
  private static final String ACTOR = "tollgate.actor";

  private static final Map<String, String> TEMPLATES = new ConcurrentHashMap<>();

  private final ControlPlaneMetrics metrics;

  public RequestObserver(ControlPlaneMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    String sent = ctx.request().getHeader(REQUEST_ID_HEADER);
    String id = sent == null || sent.isBlank() ? UUID.randomUUID().toString() : sent;
    ctx.put(REQUEST_ID, id);
    ctx.response().putHeader(REQUEST_ID_HEADER, id);
    // Whether the end handlers hear "ended" or "closed" does not say what the client got: over
    // HTTP/2 the stream's close can reach them first although the whole response was written.
    ctx.addEndHandler(ignored -> finished(ctx, start));
    ctx.next();
  }

  private void finished(RoutingContext ctx, long start) {
    long nanos = System.nanoTime() - start;
    String route = ctx.get(ROUTE, UNMATCHED);
    String method = ctx.request().method().name();
    int status = status(ctx);
    metrics.request(method, route, status, nanos);
    if (ctx.request().path() != null && ctx.request().path().startsWith("/api/")) {
      ApiAccessLog.request(ctx.get(REQUEST_ID), method, route, status, nanos / 1e6, ctx.get(ACTOR));
    }
  }

  /**
   * The status that went out: the response's own once it was ended (written in full), else 408 when
   * the front door cut the body at its deadline (it answered below the router), else 499: the
   * client went away first.
   */
  static int status(RoutingContext ctx) {
    if (ctx.response().ended()) {
      return ctx.response().getStatusCode();
    }
    return FrontDoor.bodyTimedOut(ctx.request()) ? BODY_TIMED_OUT : CLIENT_CLOSED;
  }

  /** The request's id, set by this handler. */
  public static String requestId(RoutingContext ctx) {
    return ctx.get(REQUEST_ID);
  }

  /** The route template that served the request, or {@link #UNMATCHED}. */
  public static String route(RoutingContext ctx) {
    return ctx.get(ROUTE, UNMATCHED);
  }

  /** Who the request authenticated as; null if it did not. */
  public static String actorOf(RoutingContext ctx) {
    return ctx.get(ACTOR);
  }

  /** Called by a route's handler: the request is served by the route now handling it. */
  public static void matched(RoutingContext ctx) {
    String template = template(ctx.currentRoute());
    ctx.put(ROUTE, template == null ? UNMATCHED : template);
  }

  /** Who the request authenticated as (a user's email or "bootstrap"). */
  public static void actor(RoutingContext ctx, String actor) {
    ctx.put(ACTOR, actor);
  }

  /**
   * A route's template as the OpenAPI document writes it: {@code /api/v1/orgs/:org} →
   * {@code /api/v1/orgs/{org}}, {@code /api/v1/models/(?<id>.+)} → {@code /api/v1/models/{id}};
   * null for a route without a path.
   */
  public static String template(Route route) {
    String path = route == null ? null : route.getName();
    // Once per route, not per request: the routes are fixed at start, so the map stays small.
    return path == null ? null : TEMPLATES.computeIfAbsent(path, RequestObserver::templateOf);
  }

  private static String templateOf(String path) {
    return path.replaceAll(":([A-Za-z_][A-Za-z0-9_]*)", "{$1}")
        .replaceAll("\\(\\?<([A-Za-z][A-Za-z0-9]*)>[^)]*\\)", "{$1}");
  }
}
