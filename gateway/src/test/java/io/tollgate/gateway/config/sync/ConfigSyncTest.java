package io.tollgate.gateway.config.sync;

import io.tollgate.gateway.config.ConfigHolder;
import io.tollgate.testsupport.GuardedVertx;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's side of config distribution without announcements: the poll catches up on missed
 * versions, a refused snapshot leaves the live one, an unreachable control plane changes nothing.
 * The control plane is a small HTTP server serving what the test says (the full path through the
 * real control plane and Redis is tested in control-plane's ConfigPropagationTest).
 */
class ConfigSyncTest {

  private GuardedVertx guarded;
  private Vertx vertx;
  private HttpServer server;
  private final AtomicReference<JsonObject> latest = new AtomicReference<>();
  private ConfigHolder holder;
  private ConfigSync sync;

  private static JsonObject snapshot(String backendUrl) {
    return new JsonObject()
        .put("backends", new JsonArray().add(new JsonObject().put("id", "b").put("url", backendUrl)))
        .put("models", new JsonArray().add(new JsonObject().put("name", "m").put("backends", new JsonArray().add("b"))))
        .put("keys", new JsonArray());
  }

  @BeforeEach
  void setUp() throws Exception {
    guarded = GuardedVertx.create();
    vertx = guarded.vertx();
    server = await(vertx.createHttpServer().requestHandler(request -> {
      JsonObject body = latest.get();
      boolean authorized = "Bearer sync-token".equals(request.getHeader("authorization"));
      if (!authorized) {
        request.response().setStatusCode(401).end();
      } else if (body == null) {
        request.response().setStatusCode(404).end("{}");
      } else {
        request.response().putHeader("content-type", "application/json").end(body.encode());
      }
    }).listen(0, "127.0.0.1"));
    holder = ConfigHolder.fromRaw(snapshot("http://10.0.0.1:8000"));
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      if (sync != null) {
        await(onContext(sync::close));
      }
      await(server.close());
    } finally {
      guarded.closeAndAssert();
    }
  }

  private ConfigSync start(String url, long pollMs) throws Exception {
    ConfigSyncSettings settings = new ConfigSyncSettings(URI.create(url), "sync-token", pollMs, 500);
    return await(onContext(() -> ConfigSync.start(vertx, settings, null, holder)));
  }

  private String liveBackendUrl() {
    return holder.currentRaw().getJsonArray("backends").getJsonObject(0).getString("url");
  }

  @Test
  void thePollCatchesUpOnVersionsNobodyAnnouncedAndRefusedOnesChangeNothing() throws Exception {
    latest.set(new JsonObject().put("version", 1).put("snapshot", snapshot("http://10.0.0.2:8000")));
    sync = start("http://127.0.0.1:" + server.actualPort(), 100);
    assertEquals(1, sync.appliedVersion(), "the first fetch happens at start");
    assertEquals("http://10.0.0.2:8000", liveBackendUrl());

    latest.set(new JsonObject().put("version", 2).put("snapshot", snapshot("http://10.0.0.3:8000")));
    assertTrue(waitFor(() -> sync.appliedVersion() == 2, 1_000), "caught up by polling");
    assertEquals("http://10.0.0.3:8000", liveBackendUrl());
    long local = holder.version();

    JsonObject invalid = snapshot("ftp://nowhere");
    invalid.getJsonArray("models").getJsonObject(0).put("backends", new JsonArray().add("ghost"));
    latest.set(new JsonObject().put("version", 3).put("snapshot", invalid));
    Thread.sleep(400); // test thread: several polls see the invalid version
    assertEquals(2, sync.appliedVersion());
    assertEquals(local, holder.version(), "a refused snapshot is never applied, nor retried into a new version");
    assertEquals("http://10.0.0.3:8000", liveBackendUrl());

    await(server.close());
    Thread.sleep(300); // test thread: polls fail against a closed port
    assertEquals(local, holder.version(), "the last good snapshot keeps serving");
  }

  @Test
  void itsHealthIsOnTheMetricsEndpointSoAnExpiredTokenOrARefusedVersionIsSeen() throws Exception {
    latest.set(new JsonObject().put("version", 4).put("snapshot", snapshot("http://10.0.0.4:8000")));
    sync = start("http://127.0.0.1:" + server.actualPort(), 60_000);
    io.tollgate.gateway.metrics.GatewayMetrics metrics = new io.tollgate.gateway.metrics.GatewayMetrics();
    metrics.bindConfigSync(sync);
    String healthy = metrics.scrape();
    assertTrue(healthy.contains("tollgate_config_sync_version 4.0"), healthy);
    assertTrue(sampleOf(healthy, "tollgate_config_sync_last_success_timestamp_seconds")
        > System.currentTimeMillis() / 1000.0 - 60, healthy);
    assertEquals(0.0, sampleOf(healthy, "tollgate_config_sync_failures_total{reason=\"fetch\"}"));

    JsonObject invalid = snapshot("ftp://nowhere");
    latest.set(new JsonObject().put("version", 5).put("snapshot", invalid));
    await(onContext(sync::fetchLatest));
    assertEquals(1.0, sampleOf(metrics.scrape(), "tollgate_config_sync_failures_total{reason=\"refused\"}"));

    // A token the control plane no longer accepts (expired, deleted user): fetches fail, counted.
    ConfigSync stale = await(onContext(() -> ConfigSync.start(vertx,
        new ConfigSyncSettings(URI.create("http://127.0.0.1:" + server.actualPort()), "expired-token", 60_000, 500),
        null, holder)));
    try {
      io.tollgate.gateway.metrics.GatewayMetrics staleMetrics = new io.tollgate.gateway.metrics.GatewayMetrics();
      staleMetrics.bindConfigSync(stale);
      String scrape = staleMetrics.scrape();
      assertEquals(1.0, sampleOf(scrape, "tollgate_config_sync_failures_total{reason=\"fetch\"}"), scrape);
      assertEquals(0.0, sampleOf(scrape, "tollgate_config_sync_last_success_timestamp_seconds"), "never succeeded");
    } finally {
      await(onContext(stale::close));
    }
  }

  @Test
  void anHttpsControlPlaneIsFollowedWhenItsCertificateChainsToTheConfiguredCaAndNotOtherwise(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    io.tollgate.frontdoor.testing.TestCertificates.Issued ca = io.tollgate.frontdoor.testing.TestCertificates.ca(dir, "internal-ca");
    io.tollgate.frontdoor.testing.TestCertificates.Issued cert =
        io.tollgate.frontdoor.testing.TestCertificates.server(dir, "control-plane", ca);
    HttpServer https = await(vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setSsl(true)
        .setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions().setCertPath(cert.certFile().toString())
            .setKeyPath(cert.keyFile().toString())))
        .requestHandler(request -> request.response().putHeader("content-type", "application/json")
            .end(new JsonObject().put("version", 7).put("snapshot", snapshot("http://10.0.0.7:8000")).encode()))
        .listen(0, "127.0.0.1"));
    try {
      URI url = URI.create("https://localhost:" + https.actualPort());
      assertEquals(ca.certFile().toString(), ConfigSyncSettings.fromEnv(Map.of("TOLLGATE_CONTROL_PLANE_URL", url.toString(),
              "TOLLGATE_CONTROL_PLANE_CA_FILE", ca.certFile().toString())).caFile());

      ConfigSync untrusted = await(onContext(() -> ConfigSync.start(vertx,
          new ConfigSyncSettings(url, "sync-token", 60_000, 2_000), null, holder)));
      await(onContext(untrusted::close));
      assertEquals("http://10.0.0.1:8000", liveBackendUrl(), "a control plane whose certificate does not verify is not followed");

      sync = await(onContext(() -> ConfigSync.start(vertx,
          new ConfigSyncSettings(url, "sync-token", 60_000, 2_000, ca.certFile().toString()), null, holder)));
      assertEquals(7, sync.appliedVersion());
      assertEquals("http://10.0.0.7:8000", liveBackendUrl());
    } finally {
      await(https.close());
    }
  }

  private static double sampleOf(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new AssertionError("no " + series + " in\n" + scrape);
  }

  @Test
  void startsEvenWhenTheControlPlaneIsUnreachable() throws Exception {
    long local = holder.version();
    sync = start("http://127.0.0.1:1", 50);
    Thread.sleep(200); // test thread
    assertEquals(0, sync.appliedVersion());
    assertEquals(local, holder.version());
  }

  private static boolean waitFor(Supplier<Boolean> condition, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      if (condition.get()) {
        return true;
      }
      Thread.sleep(10); // test thread
    }
    return condition.get();
  }

  private <T> Future<T> onContext(Supplier<Future<T>> call) {
    Promise<T> promise = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> call.get().onComplete(promise));
    return promise.future();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
