package io.tollgate.analytics.api;

import io.tollgate.analytics.config.AnalyticsSettings;
import io.tollgate.analytics.config.ApiSettings;
import io.tollgate.analytics.config.BrokerSettings;
import io.tollgate.analytics.config.DatabaseSettings;
import io.tollgate.analytics.testsupport.RunningAnalytics;
import io.tollgate.analytics.testsupport.TestBroker;
import io.tollgate.analytics.testsupport.TestStore;
import io.tollgate.testsupport.GuardedVertx;
import io.tollgate.testsupport.Services;
import io.tollgate.testsupport.TcpRelay;
import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /ready} against the real RabbitMQ and PostgreSQL, each behind a relay that the test
 * cuts (the service's connections die, new ones are closed at once) and restores: 503 naming what
 * is down, 200 again once the consumer is back, while {@code /health} (liveness) stays 200.
 */
class ReadinessTest {

  private static final long WAIT_MS = 20_000;

  private GuardedVertx relays;
  private TcpRelay brokerRelay;
  private TcpRelay databaseRelay;
  private TestStore store;
  private TestBroker broker;
  private RunningAnalytics analytics;

  @BeforeEach
  void start() throws Exception {
    store = TestStore.create();
    broker = TestBroker.create();
    relays = GuardedVertx.create();
    brokerRelay = RunningAnalytics.await(TcpRelay.start(relays.vertx(), Services.RABBITMQ_HOST, Services.RABBITMQ_PORT));
    databaseRelay = RunningAnalytics.await(TcpRelay.start(relays.vertx(), Services.PG_HOST, Services.PG_PORT));
    BrokerSettings b = broker.settings;
    BrokerSettings viaRelay = new BrokerSettings("amqp://guest:guest@127.0.0.1:" + brokerRelay.port() + "/",
        b.exchange(), b.queue(), b.prefetch(), b.batchSize(), b.batchMaxDelayMs(), b.reconnectDelayMs());
    DatabaseSettings database = new DatabaseSettings("postgresql://" + Services.PG_USER + "@127.0.0.1:"
        + databaseRelay.port() + "/" + Services.PG_DATABASE, store.schema, 4);
    analytics = RunningAnalytics.start(new AnalyticsSettings(viaRelay, database,
        new ApiSettings("127.0.0.1", 0, RunningAnalytics.TOKEN))).awaitConsuming();
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (analytics != null) {
        analytics.close();
      }
    } finally {
      if (relays != null) {
        RunningAnalytics.await(brokerRelay.close());
        RunningAnalytics.await(databaseRelay.close());
        relays.closeAndAssert();
      }
      broker.close();
      store.close();
    }
  }

  @Test
  void readyWhileConsumingAndPostgresAnswers() throws Exception {
    RunningAnalytics.Reply ready = analytics.get("/ready", null);
    assertEquals(200, ready.status(), "no token needed: " + ready.body());
    assertEquals("application/json", ready.contentType());
    assertEquals("ready", ready.json().getString("status"));
    assertEquals("up", ready.json().getJsonObject("checks").getString("rabbitmq"));
    assertEquals("up", ready.json().getJsonObject("checks").getString("postgresql"));
    assertEquals(new JsonArray(), ready.json().getJsonArray("down"));
  }

  @Test
  void notReadyWhileTheBrokerIsAwayAndReadyAgainAfter() throws Exception {
    brokerRelay.cut();
    RunningAnalytics.Reply away = awaitStatus(503);
    assertEquals("not_ready", away.json().getString("status"));
    assertEquals(new JsonArray().add("rabbitmq"), away.json().getJsonArray("down"), away.body().toString());
    assertEquals("up", away.json().getJsonObject("checks").getString("postgresql"));
    RunningAnalytics.Reply health = analytics.get("/health", null);
    assertEquals(200, health.status(), "liveness stays up: a restart would not bring the broker back");
    assertEquals("degraded", health.json().getString("status"));

    RunningAnalytics.await(brokerRelay.restore());
    assertEquals("ready", awaitStatus(200).json().getString("status"));
  }

  @Test
  void notReadyWhilePostgresIsAwayAndReadyAgainAfter() throws Exception {
    databaseRelay.cut();
    RunningAnalytics.Reply away = awaitStatus(503);
    assertEquals(new JsonArray().add("postgresql"), away.json().getJsonArray("down"), away.body().toString());
    assertEquals("up", away.json().getJsonObject("checks").getString("rabbitmq"));
    assertEquals(200, analytics.get("/health", null).status());

    RunningAnalytics.await(databaseRelay.restore());
    assertEquals("ready", awaitStatus(200).json().getString("status"));
  }

  /** Polls /ready as a kubelet would, until it answers {@code status}. */
  private RunningAnalytics.Reply awaitStatus(int status) throws Exception {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    RunningAnalytics.Reply reply = analytics.get("/ready", null);
    while (reply.status() != status) {
      assertTrue(System.currentTimeMillis() < deadline, "/ready still answers " + reply.status() + ": " + reply.body());
      Thread.sleep(50);
      reply = analytics.get("/ready", null);
    }
    return reply;
  }
}
