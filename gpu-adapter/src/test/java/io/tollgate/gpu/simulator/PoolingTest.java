package io.tollgate.gpu.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static io.tollgate.gpu.simulator.SimClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PoolingTest extends SimulatorTestBase {

  static final SimulatorConfig MIXED = FAST.withPoolingModels("demo-rerank");

  static JsonObject rerank(String query, String... documents) {
    return new JsonObject().put("model", "demo-rerank").put("query", query)
        .put("documents", new JsonArray(java.util.List.of((Object[]) documents)));
  }

  @Test
  void rerankSortsByRelevanceWithUsageAndTopN() throws Exception {
    SimClient client = client(start(MIXED));
    for (String path : new String[] {"/rerank", "/v1/rerank", "/v2/rerank"}) {
      SimClient.Reply reply = await(client.postJson(path, rerank("river bridge", "a forest path",
          "the river under the bridge", "a river")));
      assertEquals(200, reply.status(), path + " " + reply.body());
      JsonObject body = reply.json();
      assertTrue(body.getString("id").startsWith("rerank-"));
      assertEquals("demo-rerank", body.getString("model"));
      // each pair: the query (2) + the document
      assertEquals(new JsonObject().put("prompt_tokens", 2 * 3 + 3 + 5 + 2).put("total_tokens", 16),
          body.getJsonObject("usage"));
      JsonArray results = body.getJsonArray("results");
      assertEquals(3, results.size());
      assertEquals(1, results.getJsonObject(0).getInteger("index"));
      assertEquals(2, results.getJsonObject(1).getInteger("index"));
      assertEquals(0, results.getJsonObject(2).getInteger("index"));
      assertEquals("the river under the bridge", results.getJsonObject(0).getJsonObject("document")
          .getString("text"));
      double top = results.getJsonObject(0).getDouble("relevance_score");
      assertTrue(top > 0.5 && top < 1, "relevant: " + top);
      assertTrue(results.getJsonObject(2).getDouble("relevance_score") < 0.5);
    }
    JsonObject first = await(client.postJson("/v1/rerank", rerank("river bridge", "a", "river b").put("top_n", 1)))
        .json();
    assertEquals(1, first.getJsonArray("results").size());
    assertEquals(first.getJsonArray("results"), await(client.postJson("/v1/rerank", rerank("river bridge", "a",
        "river b").put("top_n", 1))).json().getJsonArray("results"), "deterministic");
  }

  @Test
  void scoreAcceptsEveryPairFormWithUsage() throws Exception {
    SimClient client = client(start(MIXED));
    for (String[] names : new String[][] {{"queries", "documents"}, {"queries", "items"}, {"data_1", "data_2"},
        {"text_1", "text_2"}}) {
      for (String path : new String[] {"/score", "/v1/score"}) {
        SimClient.Reply reply = await(client.postJson(path, new JsonObject().put("model", "demo-rerank")
            .put(names[0], "cache key").put(names[1], new JsonArray().add("cache key value").add("stone"))));
        assertEquals(200, reply.status(), reply.body());
        JsonObject body = reply.json();
        assertTrue(body.getString("id").startsWith("score-"));
        assertEquals("list", body.getString("object"));
        JsonArray data = body.getJsonArray("data");
        assertEquals(2, data.size());
        assertEquals("score", data.getJsonObject(0).getString("object"));
        assertTrue(data.getJsonObject(0).getDouble("score") > data.getJsonObject(1).getDouble("score"));
        assertEquals(2 + 3 + 2 + 1, body.getJsonObject("usage").getInteger("prompt_tokens"));
        assertEquals(0, body.getJsonObject("usage").getInteger("completion_tokens"));
      }
    }
    ErrorResponsesTest.assertErrorShape(await(client.postJson("/v1/score", new JsonObject()
        .put("model", "demo-rerank").put("queries", new JsonArray().add("a").add("b"))
        .put("documents", new JsonArray().add("a").add("b").add("c")))), 400, "BadRequestError");
  }

  @Test
  void modelKindsAreKeptApart() throws Exception {
    SimClient mixed = client(start(MIXED));
    JsonObject refused = await(mixed.postJson("/v1/chat/completions", chat("hi").put("model", "demo-rerank")))
        .json().getJsonObject("error");
    assertEquals(400, refused.getInteger("code"));
    assertEquals(400, await(mixed.postJson("/v1/rerank", rerank("a", "b").put("model", "demo-llama"))).status());
    assertEquals(200, await(mixed.postJson("/v1/embeddings", new JsonObject().put("model", "demo-rerank")
        .put("input", "x"))).status());
    JsonObject models = await(mixed.get("/v1/models")).json();
    assertEquals(2, models.getJsonArray("data").size());

    // A server with only a pooling model has no generation routes, and vice versa: FastAPI's 404.
    SimClient poolingOnly = client(start(FAST.withPoolingModels("demo-rerank").withModels(java.util.List.of())));
    SimClient.Reply chat = await(poolingOnly.postJson("/v1/chat/completions", chat("hi").put("model",
        "demo-rerank")));
    assertEquals(404, chat.status());
    assertEquals(new JsonObject().put("detail", "Not Found"), chat.json());
    SimClient generateOnly = client(start(FAST));
    assertEquals(new JsonObject().put("detail", "Not Found"), await(generateOnly.postJson("/v1/rerank",
        rerank("a", "b"))).json());
  }

  @Test
  void aClientLeavingBeforeTheAnswerCountsAsAnAbortOfItsFamily() throws Exception {
    VllmSimulator sim = start(MIXED.withPrefillMillisPerToken(200));
    SimClient client = client(sim);
    JsonObject score = new JsonObject().put("model", "demo-rerank").put("queries", "a b").put("documents", "c d");
    JsonObject embed = new JsonObject().put("model", "demo-rerank").put("input", "a b c d");
    String[][] cases = {{"/v1/rerank", rerank("a b c", "d e f", "g h").encode(), "rerank"},
        {"/score", score.encode(), "score"}, {"/v1/embeddings", embed.encode(), "embeddings"}};
    for (String[] c : cases) {
      client.onContext(() -> client.http().request(io.vertx.core.http.HttpMethod.POST, c[0])
          .compose(req -> {
            req.putHeader("content-type", "application/json");
            req.send(c[1]).onComplete(ar -> { });
            vertx.setTimer(100, t -> req.connection().close());
            return io.vertx.core.Future.succeededFuture();
          }));
      eventually(2_000, c[2] + " abort", () -> sim.stats().endpoint(c[2]).aborted() == 1);
      assertEquals(1, sim.stats().endpoint(c[2]).requests());
    }
    // and one that waits gets its answer, not counted as an abort
    assertEquals(200, await(client.postJson("/v1/rerank", rerank("a", "b"))).status());
    assertEquals(new SimulatorStats.EndpointCounts(2, 1), sim.stats().endpoint("rerank"));
  }
}
