package io.tollgate.analytics.api;

import io.tollgate.analytics.config.AnalyticsSettings;
import io.tollgate.analytics.testsupport.RunningAnalytics;
import io.tollgate.analytics.testsupport.TestBroker;
import io.tollgate.analytics.testsupport.TestStore;
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
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The front door on the analytics API's port, attacked over real sockets (FrontDoorChecks): every
 * refusal in the API's own error shape, the service still serving right after, each close counted
 * on its /metrics. Every request here goes over its own connection with {@code Connection: close},
 * so no pooled client connection is cut at the 1.5 s idle deadline behind a test's back.
 *
 * <p>The API takes no request body: every endpoint is a GET answered from the request line and
 * headers. FrontDoorChecks' body checks (slowBodyClosedAt, declaredBodyNeverSentClosedAt) expect a
 * 408, which only a service still waiting for the body can get; here the service answers first, so
 * a 408 would be wrong. What must hold instead, and is checked below with RawHttp: a request that
 * declares a body gets its answer (405 for a POST, in the API's shape) and the connection closes
 * with it — the body is never read, nothing sent behind it runs, and a slow or missing body holds
 * the connection no longer than the answer takes, far inside the body deadline.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrontDoorTest {

  private static final long DEADLINE = 1_500;
  private static final long SLACK = 700;
  private static final String AUTH = "Authorization: Bearer " + RunningAnalytics.TOKEN + "\r\n";
  /** An authenticated GET over an empty store: 200 with a real query behind it. */
  private static final String RELIABILITY = "/v1/reliability?from=2025-03-01T00:00:00Z&to=2025-03-02T00:00:00Z";
  private static final Pattern CLOSED = Pattern.compile(
      "(?m)^tollgate_http_connections_closed_total\\{reason=\"([a-z_]+)\",?} (\\S+)$");

  private TestStore store;
  private TestBroker broker;
  private RunningAnalytics analytics;
  private int port;

  @BeforeAll
  void start() throws Exception {
    store = TestStore.create();
    broker = TestBroker.create();
    AnalyticsSettings settings = RunningAnalytics.settings(store, broker.settings);
    analytics = RunningAnalytics.start(settings.withApi(settings.api()
        .withFrontDoor(FrontDoorSettings.defaults().withTimeouts(DEADLINE, DEADLINE, DEADLINE)))).awaitConsuming();
    port = analytics.service.apiPort();
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (analytics != null) {
        analytics.close();
      }
    } finally {
      try {
        if (broker != null) {
          broker.close();
        }
      } finally {
        if (store != null) {
          store.close();
        }
      }
    }
  }

  /** The POST path exists only as a GET: past authentication it is answered 405 from the headers. */
  private FrontDoorChecks checks() {
    return new FrontDoorChecks(port, "/v1/reliability", RELIABILITY, AUTH, FrontDoorTest::apiErrorShape);
  }

  /** Exactly what {@link ApiError#json()} writes for the reply's status and code, as JSON. */
  static void apiErrorShape(RawHttp.Reply reply) {
    assertTrue(reply.text().toLowerCase(Locale.ROOT).contains("\r\ncontent-type: application/json"), reply.toString());
    JsonObject body = new JsonObject(reply.body());
    JsonObject error = body.getJsonObject("error");
    assertTrue(error != null && error.getString("code") != null && error.getString("message") != null
        && !error.getString("message").isBlank(), "the analytics API's error shape: " + reply);
    int status = reply.statuses().get(0);
    assertEquals(new ApiError(status, error.getString("code"), error.getString("message")).json(), body,
        reply.toString());
  }

  @Test
  void smugglingIsRefusedInTheApiShapeAndCounted() throws Exception {
    Map<String, Double> before = closedByReason();
    checks().smugglingRefused();
    assertServedRightAfter();
    Map<String, Double> after = closedByReason();
    // Conflicting headers count as ambiguous_framing; what the decoder itself rejects (a signed or
    // doubled Content-Length, a space before the colon) as malformed: every attempt is one of them.
    double refused = delta(before, after, CloseReason.AMBIGUOUS_FRAMING) + delta(before, after, CloseReason.MALFORMED);
    assertEquals(checks().smugglingAttempts().size(), refused, after.toString());
    assertTrue(delta(before, after, CloseReason.AMBIGUOUS_FRAMING) >= 1, after.toString());
  }

  @Test
  void oversizedRequestLinesAndHeadersGet414And431InTheApiShape() throws Exception {
    Map<String, Double> before = closedByReason();
    checks().oversizedRefused();
    assertServedRightAfter();
    Map<String, Double> after = closedByReason();
    assertEquals(1, delta(before, after, CloseReason.REQUEST_LINE_TOO_LONG), after.toString());
    assertEquals(1, delta(before, after, CloseReason.HEADERS_TOO_LARGE), after.toString());
  }

  @Test
  void slowHeadersAreCutAtTheHeaderDeadline() throws Exception {
    Map<String, Double> before = closedByReason();
    checks().slowHeadersClosedAt(DEADLINE, SLACK);
    assertServedRightAfter();
    assertEquals(1, delta(before, closedByReason(), CloseReason.HEADER_TIMEOUT));
  }

  @Test
  void idleConnectionsAreClosedAtTheIdleDeadline() throws Exception {
    Map<String, Double> before = closedByReason();
    checks().idleClosedAt(DEADLINE, SLACK);
    assertServedRightAfter();
    assertEquals(1, delta(before, closedByReason(), CloseReason.IDLE_TIMEOUT));
  }

  /** slowBodyClosedAt's attack: answered from the headers, closed with the answer, the body never awaited. */
  @Test
  void aSlowBodyIsAnsweredFromTheHeadersAndTheConnectionClosedWithTheAnswer() throws Exception {
    Map<String, Double> before = closedByReason();
    String body = "{\"model\":\"m\",\"content\":\"" + "x".repeat(2_000) + "\"}";
    RawHttp.Reply reply = RawHttp.trickle(port, post(AUTH, "Content-Length: " + body.length() + "\r\n"), body, 100,
        DEADLINE + SLACK + 2_000);
    assertAnsweredAndClosedAtOnce(reply, 405);
    // Without a key: 401, the same way.
    RawHttp.Reply anonymous = RawHttp.trickle(port, post("", "Content-Length: " + body.length() + "\r\n"), body, 100,
        DEADLINE + SLACK + 2_000);
    assertAnsweredAndClosedAtOnce(anonymous, 401);
    assertServedRightAfter();
    assertEquals(0, delta(before, closedByReason(), CloseReason.BODY_TIMEOUT), "no connection waited for a body");
  }

  /** declaredBodyNeverSentClosedAt's attack, on the API and on /health: the same. */
  @Test
  void aDeclaredBodyNeverSentIsNotAwaited() throws Exception {
    Map<String, Double> before = closedByReason();
    assertAnsweredAndClosedAtOnce(stall(post(AUTH, "Content-Length: 50000\r\n")), 405);
    assertAnsweredAndClosedAtOnce(stall("GET /health HTTP/1.1\r\nHost: localhost\r\nContent-Length: 50000\r\n\r\n"), 200);
    assertAnsweredAndClosedAtOnce(stall(post(AUTH, "Transfer-Encoding: chunked\r\n") + "10000\r\n{"), 405);
    assertServedRightAfter();
    assertEquals(0, delta(before, closedByReason(), CloseReason.BODY_TIMEOUT), "no connection waited for a body");
  }

  /** A request in a body, and one pipelined after it: neither runs. */
  @Test
  void nothingSentBehindAnUnreadBodyRuns() throws Exception {
    String body = "{}" + FrontDoorChecks.HIDDEN;
    RawHttp.Reply reply = RawHttp.exchange(port, post(AUTH, "Content-Length: " + body.length() + "\r\n") + body
        + "GET " + RELIABILITY + " HTTP/1.1\r\nHost: localhost\r\n" + AUTH + "\r\n", DEADLINE + SLACK + 2_000);
    assertAnsweredAndClosedAtOnce(reply, 405);
  }

  /** Requests without a body keep the connection, pipelined or not (a Content-Length of 0 is no body). */
  @Test
  void requestsWithoutABodyKeepTheirConnection() throws Exception {
    String get = "GET " + RELIABILITY + " HTTP/1.1\r\nHost: localhost\r\n" + AUTH;
    RawHttp.Reply reply = RawHttp.exchange(port, get + "\r\n" + get + "Content-Length: 0\r\n\r\n" + get + "\r\n", 500);
    assertEquals(List.of(200, 200, 200), reply.statuses(), reply.toString());
    assertFalse(reply.closedByServer(), reply.toString());
  }

  @Test
  void metricsShowEveryCloseReasonAndTheOpenConnections() throws Exception {
    assertEquals(Arrays.stream(CloseReason.values()).map(CloseReason::label).sorted().toList(),
        List.copyOf(closedByReason().keySet()));
    String metrics = call("GET", "/metrics", null).body();
    Matcher open = Pattern.compile("(?m)^tollgate_http_connections_open (\\S+)$").matcher(metrics);
    assertTrue(open.find(), metrics);
    // This scrape's own connection is open while it is served.
    assertTrue(Double.parseDouble(open.group(1)) >= 1, metrics);
  }

  private static String post(String auth, String framing) {
    return "POST /v1/reliability HTTP/1.1\r\nHost: localhost\r\n" + auth + "Content-Type: application/json\r\n"
        + framing + "\r\n";
  }

  /** Sends {@code head} and nothing more; what the server says until it closes (or the wait passes). */
  private RawHttp.Reply stall(String head) throws IOException {
    long start = System.nanoTime();
    try (Socket socket = RawHttp.openAndStall(port, head)) {
      return RawHttp.awaitClose(socket, start, DEADLINE + SLACK + 2_000);
    }
  }

  /** One answer, closed with it: long before the body deadline could have played any part. */
  private static void assertAnsweredAndClosedAtOnce(RawHttp.Reply reply, int status) {
    assertEquals(List.of(status), reply.statuses(), reply.toString());
    if (status >= 400) {
      apiErrorShape(reply);
    }
    assertTrue(reply.text().toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), reply.toString());
    assertTrue(reply.closedByServer(), reply.toString());
    assertTrue(reply.elapsedMillis() < DEADLINE - SLACK, "closed with the answer, not at a deadline: " + reply);
  }

  /** An authenticated API read on a new connection, served. */
  private void assertServedRightAfter() throws IOException {
    RawHttp.Reply reply = call("GET", RELIABILITY, RunningAnalytics.TOKEN);
    assertEquals(List.of(200), reply.statuses(), reply.toString());
    assertTrue(new JsonObject(reply.body()).containsKey("from"), reply.toString());
  }

  /** One request on its own connection, which the server closes after answering. */
  private RawHttp.Reply call(String method, String path, String token) throws IOException {
    RawHttp.Reply reply = RawHttp.exchange(port, method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n"
        + "Connection: close\r\n" + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n", 10_000);
    assertTrue(reply.closedByServer(), "Connection: close is honoured: " + reply);
    return reply;
  }

  /** The closed-connection counters on /metrics, by reason. */
  private Map<String, Double> closedByReason() throws IOException {
    RawHttp.Reply reply = call("GET", "/metrics", null);
    assertEquals(List.of(200), reply.statuses(), reply.toString());
    Map<String, Double> closed = new TreeMap<>();
    Matcher m = CLOSED.matcher(reply.body());
    while (m.find()) {
      closed.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    return closed;
  }

  private static double delta(Map<String, Double> before, Map<String, Double> after, CloseReason reason) {
    return after.getOrDefault(reason.label(), 0.0) - before.getOrDefault(reason.label(), 0.0);
  }
}
