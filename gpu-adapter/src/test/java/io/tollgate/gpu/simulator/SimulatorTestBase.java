package io.tollgate.gpu.simulator;

import io.tollgate.testsupport.GuardedVertx;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Starts a guarded Vert.x per test, simulators on port 0 and clients for them; closes all and checks that no event loop blocked. */
abstract class SimulatorTestBase {

  /** Fast defaults for tests: 2 ms between tokens. */
  static final SimulatorConfig FAST = SimulatorConfig.defaults().withInterTokenMillis(2);

  protected GuardedVertx guarded;
  protected Vertx vertx;
  private final List<VllmSimulator> simulators = new ArrayList<>();
  private final List<SimClient> clients = new ArrayList<>();

  @BeforeEach
  void createVertx() {
    guarded = GuardedVertx.create();
    vertx = guarded.vertx();
  }

  @AfterEach
  void closeAll() throws Exception {
    try {
      for (SimClient client : clients) {
        client.close();
      }
      for (VllmSimulator simulator : simulators) {
        SimClient.await(simulator.close());
      }
    } finally {
      guarded.closeAndAssert();
    }
  }

  protected VllmSimulator start(SimulatorConfig config) throws Exception {
    VllmSimulator simulator = SimClient.await(VllmSimulator.start(vertx, config));
    simulators.add(simulator);
    return simulator;
  }

  protected SimClient client(VllmSimulator simulator) {
    return client(simulator, new HttpClientOptions());
  }

  protected SimClient client(VllmSimulator simulator, HttpClientOptions options) {
    SimClient client = new SimClient(vertx, simulator.port(), options);
    clients.add(client);
    return client;
  }

  static JsonObject chat(String content) {
    return new JsonObject().put("model", "demo-llama")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", content)));
  }

  static JsonObject completion(String prompt) {
    return new JsonObject().put("model", "demo-llama").put("prompt", prompt);
  }

  /** Polls a condition from the test thread (never on an event loop). */
  static void eventually(long timeoutMillis, String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("Timed out after " + timeoutMillis + " ms waiting for: " + what);
      }
      Thread.sleep(5); // test thread only
    }
  }

  static String words(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("w").append(i).append(' ');
    }
    return sb.toString();
  }
}
