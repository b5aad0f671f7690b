package io.tollgate.analytics;

import io.tollgate.analytics.api.ApiServer;
import io.tollgate.analytics.config.AnalyticsSettings;
import io.tollgate.analytics.ingest.IngestMetrics;
import io.tollgate.analytics.ingest.UsageConsumer;
import io.tollgate.analytics.store.Database;
import io.tollgate.analytics.store.UsageWriter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

/**
 * The running analytics consumer: schema migrated, ingest consuming, API listening. Started and
 * stopped as a whole; tests start it in-process.
 */
public final class AnalyticsService {

  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(AnalyticsService.class.getName());

  private final Vertx vertx;
  private final Pool pool;
  private final UsageConsumer consumer;
  private final String deployment;
  private final ApiServer api;

  private AnalyticsService(Vertx vertx, Pool pool, UsageConsumer consumer, String deployment, ApiServer api) {
    this.vertx = vertx;
    this.pool = pool;
    this.consumer = consumer;
    this.deployment = deployment;
    this.api = api;
  }

  /** Migrations first (the consumer needs the tables), then ingest, then the API. */
  public static Future<AnalyticsService> start(Vertx vertx, AnalyticsSettings settings) {
    return Database.migrate(vertx, settings.postgres()).compose(applied -> {
      Pool pool = Database.pool(vertx, settings.postgres());
      UsageConsumer consumer = new UsageConsumer(settings.rabbitmq(), new UsageWriter(pool));
      io.tollgate.analytics.api.AnalyticsMetrics metrics = new io.tollgate.analytics.api.AnalyticsMetrics(consumer::metrics);
      consumer.observeMessageSizes(metrics.messageEvents());
      return vertx.deployVerticle(consumer)
          .compose(id -> ApiServer.start(vertx, settings.api(), pool, () -> health(consumer), consumer::consuming,
              metrics)
              .map(api -> new AnalyticsService(vertx, pool, consumer, id, api)))
          .onFailure(failure -> pool.close());
    });
  }

  private static JsonObject health(UsageConsumer consumer) {
    IngestMetrics metrics = consumer.metrics();
    return new JsonObject()
        .put("status", consumer.connected() ? "ok" : "degraded")
        .put("broker_connected", consumer.connected())
        .put("ingest", JsonObject.mapFrom(metrics));
  }

  public int apiPort() {
    return api.port();
  }

  public IngestMetrics metrics() {
    return consumer.metrics();
  }

  /** The broker accepted the consumer on an open session (what /ready reports for RabbitMQ). */
  public boolean consuming() {
    return consumer.consuming();
  }

  public Pool pool() {
    return pool;
  }

  /** Stops the API, lets the batch in flight commit and be acknowledged, then closes the pool. */
  public Future<Void> stop() {
    return api.close()
        .eventually(() -> {
          LOG.info("analytics: API closed; stopping ingest");
          return vertx.undeploy(deployment);
        })
        .eventually(() -> {
          LOG.info("analytics: ingest stopped; closing the database pool");
          return pool.close();
        });
  }
}
