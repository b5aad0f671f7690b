package io.tollgate.controlplane;

import io.tollgate.controlplane.alerts.AlertMetrics;
import io.tollgate.controlplane.alerts.AlertRelay;
import io.tollgate.controlplane.alerts.DeliveryWorker;
import io.tollgate.controlplane.alerts.Senders;
import io.tollgate.controlplane.alerts.WebhookEgress;
import io.tollgate.controlplane.schema.Bodies;
import io.tollgate.controlplane.snapshot.SnapshotStore;
import io.tollgate.controlplane.spend.SpendKeys;
import io.tollgate.controlplane.store.ConfigVersionStore;
import io.tollgate.controlplane.api.ApiServer;
import io.tollgate.controlplane.config.ControlPlaneSettings;
import io.tollgate.controlplane.config.PlatformMarker;
import io.tollgate.controlplane.keys.KeyRecordPublisher;
import io.tollgate.controlplane.keys.KeyReseeder;
import io.tollgate.controlplane.observability.ControlPlaneMetrics;
import io.tollgate.controlplane.observability.Readiness;
import io.tollgate.controlplane.observability.RequestObserver;
import io.tollgate.controlplane.portal.Portal;
import io.tollgate.controlplane.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;

import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;

/** Starts the control plane: migrations (off the event loop), the pool, Redis, the REST API. */
public final class ControlPlane {

  /** How often the dependencies are checked for the dependency_up gauge, besides /ready. */
  static final long READINESS_PERIOD_MS = 15_000;

  private static final Logger LOG = Logger.getLogger(ControlPlane.class.getName());

  private final Vertx vertx;
  private final Pool pool;
  private final Redis redis;
  private final HttpServer server;
  private final Router router;
  private final ControlPlaneMetrics metrics;
  private final long readinessTimer;
  private final KeyReseeder reseeder;
  private final Alerts alerts;

  /** Budget alerts' moving parts, started with the API and stopped with it. */
  private record Alerts(AlertRelay relay, DeliveryWorker worker, Senders senders) {
    void start() {
      relay.start();
      worker.start();
    }

    void stop() {
      relay.stop();
      worker.stop();
      senders.close();
    }
  }

  private ControlPlane(Vertx vertx, Pool pool, Redis redis, HttpServer server, Router router,
                       ControlPlaneMetrics metrics, long readinessTimer, KeyReseeder reseeder, Alerts alerts) {
    this.reseeder = reseeder;
    this.alerts = alerts;
    this.vertx = vertx;
    this.pool = pool;
    this.redis = redis;
    this.server = server;
    this.router = router;
    this.metrics = metrics;
    this.readinessTimer = readinessTimer;
  }

  public static Future<ControlPlane> start(Vertx vertx, ControlPlaneSettings settings) {
    return Database.migrate(vertx, settings.databaseUrl(), settings.schema())
        .compose(applied -> vertx.executeBlocking(ControlPlane::readContracts, false))
        .compose(contracts -> {
          Pool pool = Database.pool(vertx, settings.databaseUrl(), settings.schema());
          Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(settings.redisUrl()));
          ControlPlaneMetrics metrics = contracts.metrics();
          metrics.bindPool(pool::size);
          Readiness readiness = new Readiness(pool, redis, metrics);
          KeyRecordPublisher keys = new KeyRecordPublisher(redis, settings.redisPrefix(), metrics);
          // Before the API serves: a gateway started right after this one finds the prefix and pepper to check.
          PlatformMarker marker = new PlatformMarker(redis, settings.redisPrefix(), settings.keyPepper());
          // PostgreSQL is the keys' truth: Redis is re-seeded by itself when it comes back empty or older.
          KeyReseeder reseeder = new KeyReseeder(vertx, pool, redis, settings.redisPrefix());
          reseeder.bind(metrics.registry());
          AlertMetrics alertMetrics = new AlertMetrics(metrics.registry(), settings.alerts().spendMetricsTopOrgs());
          Senders senders = new Senders(vertx, settings.alerts().smtp(),
              new WebhookEgress(settings.alerts().webhooks()), System::currentTimeMillis);
          Alerts alerts = new Alerts(new AlertRelay(vertx, pool, redis, settings.redisPrefix(), settings.alerts(),
              alertMetrics, System::currentTimeMillis),
              new DeliveryWorker(vertx, pool, senders, settings.alerts(), alertMetrics), senders);
          return marker.writeAtStart()
              .compose(v -> latestConfigVersion(pool, metrics))
              .compose(v -> Portal.load(vertx))
              .compose(portal -> ApiServer.start(vertx, pool, settings, redis, keys, metrics, readiness,
                  contracts.snapshots(), portal, senders))
              .map(started -> {
                readiness.check();
                long timer = vertx.setPeriodic(READINESS_PERIOD_MS, id -> {
                  readiness.check();
                  marker.write();
                });
                reseeder.start();
                alerts.start();
                return new ControlPlane(vertx, pool, redis, started.server(), started.router(), metrics, timer,
                    reseeder, alerts);
              })
              .onFailure(failure -> {
                senders.close();
                metrics.close();
                pool.close();
                redis.close();
              });
        });
  }

  /** What is built from files on the classpath and heavy to make: made once, at start, on a worker. */
  private record Contracts(SnapshotStore snapshots, ControlPlaneMetrics metrics) {
  }

  /**
   * Reads the schemas and contracts (the snapshot schema, the body shapes read from it, the spend
   * layout) and binds the JVM metrics on a worker thread: class loading and classpath reads are
   * blocking I/O, which on a busy machine held the event loop past the blocked-thread limit.
   */
  private static Contracts readContracts() {
    Bodies.PLATFORM.fields();
    SpendKeys.org("tg", "warm-up", "day", java.time.Instant.EPOCH);
    return new Contracts(new SnapshotStore(), new ControlPlaneMetrics());
  }

  /** The gauge starts at the latest stored version (another replica, or an earlier run, may have made it). */
  private static Future<Void> latestConfigVersion(Pool pool, ControlPlaneMetrics metrics) {
    return ConfigVersionStore.latestNumber(pool)
        .onSuccess(metrics::configVersion)
        .<Void>mapEmpty()
        .recover(failure -> {
          LOG.warning("could not read the latest config version for the metrics (" + failure + ")");
          return Future.succeededFuture();
        });
  }

  public int port() {
    return server.actualPort();
  }

  /** The API's operations as "METHOD /path/{param}", as in the OpenAPI document. */
  public Set<String> operations() {
    Set<String> operations = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      String template = RequestObserver.template(route);
      if (template == null || route.methods() == null || !template.startsWith("/api/")) {
        continue;
      }
      route.methods().forEach(method -> operations.add(method.name() + " " + template));
    }
    return operations;
  }

  public Pool pool() {
    return pool;
  }

  /** The alert relay (tests drive it with their own clock through a second one). */
  public AlertRelay alertRelay() {
    return alerts.relay();
  }

  public DeliveryWorker deliveryWorker() {
    return alerts.worker();
  }

  public KeyReseeder reseeder() {
    return reseeder;
  }

  public Future<Void> close() {
    vertx.cancelTimer(readinessTimer);
    reseeder.stop();
    alerts.stop();
    return server.close().eventually(() -> pool.close()).eventually(() -> {
      redis.close();
      metrics.close();
      return Future.succeededFuture();
    });
  }
}
