package io.tollgate.testsupport;

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
 * A PostgreSQL schema of its own for one test, dropped at close; plain JDBC (the JDK's java.sql, the
 * driver comes from the module's test classpath) on the test thread only, never an event loop.
 * {@code $S} in a statement stands for this schema.
 */
public final class PgSchema implements AutoCloseable {

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  public final String name;
  private final Connection connection;

  private PgSchema(String name, Connection connection) {
    this.name = name;
    this.connection = connection;
  }

  /** @param prefix starts the schema's name, e.g. "cp" or "t" */
  public static PgSchema create(String prefix) throws SQLException {
    Services.requirePostgres();
    String name = prefix + "_" + ProcessHandle.current().pid() + "_" + Long.toString(System.nanoTime(), 36) + "_"
        + SEQUENCE.incrementAndGet();
    return new PgSchema(name, DriverManager.getConnection(Services.JDBC_URL, Services.PG_USER, ""));
  }

  /** Rows as column → value maps, in the query's order. */
  public List<Map<String, Object>> rows(String sql, Object... params) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql.replace("$S", name))) {
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

  /** The first column of the first row, as a number (a count, a sum). */
  public long count(String sql, Object... params) throws SQLException {
    return ((Number) rows(sql, params).get(0).values().iterator().next()).longValue();
  }

  public void execute(String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql.replace("$S", name));
    }
  }

  @Override
  public void close() throws SQLException {
    try {
      execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    } finally {
      connection.close();
    }
  }
}
