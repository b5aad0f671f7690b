package io.tollgate.gpu.simulator;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.tollgate.gpu.simulator.SimClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Continuous batching, KV cache accounting, preemption and prefix caching. */
class SchedulingTest extends SimulatorTestBase {

  @Test
  void requestsBeyondMaxNumSeqsWaitAndShowInStatsAndMetrics() throws Exception {
    VllmSimulator sim = start(FAST.withMaxNumSeqs(2).withInterTokenMillis(20));
    SimClient client = client(sim);
    List<Future<SimClient.Stream>> streams = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      streams.add(client.stream("/v1/chat/completions", chat("q" + i).put("max_tokens", 15).put("stream", true)));
    }
    eventually(5_000, "2 running, 3 waiting", () -> sim.stats().running() == 2 && sim.stats().waiting() == 3);

    String metrics = await(client.get("/metrics")).body();
    assertTrue(metrics.contains("vllm:num_requests_running{model_name=\"demo-llama\",engine=\"0\"} 2.0"), metrics);
    assertTrue(metrics.contains("vllm:num_requests_waiting{model_name=\"demo-llama\",engine=\"0\"} 3.0"), metrics);
    assertEquals(5, await(client.get("/load")).json().getInteger("server_load"));

    for (Future<SimClient.Stream> stream : streams) {
      assertEquals(15, await(stream).tokenChunks().size() - 1); // minus the role chunk
    }
    // Counted on the engine's loop just after [DONE] is written: the client can be a moment ahead.
    eventually(5_000, "every sequence counted", () -> sim.stats().completed() == 5);
    SimulatorStats stats = sim.stats();
    assertEquals(0, stats.running());
    assertEquals(0, stats.waiting());
    assertEquals(5, stats.completed());
    assertEquals(75, stats.generationTokens());
    String after = await(client.get("/metrics")).body();
    assertTrue(after.contains("vllm:request_queue_time_seconds_count{model_name=\"demo-llama\",engine=\"0\"} 5.0"));
    assertTrue(after.contains(
        "vllm:request_success_total{model_name=\"demo-llama\",engine=\"0\",finished_reason=\"length\"} 5.0"));
  }

  @Test
  void kvUsageRisesWithRunningSequencesAndLimitsAdmission() throws Exception {
    // Prompts of 105 tokens (100 words + chat template); room for two of them but not three.
    VllmSimulator sim = start(FAST.withKvCacheCapacityTokens(300).withInterTokenMillis(20));
    SimClient client = client(sim);
    List<Future<SimClient.Stream>> streams = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      streams.add(client.stream("/v1/chat/completions",
          chat(i + " " + words(99)).put("max_tokens", 10).put("stream", true)));
    }
    eventually(5_000, "two admitted, one waiting for KV room",
        () -> sim.stats().running() == 2 && sim.stats().waiting() == 1);
    double usage = sim.stats().kvCacheUsage();
    assertTrue(usage >= 210 / 300.0 && usage <= 1.0, "usage " + usage);
    String metrics = await(client.get("/metrics")).body();
    assertTrue(metrics.contains("vllm:kv_cache_usage_perc{model_name=\"demo-llama\",engine=\"0\"} 0.7"), metrics);

    for (Future<SimClient.Stream> stream : streams) {
      await(stream);
    }
    // The client can read [DONE] a moment before the engine's step that frees the last KV.
    eventually(2_000, "KV freed once every sequence finished",
        () -> sim.stats().kvCacheUsage() == 0.0 && sim.stats().completed() == 3);
  }

  @Test
  void aFullKvCachePreemptsTheLatestSequenceWhichStillCompletes() throws Exception {
    VllmSimulator sim = start(FAST.withKvCacheCapacityTokens(230).withInterTokenMillis(2));
    SimClient client = client(sim);
    Future<SimClient.Stream> a = client.stream("/v1/completions",
        completion(words(105)).put("max_tokens", 40).put("stream", true));
    Future<SimClient.Stream> b = client.stream("/v1/completions",
        completion("other " + words(104)).put("max_tokens", 40).put("stream", true));
    assertEquals(41, await(a).events().size());
    assertEquals(41, await(b).events().size());
    String metrics = await(client.get("/metrics")).body();
    assertTrue(!metrics.contains("vllm:num_preemptions_total{model_name=\"demo-llama\",engine=\"0\"} 0.0"), metrics);
    assertEquals(80, sim.stats().generationTokens());
    assertEquals(0.0, sim.stats().kvCacheUsage());
  }

  @Test
  void aRepeatedPromptHitsThePrefixCacheAndStartsSooner() throws Exception {
    VllmSimulator sim = start(FAST.withPrefillMillisPerToken(0.5));
    SimClient client = client(sim);
    JsonObject request = completion(words(800)).put("max_tokens", 2).put("stream", true);

    SimClient.Stream cold = await(client.stream("/v1/completions", request));
    SimulatorStats afterCold = sim.stats();
    assertEquals(800, afterCold.prefixCacheQueries());
    assertEquals(0, afterCold.prefixCacheHits());
    SimClient.Stream warm = await(client.stream("/v1/completions", request.copy()));
    SimulatorStats afterWarm = sim.stats();
    assertEquals(1600, afterWarm.prefixCacheQueries());
    assertEquals(799, afterWarm.prefixCacheHits()); // all 50 blocks, less the last token vLLM recomputes

    long coldTtft = (cold.events().get(0).atNanos() - cold.sentNanos()) / 1_000_000;
    long warmTtft = (warm.events().get(0).atNanos() - warm.sentNanos()) / 1_000_000;
    assertTrue(coldTtft >= 390, "800 uncached tokens at 0.5 ms: " + coldTtft + " ms");
    assertTrue(warmTtft < coldTtft / 4, "cached prefix skips prefill: " + warmTtft + " vs " + coldTtft);

    String metrics = await(client.get("/metrics")).body();
    assertTrue(metrics.contains("vllm:prefix_cache_hits_total{model_name=\"demo-llama\",engine=\"0\"} 799.0"));
    assertTrue(metrics.contains("vllm:prefix_cache_queries_total{model_name=\"demo-llama\",engine=\"0\"} 1600.0"));
  }

  @Test
  void withoutPrefixCachingNothingIsCached() throws Exception {
    VllmSimulator sim = start(FAST.withPrefixCaching(false));
    SimClient client = client(sim);
    JsonObject request = completion(words(64)).put("max_tokens", 1);
    await(client.postJson("/v1/completions", request));
    await(client.postJson("/v1/completions", request.copy()));
    assertEquals(0, sim.stats().prefixCacheHits());
  }
}
