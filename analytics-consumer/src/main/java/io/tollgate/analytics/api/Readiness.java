package io.tollgate.analytics.api;

import io.tollgate.analytics.store.UsageQueries;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /ready}: 200 only while the consumer is consuming from RabbitMQ and PostgreSQL
 * answers, else 503 naming what is down. Unlike {@code /health} (liveness: the process runs, a
 * restart would not bring the broker back), this tells Kubernetes and operators whether events
 * are being stored right now.
 */
final class Readiness {

  /** Below the chart's probe timeout (2 s), so the probe gets our 503 rather than its own timeout. */
  static final long DATABASE_TIMEOUT_MS = 1_000;

  private final Pool pool;
  private final BooleanSupplier consuming;

  Readiness(Pool pool, BooleanSupplier consuming) {
    this.pool = pool;
    this.consuming = consuming;
  }

  void handle(RoutingContext ctx) {
    boolean broker = consuming.getAsBoolean();
    databaseAnswers().onComplete(answered -> {
      boolean database = answered.succeeded();
      JsonArray down = new JsonArray();
      if (!broker) {
        down.add("rabbitmq");
      }
      if (!database) {
        down.add("postgresql");
      }
      JsonObject body = new JsonObject()
          .put("status", down.isEmpty() ? "ready" : "not_ready")
          .put("checks", new JsonObject()
              .put("rabbitmq", broker ? "up" : "down")
              .put("postgresql", database ? "up" : "down"))
          .put("down", down);
      if (!ctx.response().closed()) {
        ctx.response().setStatusCode(down.isEmpty() ? 200 : 503)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
            .end(body.toBuffer());
      }
    });
  }

  /** A round trip to PostgreSQL through the pool the consumer writes with. */
  private Future<Void> databaseAnswers() {
    return UsageQueries.ping(pool).timeout(DATABASE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }
}
