package io.tollgate.controlplane.observability;

import io.tollgate.controlplane.store.Database;
import io.tollgate.controlplane.testsupport.RunningControlPlane.Reply;
import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.testsupport.GuardedVertx;
import io.tollgate.testsupport.Services;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /health} is liveness; {@code /ready} answers 200 only while PostgreSQL and Redis both answer. */
class ReadinessTest {

  @Test
  void readyWhilePostgresqlAndRedisAnswer() throws Exception {
    try (RunningControlPlane cp = RunningControlPlane.start()) {
      Reply ready = cp.get("/ready", null);
      assertEquals(200, ready.status(), ready.body());
      assertEquals("ready", ready.json().getString("status"));
      assertEquals(new JsonObject().put("postgresql", "up").put("redis", "up"), ready.json().getJsonObject("checks"));
      assertEquals(new JsonArray(), ready.json().getJsonArray("down"));
      assertEquals(200, cp.get("/health", null).status());
    }
  }

  @Test
  void notReadyNamingRedisWhenItsPortIsClosed() throws Exception {
    try (RunningControlPlane cp = RunningControlPlane.start("redis://127.0.0.1:1")) {
      Reply ready = cp.get("/ready", null);
      assertEquals(503, ready.status(), ready.body());
      assertEquals("not_ready", ready.json().getString("status"));
      assertEquals(new JsonArray().add("redis"), ready.json().getJsonArray("down"));
      assertEquals(new JsonObject().put("postgresql", "up").put("redis", "down"), ready.json().getJsonObject("checks"));
      // Liveness does not depend on Redis: restarting would not bring it back.
      assertEquals(200, cp.get("/health", null).status());
      Scrape scrape = Scrape.of(cp);
      assertEquals(0.0, scrape.value("tollgate_control_plane_dependency_up", "dependency", "redis"));
      assertEquals(1.0, scrape.value("tollgate_control_plane_dependency_up", "dependency", "postgresql"));
      assertEquals(1.0, scrape.value("tollgate_control_plane_http_requests_total", "method", "GET", "route", "/ready",
          "status", "503"));
    }
  }

  /** A dependency that accepts connections but never answers is down after the timeout, not later. */
  @Test
  void aSilentDependencyIsDownWithinTheTimeout() throws Exception {
    GuardedVertx guarded = GuardedVertx.create();
    Vertx vertx = guarded.vertx();
    NetServer silent = RunningControlPlane.await(vertx.createNetServer().connectHandler(socket -> { }).listen(0));
    Pool pool = Database.pool(vertx, Services.PG_URL, "public");
    Pool deadPool = Database.pool(vertx, "postgresql://postgres@127.0.0.1:" + silent.actualPort() + "/test", "public");
    Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(Services.REDIS_URL));
    Redis deadRedis = Redis.createClient(vertx, new RedisOptions()
        .setConnectionString("redis://127.0.0.1:" + silent.actualPort()));
    ControlPlaneMetrics metrics = new ControlPlaneMetrics();
    try {
      Readiness.Report fine = onContext(vertx, new Readiness(pool, redis, metrics));
      assertTrue(fine.ready(), fine.toJson().encode());

      long start = System.nanoTime();
      Readiness.Report report = onContext(vertx, new Readiness(deadPool, deadRedis, metrics));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertFalse(report.ready());
      assertEquals(new JsonArray().add("postgresql").add("redis"), report.toJson().getJsonArray("down"));
      assertTrue(millis >= Readiness.TIMEOUT_MS - 50 && millis < Readiness.TIMEOUT_MS + 1_500, millis + " ms");
      assertTrue(metrics.scrape().contains("tollgate_control_plane_dependency_up{dependency=\"redis\"} 0"),
          metrics.scrape());
    } finally {
      metrics.close();
      redis.close();
      deadRedis.close();
      RunningControlPlane.await(pool.close());
      RunningControlPlane.await(deadPool.close());
      RunningControlPlane.await(silent.close());
      guarded.closeAndAssert();
    }
  }

  private static Readiness.Report onContext(Vertx vertx, Readiness readiness) throws Exception {
    Promise<Readiness.Report> report = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> readiness.check().onComplete(report));
    return RunningControlPlane.await(report.future());
  }
}
