package io.tollgate.analytics.api;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.tollgate.analytics.store.UsageQueries;

import io.tollgate.analytics.identity.Access;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/reliability?from&to[&org]}: over the org, or every org the caller may read, per model and backend, requests, errors, error rate,
 * errors by kind, and TTFT and latency percentiles (p50/p95/p99) from the raw rows.
 */
final class ReliabilityEndpoint {

  private final Pool pool;
  private final Orgs orgs;

  ReliabilityEndpoint(Pool pool, Orgs orgs) {
    this.pool = pool;
    this.orgs = orgs;
  }

  Future<Void> handle(RoutingContext ctx) {
    TimeRange range = TimeRange.parse(ctx.queryParams().get("from"), ctx.queryParams().get("to"));
    String org = ctx.queryParams().get("org");
    Access access = Authentication.of(ctx);
    // Without an org: across every org the caller may read (all of them for the machine token and
    // platform admins).
    Future<Void> known = org == null ? Future.succeededFuture() : orgs.requireReadable(access, org);
    List<String> scope = org == null ? access.scope() : List.of(org);
    return known
        .compose(v -> UsageQueries.reliability(pool, range.fromUtc(), range.toUtc(), scope))
        .map(figures -> json(range, org, figures.summary(), figures.kinds()))
        .compose(body -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toBuffer()));
  }

  private static JsonObject json(TimeRange range, String org, RowSet<Row> summary, RowSet<Row> kinds) {
    Map<String, JsonObject> byGroup = new HashMap<>();
    for (Row row : kinds) {
      byGroup.computeIfAbsent(group(row), g -> new JsonObject()).put(row.getString("kind"), row.getLong("n"));
    }
    JsonArray data = new JsonArray();
    for (Row row : summary) {
      long requests = row.getLong("requests");
      long errors = row.getLong("errors");
      JsonObject entry = new JsonObject()
          .put("model", row.getString("model"))
          .put("backend", row.getString("backend"))
          .put("requests", requests)
          .put("errors", errors)
          .put("error_rate", requests == 0 ? 0.0 : (double) errors / requests)
          .put("errors_by_kind", byGroup.getOrDefault(group(row), new JsonObject()))
          .put("ttft_ms", percentiles(row.getValue("ttft")))
          .put("latency_ms", percentiles(row.getValue("latency")));
      data.add(entry);
    }
    return new JsonObject()
        .put("from", range.from().toString())
        .put("to", range.to().toString())
        .put("org", org)
        .put("data", data);
  }

  private static String group(Row row) {
    return row.getString("model") + "\u0000" + row.getString("backend");
  }

  /** percentile_cont over no value (no request had a first token) is null: so are the figures. */
  private static JsonObject percentiles(Object value) {
    Object[] figures = value instanceof Object[] array ? array : new Object[3];
    return new JsonObject().put("p50", figures[0]).put("p95", figures[1]).put("p99", figures[2]);
  }
}
