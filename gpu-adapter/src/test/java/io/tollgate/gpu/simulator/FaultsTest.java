package io.tollgate.gpu.simulator;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static io.tollgate.gpu.simulator.SimClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultsTest extends SimulatorTestBase {

  @Test
  void errorRateOneAnswersEveryRequestWithTheErrorStatusBeforeAnyStream() throws Exception {
    VllmSimulator sim = start(FAST);
    SimClient client = client(sim);
    sim.faults(SimulatorFaults.none().withErrorRate(1).withErrorStatus(503));

    SimClient.Reply streaming = await(client.postJson("/v1/chat/completions",
        chat("hi").put("stream", true).put("max_tokens", 3)));
    assertEquals("application/json", streaming.headers().get("content-type"));
    JsonObject error = ErrorResponsesTest.assertErrorShape(streaming, 503, "ServiceUnavailableError");
    assertTrue(error.getString("message").contains("injected"));
    SimClient.Reply plain = await(client.postJson("/v1/completions", completion("hi")));
    ErrorResponsesTest.assertErrorShape(plain, 503, "ServiceUnavailableError");
    assertEquals(2, sim.stats().errorsInjected());

    sim.faults(SimulatorFaults.none().withErrorRate(1));
    ErrorResponsesTest.assertErrorShape(await(client.postJson("/v1/completions", completion("hi"))), 500,
        "InternalServerError");
    sim.faults(SimulatorFaults.none());
    assertEquals(200, await(client.postJson("/v1/completions", completion("hi").put("max_tokens", 1))).status());
  }

  @Test
  void failAfterTokensSendsAnErrorEventThenDone() throws Exception {
    VllmSimulator sim = start(FAST);
    SimClient client = client(sim);
    sim.faults(SimulatorFaults.none().withFailAfterTokens(3));

    SimClient.Stream s = await(client.stream("/v1/chat/completions",
        chat("hi").put("max_tokens", 10).put("stream", true)));
    assertEquals(200, s.status());
    List<SimClient.SseEvent> events = s.events();
    assertEquals(6, events.size(), s.raw()); // role, 3 tokens, error, [DONE]
    JsonObject error = events.get(4).json().getJsonObject("error");
    assertEquals("InternalServerError", error.getString("type"));
    assertEquals(500, error.getInteger("code"));
    assertTrue(events.get(5).done());
    assertTrue(s.raw().endsWith("\"code\":500}}\n\ndata: [DONE]\n\n"));

    ErrorResponsesTest.assertErrorShape(await(client.postJson("/v1/completions",
        completion("hi").put("max_tokens", 10))), 500, "InternalServerError");
    // The client can see the end a moment before the engine's step that frees the sequence.
    eventually(2_000, "both errors counted and the failed sequence freed", () -> {
      SimulatorStats stats = sim.stats();
      return stats.errorsInjected() == 2 && stats.running() == 0 && stats.kvCacheUsage() == 0.0;
    });
  }

  @Test
  void stallAfterTokensSendsNothingMoreAndKeepsTheConnectionOpen() throws Exception {
    VllmSimulator sim = start(FAST);
    SimClient client = client(sim);
    sim.faults(SimulatorFaults.none().withStallAfterTokens(2));
    AtomicInteger events = new AtomicInteger();
    Promise<Void> ended = Promise.promise();
    SimClient.SseParser parser = new SimClient.SseParser();
    HttpClientResponse response = await(AbortAndBackPressureTest.open(client,
        chat("hi").put("max_tokens", 10), r -> {
          r.handler(b -> {
            parser.feed(b.toString(), System.nanoTime());
            events.set(parser.events.size());
          });
          r.endHandler(v -> ended.complete());
        }));
    eventually(2_000, "role + 2 tokens", () -> events.get() == 3);
    Thread.sleep(300); // test thread: nothing more may come
    assertEquals(3, events.get());
    assertTrue(!ended.future().isComplete());
    assertEquals(1, sim.stats().running());
    assertEquals(2, sim.stats().generationTokens());

    await(client.onContext(() -> response.request().connection().close()));
    eventually(1_000, "stalled stream aborted on close", () -> sim.stats().aborted() == 1);
    assertEquals(0, sim.stats().running());
  }

  @Test
  void stallBeforeFirstTokenDelaysTtftAndExtraDelaySlowsEveryToken() throws Exception {
    VllmSimulator sim = start(FAST.withInterTokenMillis(1));
    SimClient client = client(sim);
    sim.faults(SimulatorFaults.none().withStallBeforeFirstTokenMillis(300));
    SimClient.Stream stalled = await(client.stream("/v1/completions",
        completion("hi").put("max_tokens", 2).put("stream", true)));
    long ttft = (stalled.events().get(0).atNanos() - stalled.sentNanos()) / 1_000_000;
    assertTrue(ttft >= 295 && ttft < 2_000, "ttft " + ttft);

    sim.faults(SimulatorFaults.none().withExtraTokenDelayMillis(40));
    SimClient.Stream slow = await(client.stream("/v1/completions",
        completion("hi").put("max_tokens", 5).put("stream", true)));
    // From the send, not from the first event: a first event that arrives late (a busy machine)
    // shortens the gaps the client sees after it, never the time to the last one, which the
    // simulator schedules at 4 gaps of 41 ms after the first token at the least.
    long last = slow.events().get(4).atNanos();
    long millis = (last - slow.sentNanos()) / 1_000_000;
    assertTrue(millis >= 4 * 41, "5 tokens 41 ms apart take at least 164 ms after the send: " + millis);
  }

  @Test
  void refusedConnectionsThenAcceptedAgainOnTheSamePort() throws Exception {
    VllmSimulator sim = start(FAST.withInterTokenMillis(10));
    SimClient client = client(sim);
    int port = sim.port();
    Future<SimClient.Stream> inFlight = client.stream("/v1/completions",
        completion("hi").put("max_tokens", 40).put("stream", true));
    eventually(2_000, "stream running", () -> sim.stats().generationTokens() > 0);

    await(sim.refuseConnections());
    SimClient fresh = client(sim); // a new pool: no idle connection to reuse
    ExecutionException refused = assertThrows(ExecutionException.class, () -> await(fresh.get("/health")));
    assertInstanceOf(ConnectException.class, refused.getCause(), String.valueOf(refused.getCause()));
    assertEquals(41, await(inFlight).events().size(), "the stream in flight goes on");

    await(sim.acceptConnections());
    assertEquals(port, sim.port());
    assertEquals(200, await(fresh.get("/health")).status());
    assertEquals(200, await(fresh.postJson("/v1/completions", completion("hi").put("max_tokens", 1))).status());

    // Again, straight away: the port is released and taken each time.
    await(sim.refuseConnections());
    SimClient another = client(sim);
    assertThrows(ExecutionException.class, () -> await(another.get("/health")));
    await(sim.acceptConnections());
    assertEquals(200, await(another.get("/health")).status());
  }

  @Test
  void faultsAndStatsOverHttp() throws Exception {
    VllmSimulator sim = start(FAST);
    SimClient client = client(sim);
    SimClient.Reply set = await(client.postJson("/sim/faults",
        new JsonObject().put("errorRate", 1).put("errorStatus", 502)));
    assertEquals(200, set.status());
    assertEquals(SimulatorFaults.none().withErrorRate(1).withErrorStatus(502), sim.faults());
    assertEquals(SimulatorFaults.none().withErrorRate(1).withErrorStatus(502).toJson(), set.json());
    ErrorResponsesTest.assertErrorShape(await(client.postJson("/v1/completions", completion("x"))), 502,
        "BadGatewayError");

    await(client.postJson("/sim/faults", new JsonObject()));
    assertEquals(SimulatorFaults.none(), sim.faults());
    assertEquals(400, await(client.postJson("/sim/faults", new JsonObject().put("errorRate", 2))).status());

    await(client.postJson("/v1/completions", completion("x").put("max_tokens", 3)));
    eventually(5_000, "the sequence counted as completed", () -> sim.stats().completed() == 1);
    SimulatorStats stats = SimulatorStats.fromJson(await(client.get("/sim/stats")).json());
    assertEquals(sim.stats(), stats);
    assertEquals(1, stats.completed());
    assertEquals(1, stats.errorsInjected());
  }
}
