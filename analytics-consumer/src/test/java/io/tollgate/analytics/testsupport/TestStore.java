package io.tollgate.analytics.testsupport;

import io.tollgate.analytics.config.DatabaseSettings;
import io.tollgate.testsupport.PgSchema;
import io.tollgate.testsupport.Services;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * The consumer's tables in a schema of their own ({@link PgSchema}), dropped at {@link #close()};
 * plain JDBC for setup and assertions (test thread only, never an event loop).
 */
public final class TestStore implements AutoCloseable {

  public final String schema;
  private final PgSchema pg;

  private TestStore(PgSchema pg) {
    this.pg = pg;
    this.schema = pg.name;
  }

  public static TestStore create() throws SQLException {
    return new TestStore(PgSchema.create("t"));
  }

  public DatabaseSettings settings() {
    return new DatabaseSettings(Services.PG_URL, schema, 4);
  }

  public long count(String sqlWhere, Object... params) throws SQLException {
    return queryLong("SELECT count(*) FROM " + schema + ".usage_events" + (sqlWhere.isEmpty() ? "" : " WHERE " + sqlWhere),
        params);
  }

  /** The first column of the first row as a number; 0 for SQL NULL (a sum over no rows). */
  public long queryLong(String sql, Object... params) throws SQLException {
    Object value = pg.rows(sql, params).get(0).values().iterator().next();
    return value == null ? 0 : ((Number) value).longValue();
  }

  /** Rows as column → value maps, in the query's order. */
  public List<Map<String, Object>> rows(String sql, Object... params) throws SQLException {
    return pg.rows(sql, params);
  }

  public void execute(String sql) throws SQLException {
    pg.execute(sql);
  }

  /** Waits until the raw table holds {@code expected} rows (test thread). */
  public long awaitCount(long expected, long timeoutMillis) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    long count = -1;
    while (System.currentTimeMillis() < deadline) {
      try {
        count = count("");
      } catch (SQLException notYetMigrated) {
        count = -1;
      }
      if (count >= expected) {
        return count;
      }
      Thread.sleep(25);
    }
    return count;
  }

  @Override
  public void close() throws SQLException {
    pg.close();
  }
}
