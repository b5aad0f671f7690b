package io.tollgate.gateway.it;

import io.tollgate.gateway.route.BackendPool;
import io.tollgate.gateway.route.BackendState;
import io.tollgate.gpu.signals.EjectionPolicy;
import io.tollgate.gpu.simulator.SimulatorFaults;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static io.tollgate.gateway.it.TestBed.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Health checks and passive outlier ejection against real simulators. */
class RoutingEjectionTest {

  private TestBed bed;

  @AfterEach
  void stop() throws Exception {
    if (bed != null) {
      bed.close();
    }
  }

  private BackendState state(String id) {
    BackendPool pool = bed.gateway.services().backends();
    return pool.states().stream().filter(s -> s.spec().id().equals(id)).findFirst().orElseThrow();
  }

  private Map<String, Integer> send(int requests) throws Exception {
    Map<String, Integer> served = new HashMap<>();
    for (int i = 0; i < requests; i++) {
      Http.Reply reply = Http.post(bed.client, "/v1/chat/completions", Http.chat(2, false), SECRET);
      assertEquals(200, reply.status(), reply.body().toString());
      served.merge(reply.header("x-tollgate-backend"), 1, Integer::sum);
    }
    return served;
  }

  /** Streams at once: in-flight counts, not tiny score differences, decide. */
  private Map<String, Integer> sendConcurrently(int requests) throws Exception {
    java.util.List<io.vertx.core.Future<Http.Reply>> replies = new java.util.ArrayList<>();
    for (int i = 0; i < requests; i++) {
      replies.add(Http.postAsync(bed.client, "/v1/chat/completions", Http.chat(20, true), SECRET));
    }
    Map<String, Integer> served = new HashMap<>();
    for (io.vertx.core.Future<Http.Reply> reply : replies) {
      Http.Reply done = TestBed.await(reply);
      assertEquals(200, done.status());
      served.merge(done.header("x-tollgate-backend"), 1, Integer::sum);
    }
    return served;
  }

  static void waitFor(String what, long millis, java.util.function.BooleanSupplier condition) throws Exception {
    long deadline = System.currentTimeMillis() + millis;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void aKilledBackendIsTakenOutTrafficMovesAndItComesBackWhenItReturns() throws Exception {
    bed = TestBed.builder()
        .routing(r -> r.withScrapeIntervalMillis(100).withHealthIntervalMillis(100)
            .withEjection(new EjectionPolicy(3, 300, 2_000)))
        .start();
    assertEquals(2, sendConcurrently(20).size(), "both serve while healthy");

    TestBed.await(bed.sim(1).refuseConnections());
    Thread.sleep(200); // kept-alive connections to sim-1 close a moment after it stops listening
    assertEquals(Map.of("sim-2", 20), send(20), "every request is answered, by sim-2");
    // Down by its health checks: out of rotation, and not even probed until /health passes again.
    waitFor("sim-1 out of rotation", 3_000, () -> !state("sim-1").signals().healthy());
    assertFalse(state("sim-1").available());
    long failuresWhileOut = state("sim-1").failures();
    assertEquals(Map.of("sim-2", 20), send(20));
    assertEquals(failuresWhileOut, state("sim-1").failures(), "no request is sent to a backend that is out");

    TestBed.await(bed.sim(1).acceptConnections());
    waitFor("sim-1 healthy again", 3_000, () -> state("sim-1").signals().healthy());
    waitFor("sim-1 back in rotation", 5_000, () -> {
      try {
        return send(4).containsKey("sim-1") && state("sim-1").available();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Map<String, Integer> after = sendConcurrently(20);
    assertTrue(after.getOrDefault("sim-1", 0) >= 5, "sim-1 takes its share again: " + after);
  }

  @Test
  void passiveEjectionTakesA5xxBackendOutAndOneProbeAtATimeBringsItBack() throws Exception {
    bed = TestBed.builder()
        .routing(r -> r.withHealthIntervalMillis(0).withEjection(new EjectionPolicy(3, 800, 4_000)))
        .start();
    bed.sim(1).faults(SimulatorFaults.none().withErrorRate(1.0));
    send(20);
    waitFor("sim-1 ejected", 1_000, () -> state("sim-1").ejection().ejections() >= 1);
    long errorsAtEjection = bed.sim(1).stats().errorsInjected();
    assertTrue(errorsAtEjection >= 3 && errorsAtEjection <= 4, "ejected after 3 in a row: " + errorsAtEjection);
    assertEquals(Map.of("sim-2", 10), send(10));
    assertEquals(errorsAtEjection, bed.sim(1).stats().errorsInjected(), "nothing sent there while ejected");

    Thread.sleep(850); // the period is over: the next request probes sim-1, which still fails
    send(10);
    assertEquals(errorsAtEjection + 1, bed.sim(1).stats().errorsInjected(), "exactly one probe");
    assertEquals(2, state("sim-1").ejection().ejections(), "a failed probe ejects again (1600 ms)");

    bed.sim(1).faults(SimulatorFaults.none());
    waitFor("a successful probe", 5_000, () -> {
      try {
        send(2);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return state("sim-1").available();
    });
    Map<String, Integer> after = sendConcurrently(20);
    assertTrue(after.getOrDefault("sim-1", 0) >= 5, "sim-1 takes its share again: " + after);
  }
}
