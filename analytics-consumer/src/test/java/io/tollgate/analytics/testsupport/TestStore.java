package io.tollgate.analytics.testsupport;

import io.tollgate.analytics.config.DatabaseSettings;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A schema of its own in the test database, dropped at {@link #close()}; plain JDBC for setup and
 * assertions (test thread only, never an event loop).
 */
public final class TestStore implements AutoCloseable {

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  public final String schema;
  private final Connection connection;

  private TestStore(String schema, Connection connection) {
    this.schema = schema;
    this.connection = connection;
  }

  public static TestStore create() throws SQLException {
    Services.requirePostgres();
    String schema = "t_" + ProcessHandle.current().pid() + "_" + Long.toString(System.nanoTime(), 36) + "_"
        + SEQUENCE.incrementAndGet();
    Connection connection = DriverManager.getConnection(Services.JDBC_URL, Services.PG_USER, "");
    return new TestStore(schema, connection);
  }

  public DatabaseSettings settings() {
    return new DatabaseSettings(Services.PG_URL, schema, 4);
  }

  public long count(String sqlWhere, Object... params) throws SQLException {
    return queryLong("SELECT count(*) FROM " + schema + ".usage_events" + (sqlWhere.isEmpty() ? "" : " WHERE " + sqlWhere),
        params);
  }

  public long queryLong(String sql, Object... params) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        statement.setObject(i + 1, params[i]);
      }
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /** Rows as column → value maps, in the query's order. */
  public List<Map<String, Object>> rows(String sql, Object... params) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        statement.setObject(i + 1, params[i]);
      }
      try (ResultSet rows = statement.executeQuery()) {
        List<Map<String, Object>> out = new ArrayList<>();
        int columns = rows.getMetaData().getColumnCount();
        while (rows.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 1; i <= columns; i++) {
            row.put(rows.getMetaData().getColumnLabel(i), rows.getObject(i));
          }
          out.add(row);
        }
        return out;
      }
    }
  }

  public void execute(String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
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
    try {
      execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } finally {
      connection.close();
    }
  }
}
