package io.tollgate.controlplane.api;

import io.tollgate.controlplane.observability.Scrape;
import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.frontdoor.CloseReason;
import io.tollgate.frontdoor.FrontDoorSettings;
import io.tollgate.frontdoor.testing.FrontDoorChecks;
import io.tollgate.frontdoor.testing.RawHttp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The front door on the control plane's API port, attacked over real sockets (FrontDoorChecks):
 * every refusal in the API's own error shape, the service still serving right after, each close
 * counted on its /metrics. Every request here goes over its own connection with
 * {@code Connection: close}, so no pooled client connection is cut at the 1.5 s idle deadline
 * behind a test's back (the counts stay exact, and no request races a closing connection).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrontDoorTest {

  private static final long DEADLINE = 1_500;
  private static final long SLACK = 700;
  private static final String CLOSED = "tollgate_http_connections_closed_total";
  private static final String REQUESTS = "tollgate_control_plane_http_requests_total";

  private RunningControlPlane cp;
  private int port;
  private String root;

  @BeforeAll
  void start() throws Exception {
    cp = RunningControlPlane.start(FrontDoorSettings.defaults().withTimeouts(DEADLINE, DEADLINE, DEADLINE));
    port = cp.plane.port();
    RawHttp.Reply created = call("POST", "/api/v1/users", cp.bootstrapToken,
        new JsonObject().put("email", "root@example.com").put("platformAdmin", true).encode());
    assertEquals(List.of(201), created.statuses(), created.toString());
    root = new JsonObject(created.body()).getString("token");
  }

  @AfterAll
  void stop() throws Exception {
    cp.close();
  }

  /** POST /api/v1/orgs with a valid token reads its whole body: a slow body meets the 408. */
  private FrontDoorChecks checks() {
    return new FrontDoorChecks(port, "/api/v1/orgs", "/api/v1/me", "Authorization: Bearer " + root + "\r\n",
        FrontDoorTest::apiErrorShape);
  }

  /** Exactly what {@link ApiError#toJson()} writes for the reply's status, as JSON. */
  static void apiErrorShape(RawHttp.Reply reply) {
    assertTrue(reply.text().toLowerCase(Locale.ROOT).contains("\r\ncontent-type: application/json"), reply.toString());
    JsonObject body = new JsonObject(reply.body());
    JsonObject error = body.getJsonObject("error");
    assertTrue(error != null && error.getString("message") != null && !error.getString("message").isBlank(),
        "the control plane's error shape: " + reply);
    int status = reply.statuses().get(0);
    assertEquals(new ApiError(status, error.getString("message"), List.of()).toJson(), body, reply.toString());
  }

  @Test
  void smugglingIsRefusedInTheApiShapeAndCounted() throws Exception {
    Scrape before = scrape();
    checks().smugglingRefused();
    assertServedRightAfter();
    Scrape after = scrape();
    // Conflicting headers count as ambiguous_framing; what the decoder itself rejects (a signed or
    // doubled Content-Length, a space before the colon) as malformed: every attempt is one of them.
    double refused = delta(before, after, CloseReason.AMBIGUOUS_FRAMING) + delta(before, after, CloseReason.MALFORMED);
    assertEquals(checks().smugglingAttempts().size(), refused, after.text());
    assertTrue(delta(before, after, CloseReason.AMBIGUOUS_FRAMING) >= 1, after.text());
  }

  @Test
  void oversizedRequestLinesAndHeadersGet414And431InTheApiShape() throws Exception {
    Scrape before = scrape();
    checks().oversizedRefused();
    assertServedRightAfter();
    Scrape after = scrape();
    assertEquals(1, delta(before, after, CloseReason.REQUEST_LINE_TOO_LONG), after.text());
    assertEquals(1, delta(before, after, CloseReason.HEADERS_TOO_LARGE), after.text());
  }

  @Test
  void slowHeadersAreCutAtTheHeaderDeadline() throws Exception {
    Scrape before = scrape();
    checks().slowHeadersClosedAt(DEADLINE, SLACK);
    assertServedRightAfter();
    assertEquals(1, delta(before, scrape(), CloseReason.HEADER_TIMEOUT));
  }

  @Test
  void slowAndMissingBodiesGet408InTheApiShapeAtTheBodyDeadline() throws Exception {
    Scrape before = scrape();
    checks().slowBodyClosedAt(DEADLINE, SLACK);
    checks().declaredBodyNeverSentClosedAt(DEADLINE, SLACK);
    assertServedRightAfter();
    Scrape after = scrape();
    assertEquals(2, delta(before, after, CloseReason.BODY_TIMEOUT));
    // Counted (and logged) as the 408 the client got, not as a client that went away (499); no
    // route had matched yet, the body handler still reading.
    String[] timedOut = {"method", "POST", "route", "unmatched", "status", "408"};
    assertEquals(2, after.valueOrZero(REQUESTS, timedOut) - before.valueOrZero(REQUESTS, timedOut), after.text());
  }

  @Test
  void withoutAValidTokenTheBodyIsNeverReadAndTheConnectionCloses() throws Exception {
    checks().refusedFromTheHeadersBeforeTheBody(401, "Authorization: Bearer not-a-token\r\n", DEADLINE);
  }

  @Test
  void idleConnectionsAreClosedAtTheIdleDeadline() throws Exception {
    Scrape before = scrape();
    checks().idleClosedAt(DEADLINE, SLACK);
    assertServedRightAfter();
    assertEquals(1, delta(before, scrape(), CloseReason.IDLE_TIMEOUT));
  }

  /** A Content-Length over the limit: 413 in the API's shape at once, and closed without reading the body. */
  @Test
  void aDeclaredBodyOverTheLimitGets413InTheApiShapeAndTheConnectionClosed() throws Exception {
    RawHttp.Reply reply = RawHttp.exchange(port, orgsHead("Content-Length: " + (ApiServer.MAX_BODY_BYTES + 1) + "\r\n"),
        DEADLINE + SLACK + 2_000);
    assertTooLargeAndClosedAtOnce(reply);
  }

  /** 413 in the API's shape, the connection closed by the answer, not left to the body deadline. */
  private void assertTooLargeAndClosedAtOnce(RawHttp.Reply reply) throws Exception {
    assertEquals(List.of(413), reply.statuses(), reply.toString());
    apiErrorShape(reply);
    assertTrue(reply.closedByServer(), reply.toString());
    assertTrue(reply.elapsedMillis() < DEADLINE - SLACK, reply.toString());
    assertServedRightAfter();
  }

  /** A chunked body that grows past the limit: 413 in the API's shape, closed, nothing after it answered. */
  @Test
  void aChunkedBodyOverTheLimitGets413InTheApiShapeAndNothingAfterItIsRead() throws Exception {
    int size = ApiServer.MAX_BODY_BYTES + 4_096;
    String body = "{\"name\":\"" + "a".repeat(size) + "\"}";
    String request = orgsHead("Transfer-Encoding: chunked\r\n") + Integer.toHexString(body.length()) + "\r\n" + body
        + "\r\n0\r\n\r\n" + FrontDoorChecks.HIDDEN;
    assertTooLargeAndClosedAtOnce(sendWhileReading(request, DEADLINE + SLACK + 2_000));
  }

  @Test
  void metricsShowEveryCloseReasonAndTheOpenConnections() throws Exception {
    Scrape scrape = scrape();
    Set<String> reasons = new TreeSet<>();
    Arrays.stream(CloseReason.values()).forEach(reason -> reasons.add(reason.label()));
    assertEquals(reasons, scrape.labelValues(CLOSED, "reason"), scrape.text());
    // This scrape's own connection is open while it is served.
    assertTrue(scrape.valueOrZero("tollgate_http_connections_open") >= 1, scrape.text());
  }

  private String orgsHead(String framing) {
    return "POST /api/v1/orgs HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + root
        + "\r\nContent-Type: application/json\r\n" + framing + "\r\n";
  }

  /** An authenticated read and a write, each on a new connection, both served. */
  private void assertServedRightAfter() throws IOException {
    RawHttp.Reply me = call("GET", "/api/v1/me", root, null);
    assertEquals(List.of(200), me.statuses(), me.toString());
    String org = "fd-" + Long.toString(System.nanoTime(), 36);
    RawHttp.Reply created = call("POST", "/api/v1/orgs", root, new JsonObject().put("name", org).encode());
    assertEquals(List.of(201), created.statuses(), created.toString());
    assertEquals(org, new JsonObject(created.body()).getString("name"), created.toString());
  }

  /** One request on its own connection, which the server closes after answering. */
  private RawHttp.Reply call(String method, String path, String token, String body) throws IOException {
    byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    String head = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
        + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + payload.length + "\r\n") + "\r\n";
    byte[] request = Arrays.copyOf(head.getBytes(StandardCharsets.ISO_8859_1), head.length() + payload.length);
    System.arraycopy(payload, 0, request, head.length(), payload.length);
    RawHttp.Reply reply = RawHttp.exchange(port, request, 10_000);
    assertTrue(reply.closedByServer(), "Connection: close is honoured: " + reply);
    return reply;
  }

  private Scrape scrape() throws IOException {
    RawHttp.Reply reply = call("GET", "/metrics", null, null);
    assertEquals(List.of(200), reply.statuses(), reply.toString());
    return Scrape.parse(reply.body());
  }

  private static double delta(Scrape before, Scrape after, CloseReason reason) {
    return after.valueOrZero(CLOSED, "reason", reason.label()) - before.valueOrZero(CLOSED, "reason", reason.label());
  }

  /**
   * Writes the request from another thread while this one reads: the server answers (and closes)
   * before it has read everything, so a single blocking write could stall or fail first.
   */
  private RawHttp.Reply sendWhileReading(String request, long waitMillis) throws Exception {
    long start = System.nanoTime();
    try (Socket socket = RawHttp.openAndStall(port, "")) {
      Thread writer = new Thread(() -> {
        byte[] bytes = request.getBytes(StandardCharsets.ISO_8859_1);
        try {
          OutputStream out = socket.getOutputStream();
          for (int at = 0; at < bytes.length; at += 16_384) {
            out.write(bytes, at, Math.min(16_384, bytes.length - at));
          }
          out.flush();
        } catch (IOException closedByServer) {
          // Expected once the server has answered 413 and closed.
        }
      }, "oversized-body-writer");
      writer.setDaemon(true);
      writer.start();
      return RawHttp.awaitClose(socket, start, waitMillis);
    }
  }
}
