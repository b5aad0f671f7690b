package io.tollgate.analytics.e2e;

import io.tollgate.analytics.testsupport.Rollups;
import io.tollgate.analytics.testsupport.RunningAnalytics;
import io.tollgate.analytics.testsupport.TestBroker;
import io.tollgate.analytics.testsupport.TestStore;
import io.tollgate.gateway.usage.UsageMetrics;
import io.tollgate.gpu.simulator.SimulatorFaults;
import io.tollgate.testsupport.GuardedVertx;
import io.tollgate.testsupport.Services;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Requests through a real gateway → RabbitMQ → the consumer → PostgreSQL rows. */
class GatewayToPostgresTest {

  private static final String COLUMNS = "request_id, status, stream, prompt_tokens, completion_tokens, backend_id,"
      + " org_id, key_id, model_requested, model_served, cost_usd, error_kind, client_disconnected, ttft_ms, latency_ms,"
      + " endpoint, config_version, endpoint_family, reasoning_tokens, audio_seconds";

  @TempDir
  Path dir;

  private TestStore store;
  private TestBroker broker;
  private RunningAnalytics analytics;
  private GatewayBed bed;

  @BeforeEach
  void start() throws Exception {
    store = TestStore.create();
    broker = TestBroker.create();
    analytics = RunningAnalytics.start(RunningAnalytics.settings(store, broker.settings)).awaitConsuming();
    bed = GatewayBed.start(GuardedVertx.create(), Services.RABBITMQ_URL, broker.settings, dir);
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (bed != null) {
        bed.close();
        assertEquals(0, bed.usage.metrics().dropped());
      }
    } finally {
      try {
        analytics.close();
      } finally {
        broker.close();
        store.close();
      }
    }
  }

  private Map<String, Map<String, Object>> rowsByRequestId() throws Exception {
    Map<String, Map<String, Object>> rows = new HashMap<>();
    for (Map<String, Object> row : store.rows("SELECT " + COLUMNS + " FROM " + store.schema + ".usage_events")) {
      assertNull(rows.put((String) row.get("request_id"), row), "one row per request: " + row.get("request_id"));
    }
    return rows;
  }

  private String rowsOrError() {
    try {
      return rowsByRequestId().toString();
    } catch (Exception e) {
      return e.toString();
    }
  }

  @Test
  void everyRequestBecomesExactlyOneRowMatchingIt() throws Exception {
    int n = 80;
    List<String> bodies = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      bodies.add(GatewayBed.chat(1 + i % 9, i % 2 == 0));
      ids.add("e2e-" + i);
    }
    List<GatewayBed.Reply> replies = bed.send(bodies, ids, 8);
    assertEquals(n, store.awaitCount(n, 20_000));
    Thread.sleep(300);
    assertEquals(n, store.count(""), "exactly one row per request, no more");

    Map<String, Map<String, Object>> rows = rowsByRequestId();
    for (int i = 0; i < n; i++) {
      GatewayBed.Reply reply = replies.get(i);
      assertEquals(200, reply.status(), reply.body().toString());
      Map<String, Object> row = rows.get(ids.get(i));
      assertNotNull(row, "a row for " + ids.get(i));
      assertEquals(200, ((Number) row.get("status")).intValue());
      assertEquals(i % 2 == 0, row.get("stream"));
      long completion = (Long) row.get("completion_tokens");
      long prompt = (Long) row.get("prompt_tokens");
      assertEquals(1 + i % 9, completion, "completion tokens of " + ids.get(i));
      assertTrue(prompt > 0);
      assertEquals(reply.headers().get("x-tollgate-backend"), row.get("backend_id"));
      assertEquals(GatewayBed.ORG, row.get("org_id"));
      assertEquals(GatewayBed.KEY_ID, row.get("key_id"));
      assertEquals(GatewayBed.MODEL, row.get("model_requested"));
      assertEquals("/v1/chat/completions", row.get("endpoint"));
      assertEquals("chat", row.get("endpoint_family"));
      assertEquals(0L, row.get("reasoning_tokens"));
      assertEquals(0.0, row.get("audio_seconds"));
      assertEquals(1L, row.get("config_version"));
      assertNull(row.get("error_kind"));
      assertEquals(false, row.get("client_disconnected"));
      BigDecimal cost = (BigDecimal) row.get("cost_usd");
      assertEquals((prompt * 1.0 + completion * 2.0) / 1e6, cost.doubleValue(), 1e-12);
      assertTrue((Double) row.get("latency_ms") > 0);
      if (i % 2 == 0) {
        assertTrue((Double) row.get("ttft_ms") > 0, "a stream has a time to first token");
      }
    }
    UsageMetrics metrics = bed.usage.metrics();
    assertEquals(n, metrics.confirmed(), metrics::toString);
    assertEquals(0, metrics.spooled());
    // Many events to a message: 8 requests at a time end close together and travel together.
    assertTrue(metrics.messages() < n, "batches happened: " + metrics);
    io.tollgate.analytics.ingest.IngestMetrics ingest = analytics.service.metrics();
    assertEquals(metrics.messages(), ingest.messages(), "the consumer got the gateway's messages: " + ingest);
    assertEquals(n, ingest.received(), "and unpacked every event: " + ingest);
    assertEquals(0, broker.messageCount(broker.settings.deadLetterQueue()));
    assertEquals(0, Rollups.differences(store, "usage_hourly", "hour"));
    assertEquals(n, store.queryLong("SELECT sum(requests) FROM " + store.schema + ".usage_daily"));
  }

  @Test
  void aClientThatDisconnectsAndAnUpstreamThatFailsMidStreamEachLeaveOneRightRow() throws Exception {
    AtomicLong bytesRead = new AtomicLong();
    StringBuffer received = new StringBuffer();
    String body = GatewayBed.chat(2_000, true);
    Buffer request = Buffer.buffer("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
        + "Authorization: Bearer " + GatewayBed.SECRET + "\r\nContent-Type: application/json\r\n"
        + "x-request-id: gone-1\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    // Connected, read and written from a Vert.x context, like the HTTP helpers (vert.x#5904).
    NetSocket socket = bed.onContext(() -> bed.vertx.createNetClient(new NetClientOptions().setReceiveBufferSize(4096))
        .connect(bed.gateway.port(), "127.0.0.1")
        .compose(connected -> {
          connected.handler(buffer -> {
            bytesRead.addAndGet(buffer.length());
            if (received.length() < 2_000) {
              received.append(buffer);
            }
          });
          return connected.write(request).map(connected);
        }));
    long deadline = System.currentTimeMillis() + 10_000;
    while (bytesRead.get() < 3_000 && System.currentTimeMillis() < deadline) {
      Thread.sleep(5);
    }
    bed.onContext(socket::close);
    // The leaving client's row first: faults set now would also cut its stream, still running.
    assertEquals(1, store.awaitCount(1, 20_000), "a row for the client that left");

    bed.sim(1).faults(SimulatorFaults.none().withFailAfterTokens(3));
    bed.sim(2).faults(SimulatorFaults.none().withFailAfterTokens(3));
    GatewayBed.Reply failed = bed.send(List.of(GatewayBed.chat(10, true)), List.of("failed-1"), 1).get(0);
    assertEquals(200, failed.status(), "the failure came after the first byte");
    assertTrue(failed.body().toString().contains("\"error\""), failed.body().toString());

    assertEquals(2, store.awaitCount(2, 20_000), () -> "rows: " + rowsOrError() + "; the leaving client read "
        + bytesRead.get() + " bytes: " + received);
    Thread.sleep(300);
    assertEquals(2, store.count(""));
    Map<String, Map<String, Object>> rows = rowsByRequestId();

    Map<String, Object> gone = rows.get("gone-1");
    assertEquals(true, gone.get("client_disconnected"), () -> gone + " after reading " + bytesRead.get() + " bytes");
    assertEquals("client_disconnected", gone.get("error_kind"));
    long streamed = (Long) gone.get("completion_tokens");
    assertTrue(streamed > 0 && streamed < 2_000, "the tokens streamed before the client left: " + streamed);
    assertEquals(200, ((Number) gone.get("status")).intValue());

    Map<String, Object> upstream = rows.get("failed-1");
    long recorded = (Long) upstream.get("completion_tokens");
    assertEquals(3, recorded, "the tokens sent before the upstream failed");
    assertNotNull(upstream.get("error_kind"));
    assertEquals(false, upstream.get("client_disconnected"));
    assertEquals(200, ((Number) upstream.get("status")).intValue());
    assertFalse(((BigDecimal) upstream.get("cost_usd")).signum() < 0);
  }

  /**
   * The simulator, like vLLM, opens a chat stream with a role-only chunk (empty content). With no
   * usage chunk (the upstream failed first), the gateway counts the chunks that carried text.
   */
  @Test
  void anUpstreamFailingMidStreamRecordsExactlyTheTokensTheClientWasSent() throws Exception {
    bed.sim(1).faults(SimulatorFaults.none().withFailAfterTokens(3));
    bed.sim(2).faults(SimulatorFaults.none().withFailAfterTokens(3));
    bed.send(List.of(GatewayBed.chat(10, true)), List.of("failed-2"), 1);
    assertEquals(1, store.awaitCount(1, 20_000));
    assertEquals(3L, rowsByRequestId().get("failed-2").get("completion_tokens"));
  }
}
