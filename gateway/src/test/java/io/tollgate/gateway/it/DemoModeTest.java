package io.tollgate.gateway.it;

import io.tollgate.gateway.Gateway;
import io.tollgate.gateway.auth.KeyHasher;
import io.tollgate.gateway.config.ConfigHolder;
import io.tollgate.gateway.config.ConfigLoader;
import io.tollgate.gateway.config.GatewayConfig;
import io.tollgate.gateway.demo.DemoMode;
import io.tollgate.testsupport.GuardedVertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's first command, in-process: the embedded config plus --demo streams tokens. */
class DemoModeTest {

  @Test
  void theEmbeddedConfigWithDemoStreamsFromTheSimulators() throws Exception {
    GuardedVertx guarded = GuardedVertx.create();
    try {
      GatewayConfig config = ConfigLoader.loadDefault(Map.of());
      var settings = config.settings().withPorts(0, 0).withAdminToken("demo-admin");
      DemoMode.Demo demo = TestBed.await(DemoMode.start(guarded.vertx(), new KeyHasher(settings.keyPepper()), config.snapshot()));
      CollectingUsageSink usage = new CollectingUsageSink();
      Gateway gateway = TestBed.await(Gateway.start(guarded.vertx(), settings, new ConfigHolder(demo.snapshot()), usage));
      HttpClient client = guarded.vertx().createHttpClient(new HttpClientOptions()
          .setDefaultHost("127.0.0.1").setDefaultPort(gateway.port()));
      Http.bind(client, guarded.vertx().getOrCreateContext());

      Http.Reply reply = Http.post(client, "/v1/chat/completions",
          "{\"model\":\"demo-llama\",\"stream\":true,\"max_tokens\":8,"
              + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about toll gates\"}]}", demo.apiKey());
      assertEquals(200, reply.status(), reply.body().toString());
      assertEquals(8, reply.tokenEvents());
      assertTrue(reply.header("x-tollgate-backend").startsWith("demo-sim-"));
      assertEquals("demo", usage.awaitEvents(1, 2_000).get(0).keyId());
      // Every API from the first command: Responses, Messages and rerank on the demo's models.
      assertEquals(200, Http.post(client, "/v1/responses", "{\"model\":\"demo-llama\",\"input\":\"hi\","
          + "\"max_output_tokens\":4}", demo.apiKey()).status());
      assertEquals(200, Http.post(client, "/v1/messages", "{\"model\":\"demo-llama\",\"max_tokens\":4,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", null, "x-api-key", demo.apiKey()).status());
      Http.Reply rerank = Http.post(client, "/v1/rerank", "{\"model\":\"" + DemoMode.POOLING_MODEL
          + "\",\"query\":\"toll\",\"documents\":[\"toll gate\",\"garden\"]}", demo.apiKey());
      assertEquals(200, rerank.status(), rerank.body().toString());
      TestBed.await(gateway.shutdown(1_000));
    } finally {
      guarded.closeAndAssert();
    }
  }
}
