package io.tollgate.gpu.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tollgate.gpu.simulator.SimClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndpointsTest extends SimulatorTestBase {

  private static final List<String> METRIC_SAMPLES = List.of(
      "vllm:num_requests_running{", "vllm:num_requests_waiting{", "vllm:kv_cache_usage_perc{",
      "vllm:prefix_cache_queries_total{", "vllm:prefix_cache_hits_total{", "vllm:prompt_tokens_total{",
      "vllm:generation_tokens_total{", "vllm:num_preemptions_total{",
      "vllm:num_requests_waiting_by_reason{model_name=\"demo-llama\",engine=\"0\",reason=\"capacity\"} 0.0",
      "vllm:admission_rejections_total{model_name=\"demo-llama\",engine=\"0\",reason=\"max_num_queued_reqs\"}",
      "tollgate_sim_requests_total{model_name=\"demo-llama\",engine=\"0\",endpoint=\"chat\"} 1.0",
      "tollgate_sim_requests_aborted_total{model_name=\"demo-llama\",engine=\"0\",endpoint=\"messages\"} 0.0",
      "vllm:request_success_total{model_name=\"demo-llama\",engine=\"0\",finished_reason=\"stop\"}",
      "vllm:request_success_total{model_name=\"demo-llama\",engine=\"0\",finished_reason=\"length\"}",
      "vllm:request_success_total{model_name=\"demo-llama\",engine=\"0\",finished_reason=\"abort\"}");
  private static final List<String> HISTOGRAMS = List.of("vllm:time_to_first_token_seconds",
      "vllm:inter_token_latency_seconds", "vllm:e2e_request_latency_seconds", "vllm:request_queue_time_seconds",
      "vllm:request_prompt_tokens", "vllm:request_generation_tokens");

  @Test
  void metricsHaveEveryVllmNameWithHelpTypeAndLabels() throws Exception {
    SimClient client = client(start(FAST));
    await(client.postJson("/v1/chat/completions", chat("a b c").put("max_tokens", 4)));
    SimClient.Reply reply = await(client.get("/metrics"));
    assertEquals(200, reply.status());
    assertTrue(reply.headers().get("content-type").startsWith("text/plain"));
    String text = reply.body();
    for (String sample : METRIC_SAMPLES) {
      assertTrue(text.contains(sample), "missing " + sample);
      String name = sample.substring(0, sample.indexOf('{'));
      assertTrue(text.contains("# HELP " + name + " "), "HELP of " + name);
      assertTrue(text.contains("# TYPE " + name + " "), "TYPE of " + name);
    }
    for (String h : HISTOGRAMS) {
      assertTrue(text.contains("# TYPE " + h + " histogram"), h);
      assertTrue(text.contains(h + "_bucket{model_name=\"demo-llama\",engine=\"0\",le=\"+Inf\"} "), h);
      assertTrue(text.contains(h + "_count{model_name=\"demo-llama\",engine=\"0\"} " + (h.contains("inter_token") ? "3.0" : "1.0")), h);
      assertTrue(text.contains(h + "_sum{model_name=\"demo-llama\",engine=\"0\"} "), h);
    }
    assertTrue(text.contains("vllm:inter_token_latency_seconds_count{model_name=\"demo-llama\",engine=\"0\"} 3.0"));
    assertTrue(text.contains("vllm:request_generation_tokens_sum{model_name=\"demo-llama\",engine=\"0\"} 4.0"));
    assertTrue(text.contains("vllm:prompt_tokens_total{model_name=\"demo-llama\",engine=\"0\"} 8.0"));
    for (String line : text.split("\n")) {
      assertTrue(line.startsWith("#") || line.matches("(vllm:|tollgate_sim_)[a-z0-9_:]+\\{[^}]*\\} [-+0-9.Ee]+"), line);
    }
  }

  @Test
  void modelsListInVllmShape() throws Exception {
    SimClient client = client(start(FAST.withModels("demo-llama", "demo-mistral").withMaxModelLen(4096)));
    JsonObject body = await(client.get("/v1/models")).json();
    assertEquals("list", body.getString("object"));
    JsonArray data = body.getJsonArray("data");
    assertEquals(2, data.size());
    JsonObject model = data.getJsonObject(1);
    assertEquals("demo-mistral", model.getString("id"));
    assertEquals("model", model.getString("object"));
    assertEquals("vllm", model.getString("owned_by"));
    assertEquals("demo-mistral", model.getString("root"));
    assertTrue(model.containsKey("parent") && model.getValue("parent") == null);
    assertEquals(4096, model.getInteger("max_model_len"));
    assertTrue(model.getLong("created") > 0);
    assertEquals("model_permission", model.getJsonArray("permission").getJsonObject(0).getString("object"));
  }

  @Test
  void embeddingsAreDeterministicUnitVectors() throws Exception {
    SimClient client = client(start(FAST.withEmbeddingDimensions(16)));
    JsonObject body = await(client.postJson("/v1/embeddings", new JsonObject().put("model", "demo-llama")
        .put("input", new JsonArray().add("hello world").add("other text here")))).json();
    assertEquals("list", body.getString("object"));
    assertEquals("demo-llama", body.getString("model"));
    JsonArray data = body.getJsonArray("data");
    assertEquals(2, data.size());
    for (int i = 0; i < 2; i++) {
      JsonObject item = data.getJsonObject(i);
      assertEquals(i, item.getInteger("index"));
      assertEquals("embedding", item.getString("object"));
      JsonArray vector = item.getJsonArray("embedding");
      assertEquals(16, vector.size());
      double norm = 0;
      for (int d = 0; d < 16; d++) {
        norm += vector.getDouble(d) * vector.getDouble(d);
      }
      assertEquals(1.0, norm, 1e-5);
    }
    assertNotEquals(data.getJsonObject(0).getJsonArray("embedding"), data.getJsonObject(1).getJsonArray("embedding"));
    assertEquals(5, body.getJsonObject("usage").getInteger("prompt_tokens"));
    assertEquals(5, body.getJsonObject("usage").getInteger("total_tokens"));

    JsonObject again = await(client.postJson("/v1/embeddings", new JsonObject().put("input", "hello world"))).json();
    assertEquals(data.getJsonObject(0).getJsonArray("embedding"),
        again.getJsonArray("data").getJsonObject(0).getJsonArray("embedding"));
    ErrorResponsesTest.assertErrorShape(await(client.postJson("/v1/embeddings",
        new JsonObject().put("model", "nope").put("input", "x"))), 404, "NotFoundError");
  }

  @Test
  void healthPingVersionLoadTokenize() throws Exception {
    SimClient client = client(start(FAST));
    SimClient.Reply health = await(client.get("/health"));
    assertEquals(200, health.status());
    assertEquals("", health.body());
    assertEquals(200, await(client.get("/ping")).status());
    assertEquals("0.11.0-sim", await(client.get("/version")).json().getString("version"));
    assertEquals(new JsonObject().put("server_load", 0), await(client.get("/load")).json());

    JsonObject tokens = await(client.postJson("/tokenize", new JsonObject().put("model", "demo-llama")
        .put("prompt", "the model zebra"))).json();
    assertEquals(3, tokens.getInteger("count"));
    assertEquals(8192, tokens.getInteger("max_model_len"));
    JsonArray ids = tokens.getJsonArray("tokens");
    JsonObject text = await(client.postJson("/detokenize", new JsonObject().put("tokens",
        new JsonArray().add(ids.getInteger(0)).add(ids.getInteger(1))))).json();
    assertEquals("the model", text.getString("prompt"));
    assertEquals("<tok" + ids.getInteger(2) + ">", await(client.postJson("/detokenize", new JsonObject()
        .put("tokens", new JsonArray().add(ids.getInteger(2))))).json().getString("prompt"),
        "words outside the vocabulary come back as their id");

    JsonObject chatTokens = await(client.postJson("/tokenize", new JsonObject().put("messages",
        chat("one two three").getJsonArray("messages")))).json();
    assertEquals(8, chatTokens.getInteger("count")); // same count as the chat endpoint's prompt_tokens
  }
}
