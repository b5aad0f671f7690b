package io.tollgate.controlplane.snapshot;

import io.tollgate.controlplane.testsupport.GatewayReplicas.Answer;
import io.tollgate.controlplane.testsupport.GatewayReplicas;
import io.tollgate.controlplane.testsupport.RunningControlPlane.Reply;
import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.gateway.Gateway;
import io.tollgate.gateway.config.RedisSettings;
import io.tollgate.gateway.config.sync.ConfigSync;
import io.tollgate.gateway.config.sync.ConfigSyncSettings;
import io.tollgate.testsupport.Services;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Route changes through the API reach two real gateway replicas within a second (Redis
 * announcement + fetch + validate-and-swap), streams in flight finish where they started, invalid
 * configs never leave the control plane, and an unreachable control plane changes nothing.
 */
class ConfigPropagationTest {

  /** Long enough that only the announcement, never the poll, can explain a sub-second update. */
  private static final long SLOW_POLL_MS = 60_000;

  private static RunningControlPlane cp;
  private static GatewayReplicas replicas;
  private static final List<ConfigSync> syncs = new ArrayList<>();
  private static String root;
  private static String secret;

  @BeforeAll
  static void setUp() throws Exception {
    cp = RunningControlPlane.start();
    replicas = GatewayReplicas.start(2, 2, RunningControlPlane.PEPPER, cp.redisPrefix,
        io.tollgate.gpu.simulator.SimulatorConfig.defaults().withModels(List.of(GatewayReplicas.MODEL))
            .withInterTokenMillis(5));
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    String gatewayToken = cp.configReader(root, "gateways@example.com");
    for (int i = 0; i < 2; i++) {
      assertEquals(201, cp.post("/api/v1/backends", root, new JsonObject().put("id", "sim-" + (i + 1))
          .put("url", replicas.simulators.get(i).baseUrl())).status());
    }
    assertEquals(201, cp.post("/api/v1/models", root, new JsonObject().put("name", GatewayReplicas.MODEL)
        .put("prices", new JsonObject().put("promptPerMillion", 0.1).put("completionPerMillion", 0.2))).status());
    assertEquals(201, cp.post("/api/v1/routes", root, new JsonObject().put("model", GatewayReplicas.MODEL)
        .put("backends", new JsonArray().add("sim-1"))).status());
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "acme")).status());
    secret = cp.post("/api/v1/orgs/acme/keys", root, new JsonObject().put("id", "app")).json().getString("secret");

    ConfigSyncSettings settings = new ConfigSyncSettings(URI.create("http://127.0.0.1:" + cp.plane.port()),
        gatewayToken, SLOW_POLL_MS, 2_000);
    RedisSettings redis = new RedisSettings(Services.REDIS_URL, 250,
        RedisSettings.FailPolicy.OPEN, 2, cp.redisPrefix);
    for (Gateway gateway : replicas.gateways) {
      syncs.add(replicas.onContext(() -> ConfigSync.start(replicas.guarded.vertx(), settings, redis, gateway.config())));
    }
  }

  @AfterAll
  static void tearDown() throws Exception {
    try {
      for (ConfigSync sync : syncs) {
        replicas.onContext(sync::close);
      }
      if (replicas != null) {
        replicas.close();
      }
    } finally {
      cp.close();
    }
  }

  private static long latestVersion() throws Exception {
    return cp.get("/api/v1/config/snapshots/latest", root).json().getLong("version");
  }

  @Test
  void aRouteChangeReachesBothReplicasWithinASecondWhileAStreamFinishesOnItsOldBackend() throws Exception {
    for (int i = 0; i < 2; i++) {
      assertEquals(latestVersion(), syncs.get(i).appliedVersion(), "replica " + i + " started on the latest version");
      assertEquals("sim-1", replicas.chat(i, secret).backend());
    }
    // A stream of ~1.5 s, started on sim-1 before the change.
    Future<Answer> stream = replicas.chatAsync(0, secret, 300, true);
    Thread.sleep(200); // test thread: let the stream start and take its snapshot

    JsonObject route = cp.get("/api/v1/routes/" + GatewayReplicas.MODEL, root).json();
    Reply moved = cp.put("/api/v1/routes/" + GatewayReplicas.MODEL, root,
        new JsonObject().put("backends", new JsonArray().add("sim-2")).put("version", route.getInteger("version")));
    assertEquals(200, moved.status(), moved.body());
    long changed = System.nanoTime();
    long target = latestVersion();
    for (int i = 0; i < 2; i++) {
      long deadline = System.currentTimeMillis() + 1_000;
      String backend;
      do {
        backend = replicas.chat(i, secret).backend();
      } while (!"sim-2".equals(backend) && System.currentTimeMillis() < deadline);
      assertEquals("sim-2", backend, "replica " + i + " routes to the new backend within a second");
      assertEquals(target, syncs.get(i).appliedVersion());
    }
    long took = (System.nanoTime() - changed) / 1_000_000;
    assertTrue(took < 1_000, "propagation took " + took + " ms");

    Answer finished = RunningControlPlane.await(stream);
    assertEquals(200, finished.status());
    assertEquals("sim-1", finished.backend(), "the stream stayed on the backend it started with");
    assertTrue(finished.body().contains("[DONE]"), "the stream completed");
    assertTrue(finished.endNanos() > changed, "the stream was still running when the change landed");
  }

  /** The platform admin's view of the fleet (GET /api/v1/gateways) is what each replica reported. */
  @Test
  void eachReplicaReportsTheVersionItRunsAndItsViewOfTheBackends() throws Exception {
    for (int i = 0; i < 2; i++) {
      Gateway gateway = replicas.gateways.get(i);
      syncs.get(i).reportAs("replica-" + i + ":8080",
          () -> gateway.services().backends().status(gateway.config().current()).getJsonArray("backends"));
    }
    long deadline = System.currentTimeMillis() + 5_000;
    JsonArray fleet;
    do {
      fleet = cp.get("/api/v1/gateways", root).array();
    } while (fleet.size() < 2 && System.currentTimeMillis() < deadline);
    assertEquals(2, fleet.size(), fleet.encode());
    for (int i = 0; i < 2; i++) {
      JsonObject report = fleet.getJsonObject(i);
      assertEquals("replica-" + i + ":8080", report.getString("instance"));
      assertEquals(syncs.get(i).appliedVersion(), report.getLong("configVersion"));
      JsonObject backend = report.getJsonArray("backends").getJsonObject(0);
      assertTrue(backend.getString("id").startsWith("sim-"), report.encode());
      assertTrue(backend.containsKey("healthy") && backend.containsKey("ejection") && backend.containsKey("metrics"),
          report.encode());
    }
  }

  @Test
  void anInvalidConfigIsRefusedByTheControlPlaneAndNoGatewayChanges() throws Exception {
    long before = latestVersion();
    long[] local = {replicas.gateways.get(0).config().version(), replicas.gateways.get(1).config().version()};
    Reply refused = cp.post("/api/v1/backends", root, new JsonObject().put("id", "bad id").put("url", "ftp://x"));
    assertEquals(422, refused.status());
    assertEquals(2, refused.json().getJsonObject("error").getJsonArray("fields").size(), refused.body());
    JsonObject route = cp.get("/api/v1/routes/" + GatewayReplicas.MODEL, root).json();
    Reply invalid = cp.put("/api/v1/routes/" + GatewayReplicas.MODEL, root, new JsonObject()
        .put("backends", new JsonArray().add("ghost")).put("maxAttempts", -1).put("version", route.getInteger("version")));
    assertEquals(422, invalid.status(), invalid.body());
    assertTrue(invalid.json().getJsonObject("error").getJsonArray("fields").size() >= 2, invalid.body());
    Thread.sleep(300); // test thread: room for any (wrong) announcement to arrive
    assertEquals(before, latestVersion());
    for (int i = 0; i < 2; i++) {
      assertEquals(local[i], replicas.gateways.get(i).config().version(), "replica " + i + " unchanged");
      assertEquals(200, replicas.chat(i, secret).status());
    }
  }

  @Test
  void aGatewayThatCannotReachTheControlPlaneKeepsItsLastGoodSnapshot() throws Exception {
    Gateway gateway = replicas.gateways.get(1);
    long local = gateway.config().version();
    ConfigSyncSettings nowhere = new ConfigSyncSettings(URI.create("http://127.0.0.1:1"), "t", 100, 200);
    ConfigSync lost = replicas.onContext(() -> ConfigSync.start(replicas.guarded.vertx(), nowhere, null, gateway.config()));
    try {
      Thread.sleep(350); // test thread: a few failed polls
      assertEquals(local, gateway.config().version());
      assertEquals(0, lost.appliedVersion());
      assertEquals(200, replicas.chat(1, secret).status(), "still serving");
    } finally {
      replicas.onContext(lost::close);
    }
  }
}
