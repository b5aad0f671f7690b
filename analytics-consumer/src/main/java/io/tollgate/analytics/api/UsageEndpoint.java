package io.tollgate.analytics.api;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.tollgate.analytics.store.UsageQueries;

import java.math.BigDecimal;

/**
 * {@code GET /v1/orgs/{org}/usage?from&to&granularity=hour|day&group_by=model|key}: requests,
 * errors, tokens and cost per bucket and model (or key), from the rollups.
 */
final class UsageEndpoint {

  private final Pool pool;
  private final Orgs orgs;

  UsageEndpoint(Pool pool, Orgs orgs) {
    this.pool = pool;
    this.orgs = orgs;
  }

  Future<Void> handle(RoutingContext ctx) {
    String org = ctx.pathParam("org");
    TimeRange range = TimeRange.parse(ctx.queryParams().get("from"), ctx.queryParams().get("to"));
    Granularity granularity = Granularity.parse(ctx.queryParams().get("granularity"));
    granularity.checkAligned(range);
    String groupBy = ctx.queryParams().get("group_by") == null ? "model" : ctx.queryParams().get("group_by");
    if (!groupBy.equals("model") && !groupBy.equals("key")) {
      throw ApiError.badRequest("invalid_group_by", "group_by must be model or key, got \"" + groupBy + "\"");
    }
    String field = groupBy.equals("key") ? "key_id" : "model";
    return orgs.requireReadable(Authentication.of(ctx), org)
        .compose(v -> UsageQueries.rollup(pool, granularity.table(), groupBy.equals("key"), org, range.fromUtc(),
            range.toUtc()))
        .map(rows -> {
          JsonArray data = new JsonArray();
          Totals totals = new Totals();
          for (Row row : rows) {
            JsonObject entry = new JsonObject()
                .put("bucket", row.getOffsetDateTime("bucket").toInstant().toString())
                .put(field, row.getString("grp"));
            totals.add(entry, row);
            data.add(entry);
          }
          return new JsonObject()
              .put("org", org)
              .put("from", range.from().toString())
              .put("to", range.to().toString())
              .put("granularity", granularity.label())
              .put("group_by", groupBy)
              .put("data", data)
              .put("totals", totals.json());
        })
        .compose(body -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toBuffer()));
  }

  /** Sums over the answer's rows, filled while the rows are written. */
  private static final class Totals {
    private long requests;
    private long errors;
    private long promptTokens;
    private long completionTokens;
    private long cachedTokens;
    private BigDecimal cost = BigDecimal.ZERO;

    void add(JsonObject entry, Row row) {
      long rowRequests = row.getLong("requests");
      long rowErrors = row.getLong("errors");
      long rowPrompt = row.getLong("prompt_tokens");
      long rowCompletion = row.getLong("completion_tokens");
      long rowCached = row.getLong("cached_tokens");
      BigDecimal rowCost = row.getBigDecimal("cost_usd");
      entry.put("requests", rowRequests).put("errors", rowErrors).put("prompt_tokens", rowPrompt)
          .put("completion_tokens", rowCompletion).put("cached_tokens", rowCached)
          .put("cost_usd", rowCost.doubleValue());
      requests += rowRequests;
      errors += rowErrors;
      promptTokens += rowPrompt;
      completionTokens += rowCompletion;
      cachedTokens += rowCached;
      cost = cost.add(rowCost);
    }

    JsonObject json() {
      return new JsonObject().put("requests", requests).put("errors", errors).put("prompt_tokens", promptTokens)
          .put("completion_tokens", completionTokens).put("cached_tokens", cachedTokens)
          .put("cost_usd", cost.doubleValue());
    }
  }
}
