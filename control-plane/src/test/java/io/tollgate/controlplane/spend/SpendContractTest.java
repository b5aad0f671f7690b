package io.tollgate.controlplane.spend;

import io.tollgate.controlplane.testsupport.GatewayReplicas;
import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.gateway.Gateway;
import io.tollgate.gateway.config.RedisSettings;
import io.tollgate.gateway.config.sync.ConfigSync;
import io.tollgate.gateway.config.sync.ConfigSyncSettings;
import io.tollgate.testsupport.Services;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both sides of config/schemas/redis-spend.json at once: what a real gateway charges for a request
 * is what the control plane's spend API reads back, for the org's daily budget and the key's
 * monthly one. A change of layout on either side alone fails here.
 */
class SpendContractTest {

  @Test
  void whatAGatewayChargesIsWhatTheControlPlaneReads() throws Exception {
    try (RunningControlPlane cp = RunningControlPlane.start();
         GatewayReplicas replicas = GatewayReplicas.start(1, 1, RunningControlPlane.PEPPER, cp.redisPrefix,
             GatewayReplicas.fastSimulator())) {
      String root = cp.user(cp.bootstrapToken, "root@example.com", true);
      String reader = cp.configReader(root, "gateways@example.com");
      assertEquals(201, cp.post("/api/v1/backends", root, new JsonObject().put("id", "sim-1")
          .put("url", replicas.simulators.get(0).baseUrl())).status());
      assertEquals(201, cp.post("/api/v1/models", root, new JsonObject().put("name", GatewayReplicas.MODEL)
          .put("prices", new JsonObject().put("promptPerMillion", 1000).put("completionPerMillion", 2000))).status());
      assertEquals(201, cp.post("/api/v1/routes", root, new JsonObject().put("model", GatewayReplicas.MODEL)
          .put("backends", new JsonArray().add("sim-1"))).status());
      assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "payer")
          .put("budget", new JsonObject().put("limitUsd", 100).put("period", "day"))).status());
      String secret = cp.post("/api/v1/orgs/payer/keys", root, new JsonObject().put("id", "app")
          .put("budget", new JsonObject().put("limitUsd", 50).put("period", "month"))).json().getString("secret");

      Gateway gateway = replicas.gateways.get(0);
      ConfigSync sync = replicas.onContext(() -> ConfigSync.start(replicas.guarded.vertx(),
          new ConfigSyncSettings(URI.create("http://127.0.0.1:" + cp.plane.port()), reader, 60_000, 2_000),
          new RedisSettings(Services.REDIS_URL, 250, RedisSettings.FailPolicy.CLOSED, 2, cp.redisPrefix),
          gateway.config()));
      try {
        assertEquals(200, replicas.chat(0, secret).status());
        JsonObject spend = null;
        long deadline = System.nanoTime() + 5_000_000_000L;
        do {
          spend = cp.get("/api/v1/orgs/payer/spend", root).json();
          if (spend.getJsonObject("budget").getDouble("spentUsd") > 0
              && spend.getJsonArray("keyBudgets").getJsonObject(0).getDouble("spentUsd") > 0) {
            break;
          }
          Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        double org = spend.getJsonObject("budget").getDouble("spentUsd");
        double key = spend.getJsonArray("keyBudgets").getJsonObject(0).getDouble("spentUsd");
        assertTrue(org > 0, "the org's daily spend is read where the gateway charged it: " + spend.encode());
        assertEquals(org, key, 1e-9, "one request: the key's monthly spend is the same amount: " + spend.encode());
        assertEquals(List.of("day", "month"), List.of(spend.getJsonObject("budget").getString("period"),
            spend.getJsonArray("keyBudgets").getJsonObject(0).getString("period")));
      } finally {
        replicas.onContext(sync::close);
      }
    }
  }
}
