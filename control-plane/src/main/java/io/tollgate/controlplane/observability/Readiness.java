package io.tollgate.controlplane.observability;

import io.tollgate.controlplane.store.Database;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * {@code GET /ready}: 200 only while PostgreSQL answers {@code SELECT 1} and Redis answers PING,
 * each within {@link #TIMEOUT_MS}; else 503 naming what is down (the analytics consumer's format).
 * Unlike {@code /health} (liveness: a restart would not bring PostgreSQL back), it tells
 * Kubernetes and operators whether changes can be made and reach the gateways right now. Each
 * check also sets {@code tollgate_control_plane_dependency_up}; {@link #check()} runs periodically
 * too, so the gauge is fresh without anyone probing.
 */
public final class Readiness {

  public static final List<String> DEPENDENCIES = List.of("postgresql", "redis");
  /** Below a typical probe timeout (2 s), so the probe gets our 503 rather than its own timeout. */
  public static final long TIMEOUT_MS = 1_000;

  private static final Logger LOG = Logger.getLogger(Readiness.class.getName());

  private final Pool pool;
  private final Redis redis;
  private final ControlPlaneMetrics metrics;
  /** The last state of each dependency, so that only changes are logged. */
  private final Map<String, Boolean> last = new ConcurrentHashMap<>();

  public Readiness(Pool pool, Redis redis, ControlPlaneMetrics metrics) {
    this.pool = pool;
    this.redis = redis;
    this.metrics = metrics;
  }

  /** Each dependency's state: true when it answered in time. */
  public record Report(Map<String, Boolean> up) {

    public boolean ready() {
      return !up.containsValue(false);
    }

    public JsonObject toJson() {
      JsonObject checks = new JsonObject();
      JsonArray down = new JsonArray();
      up.forEach((dependency, ok) -> {
        checks.put(dependency, ok ? "up" : "down");
        if (!ok) {
          down.add(dependency);
        }
      });
      return new JsonObject().put("status", ready() ? "ready" : "not_ready").put("checks", checks).put("down", down);
    }
  }

  /** Both checks at once; never fails. */
  public Future<Report> check() {
    Future<Void> postgresql = Database.ping(pool)
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    Future<Void> redisPing = redis.send(Request.cmd(Command.PING)).<Void>mapEmpty()
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    return Future.join(postgresql, redisPing).transform(done -> {
      Map<String, Boolean> up = new LinkedHashMap<>();
      up.put("postgresql", record("postgresql", postgresql));
      up.put("redis", record("redis", redisPing));
      return Future.succeededFuture(new Report(up));
    });
  }

  public void handle(RoutingContext ctx) {
    check().onSuccess(report -> {
      if (!ctx.response().closed()) {
        ctx.response().setStatusCode(report.ready() ? 200 : 503)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
            .end(report.toJson().toBuffer());
      }
    });
  }

  private boolean record(String dependency, Future<Void> check) {
    boolean up = check.succeeded();
    metrics.dependency(dependency, up);
    Boolean before = last.put(dependency, up);
    if (!up && !Boolean.FALSE.equals(before)) {
      LOG.warning("readiness: " + dependency + " is down (" + check.cause() + ")");
    } else if (up && Boolean.FALSE.equals(before)) {
      LOG.info("readiness: " + dependency + " is back");
    }
    return up;
  }
}
