package io.tollgate.gpu.simulator;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicReference;

import static io.tollgate.gpu.simulator.SimClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AbortAndBackPressureTest extends SimulatorTestBase {

  @Test
  void closingTheConnectionMidStreamAbortsWithinASecond() throws Exception {
    VllmSimulator sim = start(FAST.withInterTokenMillis(10));
    SimClient client = client(sim);
    Promise<Void> firstBytes = Promise.promise();
    HttpClientResponse response = await(open(client, chat("long answer").put("max_tokens", 1000),
        r -> r.handler(b -> firstBytes.tryComplete())));
    await(firstBytes.future());
    eventually(1_000, "running", () -> sim.stats().running() == 1);

    long closedAt = System.nanoTime();
    await(client.onContext(() -> response.request().connection().close()));
    eventually(1_000, "abort counted", () -> sim.stats().aborted() == 1);
    assertTrue(System.nanoTime() - closedAt < 1_000_000_000L);
    assertEquals(new SimulatorStats.EndpointCounts(1, 1), sim.stats().endpoint("chat"));
    SimulatorStats stats = sim.stats();
    assertEquals(0, stats.running());
    assertEquals(0.0, stats.kvCacheUsage());
    assertTrue(stats.generationTokens() < 1000);
    String metrics = await(client.get("/metrics")).body();
    assertTrue(metrics.contains(
        "vllm:request_success_total{model_name=\"demo-llama\",engine=\"0\",finished_reason=\"abort\"} 1.0"));
  }

  @Test
  void closingAQueuedRequestRemovesItFromTheQueue() throws Exception {
    VllmSimulator sim = start(FAST.withMaxNumSeqs(1).withInterTokenMillis(10));
    SimClient client = client(sim);
    Future<SimClient.Stream> running = client.stream("/v1/chat/completions",
        chat("first").put("max_tokens", 60).put("stream", true));
    HttpClientResponse queued = await(open(client, chat("second").put("max_tokens", 5), r -> r.handler(b -> { })));
    eventually(2_000, "one waiting", () -> sim.stats().waiting() == 1);

    await(client.onContext(() -> queued.request().connection().close()));
    eventually(1_000, "queued request aborted", () -> sim.stats().aborted() == 1 && sim.stats().waiting() == 0);
    assertEquals(61, await(running).tokenChunks().size());
    eventually(5_000, "the running sequence counted as completed", () -> sim.stats().completed() == 1);
  }

  @Test
  void aClientThatStopsReadingPausesTheStreamWhichResumesAndCompletes() throws Exception {
    int requested = 50_000;
    VllmSimulator sim = start(FAST.withInterTokenMillis(0.02).withMaxModelLen(100_000));
    // A small receive window keeps the kernel from buffering megabytes on the client's behalf.
    SimClient client = client(sim);
    AtomicLong bytes = new AtomicLong();
    AtomicReference<String> tail = new AtomicReference<>("");
    Promise<Void> ended = Promise.promise();
    HttpClientResponse response = await(open(client, completion("go").put("max_tokens", requested), r -> {
      r.pause(); // the client stops reading before the first byte
      r.handler(b -> {
        bytes.addAndGet(b.length());
        String s = b.toString();
        tail.set(s.substring(Math.max(0, s.length() - 64)));
      });
      r.endHandler(v -> ended.complete());
    }));
    assertEquals(200, response.statusCode());

    // Buffers between the two ends fill in stages (each drain lets a little more through), so wait until
    // the stream stays paused with no new tokens for a while.
    long deadline = System.nanoTime() + 10_000_000_000L;
    long before = -1;
    SimulatorStats paused = sim.stats();
    while (paused.pausedStreams() < 1 || paused.generationTokens() != before) {
      assertTrue(System.nanoTime() < deadline, "stream never settled paused: " + paused);
      before = paused.generationTokens();
      Thread.sleep(300); // test thread
      paused = sim.stats();
    }
    System.out.println("paused after " + paused.generationTokens() + " tokens, client got " + bytes.get() + " bytes");
    assertTrue(paused.generationTokens() < requested / 5,
        "paused far short of the requested tokens: " + paused.generationTokens());
    assertEquals(1, paused.running());

    client.onContext(() -> { response.resume(); return Future.succeededFuture(); });
    await(ended.future(), 30);
    assertTrue(tail.get().endsWith("data: [DONE]\n\n"), tail.get());
    // The engine counts the sequence as finished on its loop just after writing [DONE].
    eventually(5_000, "the sequence counted as completed", () -> sim.stats().completed() == 1);
    SimulatorStats done = sim.stats();
    assertEquals(requested, done.generationTokens());
    assertEquals(1, done.completed());
    assertEquals(0, done.pausedStreams());
  }

  /** Opens a streaming request; {@code setup} runs on the event loop as the response arrives. */
  static Future<HttpClientResponse> open(SimClient client, JsonObject body, Consumer<HttpClientResponse> setup) {
    return client.onContext(() -> client.http().request(new RequestOptions().setMethod(HttpMethod.POST)
            .setURI(body.containsKey("messages") ? "/v1/chat/completions" : "/v1/completions")
            .putHeader("content-type", "application/json"))
        .compose(req -> req.send(body.copy().put("stream", true).encode()))
        .onSuccess(setup::accept));
  }
}
