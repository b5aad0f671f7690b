package io.tollgate.gateway.it;

import io.tollgate.gateway.usage.UsageEvent;
import io.tollgate.gpu.simulator.SimulatorFaults;
import io.tollgate.gpu.simulator.SimulatorStats;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.tollgate.gateway.it.TestBed.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Slow, vanished and failing peers: back-pressure, aborts, retries, mid-stream failures. */
class ResilienceTest {

  private TestBed bed;

  @AfterEach
  void stop() throws Exception {
    if (bed != null) {
      bed.close();
    }
  }

  /** Opens a raw connection with a tiny receive buffer and sends a streaming request on it. */
  private NetSocket rawStream(int maxTokens, AtomicLong bytesRead) throws Exception {
    NetSocket socket = TestBed.await(bed.vertx.createNetClient(new NetClientOptions().setReceiveBufferSize(4096))
        .connect(bed.gateway.port(), "127.0.0.1"));
    socket.handler(buffer -> bytesRead.addAndGet(buffer.length()));
    String body = Http.chat(maxTokens, true);
    socket.write(Buffer.buffer("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
        + "Authorization: Bearer " + SECRET + "\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.length() + "\r\n\r\n" + body));
    return socket;
  }

  private static void waitFor(String what, long timeoutMillis, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void aClientThatStopsReadingPausesTheBackendInsteadOfBufferingTheStream() throws Exception {
    bed = TestBed.builder().simulators(1).simulatorConfig(c -> c.withInterTokenMillis(0.05)
        .withMaxModelLen(100_000)).start();
    AtomicLong bytesRead = new AtomicLong();
    NetSocket socket = rawStream(50_000, bytesRead);
    waitFor("first bytes", 5_000, () -> bytesRead.get() > 0);
    socket.pause();

    waitFor("the simulator to pause the stream", 10_000, () -> bed.sim(1).stats().pausedStreams() >= 1);
    Thread.sleep(1_000);
    SimulatorStats paused = bed.sim(1).stats();
    assertEquals(0, paused.completed(), "the stream is paused, not finished");
    assertTrue(paused.generationTokens() < 20_000,
        "generation stopped far short of 50,000 tokens: " + paused.generationTokens());
    Thread.sleep(500);
    assertEquals(paused.generationTokens(), bed.sim(1).stats().generationTokens(), "nothing generated while paused");

    socket.resume();
    waitFor("the stream to complete after the client resumes", 30_000, () -> bed.sim(1).stats().completed() == 1);
    UsageEvent event = bed.usage.awaitEvents(1, 10_000).get(0);
    assertEquals(50_000, event.completionTokens());
    assertEquals(200, event.status());
    socket.close();
  }

  @Test
  void aClientPausedLongerThanTheIdleTimeoutIsNotTimedOutWhenItResumes() throws Exception {
    bed = TestBed.builder().simulators(1).simulatorConfig(c -> c.withInterTokenMillis(0.05).withMaxModelLen(100_000))
        .timeouts(new io.tollgate.gateway.config.ModelRoute.RouteTimeouts(1_000, 5_000, 600)).start();
    AtomicLong bytesRead = new AtomicLong();
    NetSocket socket = rawStream(30_000, bytesRead);
    waitFor("first bytes", 5_000, () -> bytesRead.get() > 0);
    socket.pause();
    waitFor("the simulator to pause the stream", 10_000, () -> bed.sim(1).stats().pausedStreams() >= 1);
    Thread.sleep(1_500); // well past the 600 ms idle timeout: the backend is silent because we paused it
    socket.resume();
    waitFor("the stream to complete", 30_000, () -> bed.sim(1).stats().completed() == 1);
    UsageEvent event = bed.usage.awaitEvents(1, 10_000).get(0);
    assertEquals(200, event.status());
    assertEquals(null, event.errorKind(), "no idle timeout for a stream paused by its client");
    assertEquals(30_000, event.completionTokens());
    socket.close();
  }

  @Test
  void aClientThatDisconnectsMidStreamAbortsTheGeneration() throws Exception {
    bed = TestBed.builder().simulators(1).simulatorConfig(c -> c.withInterTokenMillis(10)).start();
    AtomicLong bytesRead = new AtomicLong();
    NetSocket socket = rawStream(1_000, bytesRead);
    waitFor("tokens to flow", 5_000, () -> bytesRead.get() > 2_000);
    TestBed.await(socket.close());
    long closedAt = System.currentTimeMillis();
    waitFor("the simulator to count an abort", 1_000, () -> bed.sim(1).stats().aborted() == 1);
    assertTrue(System.currentTimeMillis() - closedAt < 1_000);

    UsageEvent event = bed.usage.awaitEvents(1, 2_000).get(0);
    assertTrue(event.clientDisconnected());
    assertEquals("client_disconnected", event.errorKind());
    assertTrue(event.completionTokens() > 0 && event.completionTokens() < 1_000,
        "the tokens actually streamed are accounted: " + event.completionTokens());
  }

  @Test
  void aRefusedConnectionIsRetriedOnAnotherBackend() throws Exception {
    bed = TestBed.builder().start();
    TestBed.await(bed.sim(1).refuseConnections());
    for (int i = 0; i < 6; i++) {
      Http.Reply reply = Http.post(bed.client, "/v1/chat/completions", Http.chat(3, true), SECRET);
      assertEquals(200, reply.status());
      assertEquals("sim-2", reply.header("x-tollgate-backend"));
    }
    assertTrue(bed.usage.awaitEvents(6, 2_000).stream().allMatch(e -> "sim-2".equals(e.backendId())));
  }

  @Test
  void a5xxBeforeTheFirstByteIsRetriedOnAnotherBackend() throws Exception {
    bed = TestBed.builder().start();
    bed.sim(1).faults(SimulatorFaults.none().withErrorRate(1.0));
    for (int i = 0; i < 6; i++) {
      assertEquals(200, Http.post(bed.client, "/v1/chat/completions", Http.chat(3, false), SECRET).status());
    }
  }

  @Test
  void aBackendFailingMidStreamGivesTheClientAnErrorEventAndIsNotRetried() throws Exception {
    bed = TestBed.builder().start();
    bed.sim(1).faults(SimulatorFaults.none().withFailAfterTokens(3));
    bed.sim(2).faults(SimulatorFaults.none().withFailAfterTokens(3));
    Http.Reply reply = Http.post(bed.client, "/v1/chat/completions", Http.chat(10, true), SECRET);
    assertEquals(200, reply.status());
    List<String> events = reply.events();
    assertEquals("[DONE]", events.get(events.size() - 1));
    assertTrue(events.get(events.size() - 2).startsWith("{\"error\""), events.toString());
    assertEquals(3, reply.tokenEvents());
    long served = bed.sim(1).stats().completed() + bed.sim(2).stats().completed()
        + bed.sim(1).stats().errorsInjected() + bed.sim(2).stats().errorsInjected();
    assertEquals(1, served, "no retry after the first byte");
    UsageEvent event = bed.usage.awaitEvents(1, 2_000).get(0);
    assertFalse(event.errorKind() == null, "the failure is recorded");
  }

  @Test
  void aBackendThatVanishesMidStreamEndsTheStreamWithAnError() throws Exception {
    bed = TestBed.builder().simulators(1).timeouts(new io.tollgate.gateway.config.ModelRoute.RouteTimeouts(1_000, 5_000, 600))
        .start();
    bed.sim(1).faults(SimulatorFaults.none().withStallAfterTokens(2));
    Http.Reply reply = Http.post(bed.client, "/v1/chat/completions", Http.chat(10, true), SECRET);
    List<String> events = reply.events();
    assertEquals("[DONE]", events.get(events.size() - 1));
    assertTrue(events.get(events.size() - 2).contains("upstream_timeout"), events.toString());
    assertEquals("upstream_timeout", bed.usage.awaitEvents(1, 2_000).get(0).errorKind());
    waitFor("the stalled upstream stream to be reset", 2_000, () -> bed.sim(1).stats().aborted() == 1);
  }

  @Test
  void keepAliveCommentsWhileWaitingForTheFirstToken() throws Exception {
    bed = TestBed.builder().simulators(1).keepAliveMillis(200).start();
    bed.sim(1).faults(SimulatorFaults.none().withStallBeforeFirstTokenMillis(1_000));
    Http.Reply reply = Http.post(bed.client, "/v1/chat/completions", Http.chat(3, true), SECRET);
    assertEquals(200, reply.status());
    String body = reply.body().toString();
    assertTrue(body.startsWith(": keep-alive\n\n"), body);
    assertEquals(3, reply.tokenEvents());
  }
}
