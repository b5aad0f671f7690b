package io.tollgate.analytics.store;

import io.tollgate.analytics.config.DatabaseSettings;
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

/** The PostgreSQL usage store: versioned migrations at start, then a reactive pool. */
public final class Database {

  private static final Logger LOG = Logger.getLogger(Database.class.getName());

  private Database() {
  }

  /**
   * Brings the schema to the latest version with Flyway (JDBC, so on a worker thread, never the
   * event loop). Several consumers starting at once are serialised by Flyway's lock.
   */
  public static Future<Integer> migrate(Vertx vertx, DatabaseSettings settings) {
    return vertx.executeBlocking(() -> {
      PgConnectOptions options = connectOptions(settings);
      String jdbcUrl = "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
      MigrateResult result = Flyway.configure()
          .dataSource(jdbcUrl, options.getUser(), options.getPassword())
          .schemas(settings.schema())
          .createSchemas(true)
          // Not db/migration: Flyway scans a location and everything below it on the whole classpath,
          // and the control plane's migrations are there (its tests run it beside this service).
          .locations("classpath:db/analytics")
          .load()
          .migrate();
      LOG.info(() -> "usage store " + settings.schema() + ": " + result.migrationsExecuted
          + " migration(s) applied, now at version " + result.targetSchemaVersion);
      return result.migrationsExecuted;
    }, false);
  }

  /** A pool whose connections all work in the configured schema. */
  public static Pool pool(Vertx vertx, DatabaseSettings settings) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(settings.poolSize()))
        .connectingTo(connectOptions(settings)
            .setProperties(Map.of("search_path", settings.schema(), "application_name", "tollgate-analytics")))
        .using(vertx)
        .build();
  }

  static PgConnectOptions connectOptions(DatabaseSettings settings) {
    return PgConnectOptions.fromUri(settings.url()).setCachePreparedStatements(true);
  }
}
