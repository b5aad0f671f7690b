package io.tollgate.analytics.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.Function;

/**
 * The reads the analytics API makes of the usage store: whether an org has usage, the rollups by
 * bucket, the reliability figures from the raw rows, and the raw rows themselves for export.
 */
public final class UsageQueries {

  /** The raw row's columns, in the order an export writes them. */
  public static final List<String> EVENT_COLUMNS = List.of("event_id", "time", "request_id", "org_id", "key_id",
      "endpoint", "model_requested", "model_served", "backend_id", "status", "error_kind", "stream", "prompt_tokens",
      "completion_tokens", "cached_tokens", "cost_usd", "ttft_ms", "latency_ms", "client_disconnected",
      "config_version", "endpoint_family", "reasoning_tokens", "audio_seconds");
  private static final String EVENTS = "SELECT " + String.join(", ", EVENT_COLUMNS)
      + " FROM usage_events WHERE org_id = $1 AND time >= $2 AND time < $3 ORDER BY time, event_id";
  private static final List<String> ROLLUPS = List.of("usage_hourly", "usage_daily");
  private static final String FILTER = " WHERE time >= $1 AND time < $2 AND ($3::text[] IS NULL OR org_id = ANY($3))";
  private static final String SUMMARY = "SELECT coalesce(model_requested, '') AS model, backend_id AS backend,"
      + " count(*) AS requests, count(*) FILTER (WHERE status >= 400 OR error_kind IS NOT NULL) AS errors,"
      + " percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY ttft_ms) AS ttft,"
      + " percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY latency_ms) AS latency"
      + " FROM usage_events" + FILTER + " GROUP BY 1, 2 ORDER BY 1, 2 NULLS FIRST";
  private static final String KINDS = "SELECT coalesce(model_requested, '') AS model, backend_id AS backend,"
      + " coalesce(error_kind, 'http_' || status) AS kind, count(*) AS n"
      + " FROM usage_events" + FILTER + " AND (status >= 400 OR error_kind IS NOT NULL) GROUP BY 1, 2, 3";

  private UsageQueries() {
  }

  /** Whether any usage was ever recorded for the org (the daily rollup's key starts with org_id). */
  public static Future<Boolean> orgKnown(SqlClient client, String org) {
    return client.preparedQuery("SELECT EXISTS (SELECT 1 FROM usage_daily WHERE org_id = $1) AS known")
        .execute(Tuple.of(org)).map(rows -> rows.iterator().next().getBoolean("known"));
  }

  /**
   * Per bucket and group: bucket, grp, requests, errors, prompt_tokens, completion_tokens,
   * cached_tokens, cost_usd.
   *
   * @param rollup   usage_hourly or usage_daily
   * @param byKey    grouped by key rather than by model
   */
  public static Future<RowSet<Row>> rollup(SqlClient client, String rollup, boolean byKey, String org,
                                           OffsetDateTime from, OffsetDateTime to) {
    if (!ROLLUPS.contains(rollup)) {
      throw new IllegalArgumentException("no rollup " + rollup);
    }
    String sql = "SELECT bucket, " + (byKey ? "key_id" : "model") + " AS grp, sum(requests) AS requests, "
        + "sum(errors) AS errors, sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens,"
        + " sum(cached_tokens) AS cached_tokens, sum(cost_usd) AS cost_usd"
        + " FROM " + rollup + " WHERE org_id = $1 AND bucket >= $2 AND bucket < $3"
        + " GROUP BY bucket, grp ORDER BY bucket, grp";
    return client.preparedQuery(sql).execute(Tuple.of(org, from, to));
  }

  /** Per model and backend: requests, errors, TTFT and latency percentiles; and errors by kind. */
  public record Reliability(RowSet<Row> summary, RowSet<Row> kinds) {
  }

  /** @param orgs null: every org */
  public static Future<Reliability> reliability(SqlClient client, OffsetDateTime from, OffsetDateTime to,
                                                List<String> orgs) {
    Tuple params = Tuple.of(from, to, orgs == null ? null : orgs.toArray(new String[0]));
    return client.preparedQuery(SUMMARY).execute(params)
        .compose(summary -> client.preparedQuery(KINDS).execute(params).map(kinds -> new Reliability(summary, kinds)));
  }

  /**
   * Streams the org's raw rows over a range ({@link #EVENT_COLUMNS}) through {@code consume}, from a
   * cursor in a read-only transaction on a connection held for the whole export, fetched
   * {@code fetchRows} at a time; everything is released when {@code consume}'s future ends.
   */
  public static Future<Void> streamEvents(Pool pool, String org, OffsetDateTime from, OffsetDateTime to, int fetchRows,
                                          Function<RowStream<Row>, Future<Void>> consume) {
    return pool.getConnection().compose(connection -> connection.begin().compose(tx -> connection.prepare(EVENTS)
        .compose(statement -> consume.apply(statement.createStream(fetchRows, Tuple.of(org, from, to))))
        .eventually(() -> tx.rollback().transform(ignored -> connection.close()))));
  }

  /**
   * Per key of the org: key_id and last_used, the time of its latest request. The hourly rollup
   * gives each key's last hour (its key starts with org_id); the raw rows of that hour alone give
   * the instant, so neither scan grows with the org's history of raw rows.
   */
  public static Future<RowSet<Row>> lastUsed(SqlClient client, String org) {
    return client.preparedQuery("SELECT h.key_id, (SELECT max(e.time) FROM usage_events e WHERE e.org_id = $1"
        + " AND e.key_id = h.key_id AND e.time >= h.last AND e.time < h.last + interval '1 hour') AS last_used"
        + " FROM (SELECT key_id, max(bucket) AS last FROM usage_hourly WHERE org_id = $1 GROUP BY key_id) h"
        + " ORDER BY h.key_id").execute(Tuple.of(org));
  }

  /** A round trip to PostgreSQL through the pool the consumer writes with. */
  public static Future<Void> ping(Pool pool) {
    return pool.query("SELECT 1").execute().mapEmpty();
  }
}
