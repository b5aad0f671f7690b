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
 * The lines of an org's statement: per key and requested model over a range, the requests, errors,
 * the four token kinds and the cost, summed from the raw rows (the rollups hold no reasoning tokens,
 * and a statement is read rarely enough that a month of one org's rows, found by the
 * {@code (org_id, time)} index, is cheap).
 */
public final class StatementQueries {

  /** A line's columns, in the order the query returns them. */
  public static final List<String> LINE_COLUMNS = List.of("key_id", "model", "requests", "errors", "prompt_tokens",
      "completion_tokens", "cached_tokens", "reasoning_tokens", "cost_usd");
  private static final String LINES = "SELECT key_id, coalesce(model_requested, '') AS model, count(*) AS requests,"
      + " count(*) FILTER (WHERE status >= 400 OR error_kind IS NOT NULL) AS errors,"
      + " sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens,"
      + " sum(cached_tokens) AS cached_tokens, sum(reasoning_tokens) AS reasoning_tokens, sum(cost_usd) AS cost_usd"
      + " FROM usage_events WHERE org_id = $1 AND time >= $2 AND time < $3 GROUP BY 1, 2 ORDER BY 1, 2";

  private StatementQueries() {
  }

  /** Every line of the range at once (an org's keys × models: small). */
  public static Future<RowSet<Row>> lines(SqlClient client, String org, OffsetDateTime from, OffsetDateTime to) {
    return client.preparedQuery(LINES).execute(Tuple.of(org, from, to));
  }

  /**
   * The same lines through {@code consume} from a cursor, {@code fetchRows} at a time, on a
   * connection held in a read-only transaction until {@code consume}'s future ends.
   */
  public static Future<Void> streamLines(Pool pool, String org, OffsetDateTime from, OffsetDateTime to, int fetchRows,
                                         Function<RowStream<Row>, Future<Void>> consume) {
    return pool.getConnection().compose(connection -> connection.begin().compose(tx -> connection.prepare(LINES)
        .compose(statement -> consume.apply(statement.createStream(fetchRows, Tuple.of(org, from, to))))
        .eventually(() -> tx.rollback().transform(ignored -> connection.close()))));
  }
}
