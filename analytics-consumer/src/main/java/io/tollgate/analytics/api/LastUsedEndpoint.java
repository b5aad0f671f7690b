package io.tollgate.analytics.api;

import io.tollgate.analytics.store.UsageQueries;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;

/**
 * {@code GET /v1/orgs/{org}/usage/last-used}: when each of the org's keys last sent a request
 * (any outcome), for the portal's key list. Keys that never did are absent.
 */
final class LastUsedEndpoint {

  private final Pool pool;
  private final Orgs orgs;

  LastUsedEndpoint(Pool pool, Orgs orgs) {
    this.pool = pool;
    this.orgs = orgs;
  }

  Future<Void> handle(RoutingContext ctx) {
    String org = ctx.pathParam("org");
    return orgs.requireReadable(Authentication.of(ctx), org)
        .compose(v -> UsageQueries.lastUsed(pool, org))
        .map(rows -> {
          JsonArray data = new JsonArray();
          for (Row row : rows) {
            data.add(new JsonObject().put("key_id", row.getString("key_id"))
                .put("last_used", row.getOffsetDateTime("last_used").toInstant().toString()));
          }
          return new JsonObject().put("org", org).put("data", data);
        })
        .compose(body -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toBuffer()));
  }
}
