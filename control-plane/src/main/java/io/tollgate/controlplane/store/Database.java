package io.tollgate.controlplane.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import java.util.Map;
import java.util.logging.Logger;

/** The control plane's PostgreSQL: versioned migrations at start, then a reactive pool. */
public final class Database {

  private static final Logger LOG = Logger.getLogger(Database.class.getName());

  private Database() {
  }

  /** Flyway speaks JDBC, so it runs on a worker thread, never on the event loop. */
  public static Future<Integer> migrate(Vertx vertx, String url, String schema) {
    return vertx.executeBlocking(() -> {
      PgConnectOptions options = PgConnectOptions.fromUri(url);
      String jdbcUrl = "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
      MigrateResult result = Flyway.configure()
          .dataSource(jdbcUrl, options.getUser(), options.getPassword())
          .schemas(schema)
          .createSchemas(true)
          .locations("classpath:db/migration")
          .load()
          .migrate();
      LOG.info(() -> "control plane schema " + schema + ": " + result.migrationsExecuted
          + " migration(s) applied, now at version " + result.targetSchemaVersion);
      return result.migrationsExecuted;
    }, false);
  }

  /** Whether PostgreSQL answers at all (readiness). */
  public static Future<Void> ping(Pool pool) {
    return pool.query("SELECT 1").execute().mapEmpty();
  }

  public static Pool pool(Vertx vertx, String url, String schema) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(8))
        .connectingTo(PgConnectOptions.fromUri(url).setCachePreparedStatements(true)
            .setProperties(Map.of("search_path", schema, "application_name", "tollgate-control-plane")))
        .using(vertx)
        .build();
  }
}
