package io.tollgate.controlplane.testsupport;

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

/** A schema of its own in the test database, dropped at close; JDBC on the test thread only. */
public final class TestSchema implements AutoCloseable {

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  public final String name;
  private final Connection connection;

  private TestSchema(String name, Connection connection) {
    this.name = name;
    this.connection = connection;
  }

  public static TestSchema create() throws SQLException {
    Services.requirePostgres();
    String name = "cp_" + ProcessHandle.current().pid() + "_" + Long.toString(System.nanoTime(), 36) + "_"
        + SEQUENCE.incrementAndGet();
    return new TestSchema(name, DriverManager.getConnection(Services.JDBC_URL, Services.PG_USER, ""));
  }

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

  public long count(String sql, Object... params) throws SQLException {
    return ((Number) rows(sql, params).get(0).values().iterator().next()).longValue();
  }

  /** {@code $S} in the statement stands for this schema. */
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
