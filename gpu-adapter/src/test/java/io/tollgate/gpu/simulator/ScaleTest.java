package io.tollgate.gpu.simulator;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.tollgate.gpu.simulator.SimClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScaleTest extends SimulatorTestBase {

  @Test
  void twoThousandConcurrentStreamsComplete() throws Exception {
    int streams = 2_000;
    // Each stream lasts about a second, so all of them overlap even on a busy 2-core machine.
    VllmSimulator sim = start(FAST.withMaxNumSeqs(streams).withInterTokenMillis(20));
    SimClient client = client(sim);
    long started = System.nanoTime();
    List<Future<SimClient.Stream>> futures = new ArrayList<>(streams);
    for (int i = 0; i < streams; i++) {
      futures.add(client.stream("/v1/chat/completions", chat("request number " + i).put("max_tokens", 50)
          .put("stream", true).put("stream_options", new io.vertx.core.json.JsonObject())));
    }
    int peakRunning = 0;
    for (Future<SimClient.Stream> f : futures) {
      peakRunning = Math.max(peakRunning, sim.stats().running());
      SimClient.Stream s = await(f, 60);
      assertEquals(200, s.status());
      assertEquals(53, s.events().size(), s.raw()); // role, 50 tokens, usage, [DONE]
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.println(streams + " streams in " + millis + " ms, peak running " + peakRunning);
    // The engine counts a sequence as finished just after it writes [DONE], on its own event loop:
    // the client may see the last stream end a moment before the count does.
    eventually(5_000, "every sequence counted", () -> sim.stats().completed() == streams);
    SimulatorStats stats = sim.stats();
    assertEquals(streams, stats.completed());
    assertEquals(50L * streams, stats.generationTokens());
    assertEquals(0, stats.running());
    assertTrue(peakRunning > streams / 4, "streams ran concurrently: peak " + peakRunning);
  }
}
