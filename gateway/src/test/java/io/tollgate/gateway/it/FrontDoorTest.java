package io.tollgate.gateway.it;

import io.tollgate.frontdoor.FrontDoorSettings;
import io.tollgate.frontdoor.testing.FrontDoorChecks;
import io.tollgate.frontdoor.testing.RawHttp;
import io.tollgate.gateway.usage.UsageEvent;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.tollgate.gateway.it.TestBed.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's public port attacked over real sockets: smuggling, oversized heads, slowloris,
 * bodies declared and never sent, idle connections; and the key checked from the headers before a
 * byte of the body is read.
 */
class FrontDoorTest {

  private static final long DEADLINE = 1_500;
  private static final long SLACK = 700;
  private static final String CHAT_PATH = "/v1/chat/completions";

  private TestBed bed;

  @AfterEach
  void stop() throws Exception {
    if (bed != null) {
      bed.close();
    }
  }

  private void start() throws Exception {
    bed = TestBed.builder().frontDoor(FrontDoorSettings.defaults().withTimeouts(DEADLINE, DEADLINE, DEADLINE)).start();
  }

  private int port() {
    return bed.gateway.port();
  }

  private FrontDoorChecks checks() {
    return new FrontDoorChecks(port(), CHAT_PATH, "/healthz", "Authorization: Bearer " + SECRET + "\r\n",
        FrontDoorTest::assertOpenAiShape);
  }

  static void assertOpenAiShape(RawHttp.Reply reply) {
    JsonObject error = new JsonObject(reply.body()).getJsonObject("error");
    assertNotNull(error, reply.toString());
    assertTrue(error.containsKey("message") && error.containsKey("type") && error.containsKey("param")
        && error.containsKey("code"), "OpenAI's four fields: " + reply);
    assertTrue(reply.text().toLowerCase().contains("content-type: application/json"), reply.toString());
  }

  private void assertStillServes() throws Exception {
    assertEquals(200, Http.post(bed.client, CHAT_PATH, Http.chat(2, false), SECRET).status());
  }

  @Test
  void smugglingIsRefusedClosedAndNeverReachesThePipeline() throws Exception {
    start();
    checks().smugglingRefused();
    assertStillServes();
    // Only the request above reached the pipeline: a refused head is not a request of any key.
    assertEquals(1, bed.usage.awaitEvents(1, 2_000).size());
    String metrics = RawHttp.exchange(bed.gateway.adminPort(), "GET /metrics HTTP/1.1\r\nHost: x\r\n"
        + "Connection: close\r\n\r\n", 5_000).body();
    assertTrue(metrics.contains("tollgate_http_connections_closed_total{reason=\"ambiguous_framing\"} 6.0"), metrics);
    assertTrue(metrics.contains("tollgate_http_connections_closed_total{reason=\"malformed\"} 3.0"), metrics);
    assertTrue(metrics.contains("tollgate_http_connections_limit 20000.0"), metrics);
  }

  @Test
  void oversizedHeadsGet414And431InOpenAisShape() throws Exception {
    start();
    checks().oversizedRefused();
    String hugeModel = "{\"model\":\"" + "m".repeat(100_000) + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    Http.Reply modelName = Http.post(bed.client, CHAT_PATH, hugeModel, SECRET);
    assertEquals(413, modelName.status(), "a 100k-character model name is over the body limit of the bed");
    assertStillServes();
  }

  @Test
  void slowHeadersAreCutAndIdleConnectionsClosed() throws Exception {
    start();
    checks().slowHeadersClosedAt(DEADLINE, SLACK);
    checks().idleClosedAt(DEADLINE, SLACK);
    assertStillServes();
  }

  @Test
  void slowAndMissingBodiesGet408AndAUsageEventOfTheirKey() throws Exception {
    start();
    checks().slowBodyClosedAt(DEADLINE, SLACK);
    checks().declaredBodyNeverSentClosedAt(DEADLINE, SLACK);
    List<UsageEvent> events = bed.usage.awaitEvents(2, 3_000);
    assertEquals(List.of(408, 408), events.stream().map(UsageEvent::status).toList());
    assertEquals(List.of("request_timeout", "request_timeout"), events.stream().map(UsageEvent::errorKind).toList());
    assertStillServes();
  }

  @Test
  void aClientThatLeavesMidBodyIsA499OfItsKeyNotATimeout() throws Exception {
    start();
    try (Socket socket = RawHttp.openAndStall(port(), "POST " + CHAT_PATH + " HTTP/1.1\r\nHost: x\r\n"
        + "Authorization: Bearer " + SECRET + "\r\nContent-Length: 5000\r\n\r\n{\"model\":")) {
      Thread.sleep(200);
    }
    UsageEvent event = bed.usage.awaitEvents(1, 3_000).get(0);
    assertEquals(499, event.status());
    assertEquals("client_disconnected", event.errorKind());
    assertStillServes();
  }

  @Test
  void withoutAValidKeyTheBodyIsNeverReadAndTheConnectionCloses() throws Exception {
    start();
    checks().refusedFromTheHeadersBeforeTheBody(401, "Authorization: Bearer tg-wrong\r\n", DEADLINE);
    assertStillServes();
  }

  @Test
  void expect100ContinueIsAnsweredOnlyOnceTheKeyIsKnown() throws Exception {
    start();
    String body = Http.chat(2, false);
    try (Socket socket = RawHttp.openAndStall(port(), "POST " + CHAT_PATH + " HTTP/1.1\r\nHost: x\r\n"
        + "Authorization: Bearer " + SECRET + "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
        + "Content-Length: " + body.length() + "\r\n\r\n")) {
      socket.setSoTimeout(3_000);
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[256];
      int n = in.read(buffer);
      assertTrue(new String(buffer, 0, n, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 100 Continue"));
      socket.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
      RawHttp.Reply reply = RawHttp.awaitClose(socket, System.nanoTime(), 1_000);
      assertEquals(List.of(200), reply.statuses(), reply.toString());
      assertFalse(reply.closedByServer(), "a served request keeps its connection: " + reply);
    }
    RawHttp.Reply refused = RawHttp.exchange(port(), "POST " + CHAT_PATH + " HTTP/1.1\r\nHost: x\r\n"
        + "Authorization: Bearer tg-wrong\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n", 2_000);
    assertEquals(List.of(401), refused.statuses(), "no 100 Continue for a wrong key: " + refused);
    assertTrue(refused.closedByServer(), refused.toString());
  }
}
