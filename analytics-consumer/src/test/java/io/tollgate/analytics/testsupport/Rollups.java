package io.tollgate.analytics.testsupport;

import java.sql.SQLException;

/** Compares the rollups with sums over the raw rows, in SQL, both ways. */
public final class Rollups {

  private Rollups() {
  }

  /** Rollup rows that differ from the raw sums (either way); 0 when consistent. */
  public static long differences(TestStore store, String table, String unit) throws SQLException {
    String raw = "SELECT org_id, date_trunc('" + unit + "', time, 'UTC') AS bucket, key_id,"
        + " coalesce(model_requested, '') AS model, count(*)::numeric AS requests,"
        + " count(*) FILTER (WHERE status >= 400 OR error_kind IS NOT NULL)::numeric AS errors,"
        + " sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens,"
        + " sum(cached_tokens) AS cached_tokens, sum(cost_usd) AS cost_usd"
        + " FROM " + store.schema + ".usage_events GROUP BY 1, 2, 3, 4";
    String rollup = "SELECT org_id, bucket, key_id, model, requests::numeric, errors::numeric,"
        + " prompt_tokens::numeric, completion_tokens::numeric, cached_tokens::numeric, cost_usd"
        + " FROM " + store.schema + "." + table;
    return store.queryLong("SELECT (SELECT count(*) FROM (" + raw + " EXCEPT " + rollup + ") a)"
        + " + (SELECT count(*) FROM (" + rollup + " EXCEPT " + raw + ") b)");
  }
}
