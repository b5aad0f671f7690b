package io.tollgate.gateway.route;

import io.tollgate.gateway.config.ConfigHolder;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

/**
 * {@code GET /admin/routing} on the admin port (behind the admin token, like all of
 * {@code /admin/}): backend signals, health and ejections, retry budgets, canary weights and
 * rollback decisions, for the live config version.
 */
public final class RoutingEndpoint {

  private RoutingEndpoint() {
  }

  public static void install(Router router, BackendPool pool, ConfigHolder config) {
    router.get("/admin/routing").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(pool.status(config.current()).encode()));
  }
}
