package io.tollgate.controlplane;

import io.tollgate.controlplane.api.ApiServer;
import io.tollgate.controlplane.config.ControlPlaneSettings;
import io.tollgate.controlplane.keys.KeyRecordPublisher;
import io.tollgate.controlplane.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;

/** Starts the control plane: migrations (off the event loop), the pool, Redis, the REST API. */
public final class ControlPlane {

  private final Pool pool;
  private final Redis redis;
  private final HttpServer server;
  private final Router router;

  private ControlPlane(Pool pool, Redis redis, HttpServer server, Router router) {
    this.pool = pool;
    this.redis = redis;
    this.server = server;
    this.router = router;
  }

  public static Future<ControlPlane> start(Vertx vertx, ControlPlaneSettings settings) {
    return Database.migrate(vertx, settings.databaseUrl(), settings.schema()).compose(applied -> {
      Pool pool = Database.pool(vertx, settings.databaseUrl(), settings.schema());
      Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(settings.redisUrl()));
      KeyRecordPublisher keys = new KeyRecordPublisher(redis, settings.redisPrefix());
      return ApiServer.start(vertx, pool, settings, redis, keys)
          .map(started -> new ControlPlane(pool, redis, started.server(), started.router()));
    });
  }

  public int port() {
    return server.actualPort();
  }

  /** The API's operations as "METHOD /path/{param}", as in the OpenAPI document. */
  public java.util.Set<String> operations() {
    java.util.Set<String> operations = new java.util.TreeSet<>();
    for (Route route : router.getRoutes()) {
      String path = route.getName();
      if (path == null || route.methods() == null || !path.startsWith("/api/")) {
        continue;
      }
      String template = path.replaceAll(":([A-Za-z]+)", "{$1}").replace("/(?<id>.+)", "/{id}");
      route.methods().forEach(method -> operations.add(method.name() + " " + template));
    }
    return operations;
  }

  public Pool pool() {
    return pool;
  }

  public Future<Void> close() {
    return server.close().eventually(() -> pool.close()).eventually(() -> {
      redis.close();
      return Future.succeededFuture();
    });
  }
}
