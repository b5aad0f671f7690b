package io.tollgate.frontdoor;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.frontdoor.testing.FrontDoorChecks;
import io.tollgate.frontdoor.testing.RawHttp;
import io.tollgate.testsupport.GuardedVertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The front door around a small service, attacked over real sockets. */
class FrontDoorTest {

  private static final long DEADLINE = 1_500;
  private static final long SLACK = 700;

  private final GuardedVertx guarded = GuardedVertx.create();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private FrontDoor door;
  private int port;

  @AfterEach
  void close() throws Exception {
    guarded.closeAndAssert();
  }

  private void start(FrontDoorSettings settings) throws Exception {
    door = new FrontDoor(settings, (status, code, message) -> new JsonObject()
        .put("error", new JsonObject().put("code", code).put("message", message)).toBuffer(), registry);
    HttpServer server = door.createServer(guarded.vertx(), new HttpServerOptions().setHost("127.0.0.1"), this::app);
    port = server.listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
  }

  private void start() throws Exception {
    start(FrontDoorSettings.defaults().withTimeouts(DEADLINE, DEADLINE, DEADLINE));
  }

  /** POST /echo needs "Bearer ok" (checked before the body is read) and answers the body's size. */
  private void app(HttpServerRequest request) {
    if (request.path().equals("/health")) {
      request.response().putHeader("content-type", "application/json").end("{\"status\":\"ok\"}");
    } else if (request.path().equals("/echo")) {
      if (!"Bearer ok".equals(request.getHeader("authorization"))) {
        FrontDoor.closeAfterResponse(request);
        request.response().setStatusCode(401).end("{\"error\":{\"code\":\"401\"}}");
        return;
      }
      request.body().onSuccess(body -> request.response().putHeader("content-type", "application/json")
          .end(new JsonObject().put("bytes", body.length()).toBuffer()));
    } else {
      request.response().setStatusCode(404).end("{\"error\":{\"code\":\"not_found\"}}");
    }
  }

  private FrontDoorChecks checks() {
    return new FrontDoorChecks(port, "/echo", "/health", "Authorization: Bearer ok\r\n", reply -> {
      JsonObject error = new JsonObject(reply.body()).getJsonObject("error");
      assertTrue(error != null && error.getString("code") != null && error.getString("message") != null,
          "the service's error shape: " + reply);
    });
  }

  private double closed(CloseReason reason) {
    return registry.get("tollgate.http.connections.closed").tag("reason", reason.label()).counter().count();
  }

  @Test
  void smugglingIsRefusedAndClosedAndHonestFramingStillWorks() throws Exception {
    start();
    checks().smugglingRefused();
    assertTrue(closed(CloseReason.AMBIGUOUS_FRAMING) >= 5, "counted: " + closed(CloseReason.AMBIGUOUS_FRAMING));

    String chunked = "POST /echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ok\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    String pipelined = "GET /health HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\n"
        + "Authorization: Bearer ok\r\nContent-Length: 3\r\n\r\nabcGET /health HTTP/1.1\r\nHost: x\r\n\r\n";
    RawHttp.Reply honest = RawHttp.exchange(port, chunked + pipelined, 1_000);
    assertEquals(List.of(200, 200, 200, 200), honest.statuses(), honest.toString());
    assertTrue(honest.text().contains("{\"bytes\":11}") && honest.text().contains("{\"bytes\":3}"), honest.toString());
    assertFalse(honest.closedByServer(), "honest keep-alive requests keep the connection: " + honest);
  }

  @Test
  void anAnswerBeforeTheBodyClosesAndNothingBehindItRuns() throws Exception {
    start();
    String body = "{}" + FrontDoorChecks.HIDDEN;
    RawHttp.Reply reply = RawHttp.exchange(port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length()
        + "\r\n\r\n" + body + FrontDoorChecks.HIDDEN + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", 2_000);
    assertEquals(List.of(401), reply.statuses(), reply.toString());
    assertTrue(reply.closedByServer(), reply.toString());
  }

  @Test
  void aClientStillUploadingWhatWasRefusedReadsTheRefusal() throws Exception {
    start();
    // 4 MB behind a refused head: far more than the sockets buffer, so the client is still writing
    // when the refusal comes. Closing at once would reset the connection under its write.
    int size = 4 * 1024 * 1024;
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      java.util.concurrent.CompletableFuture<Throwable> upload = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          var out = socket.getOutputStream();
          out.write(("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + size + "\r\n\r\n")
              .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
          byte[] chunk = new byte[64 * 1024];
          for (int sent = 0; sent < size; sent += chunk.length) {
            out.write(chunk);
          }
          out.flush();
          return null;
        } catch (java.io.IOException e) {
          return e;
        }
      });
      String reply = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
      assertTrue(reply.startsWith("HTTP/1.1 401"), "the refusal is read whole, then the end of the stream: " + reply);
      assertEquals(null, upload.get(10, TimeUnit.SECONDS), "the upload was drained, not reset");
    }
  }

  @Test
  void oversizedRequestLinesAndHeadersGet414And431() throws Exception {
    start();
    checks().oversizedRefused();
    assertEquals(1, closed(CloseReason.REQUEST_LINE_TOO_LONG));
    assertEquals(1, closed(CloseReason.HEADERS_TOO_LARGE));
  }

  @Test
  void slowHeadersAreCutAtTheHeaderDeadline() throws Exception {
    start();
    checks().slowHeadersClosedAt(DEADLINE, SLACK);
    assertEquals(1, closed(CloseReason.HEADER_TIMEOUT));
  }

  @Test
  void slowAndMissingBodiesGet408AtTheBodyDeadline() throws Exception {
    start();
    checks().slowBodyClosedAt(DEADLINE, SLACK);
    checks().declaredBodyNeverSentClosedAt(DEADLINE, SLACK);
    assertEquals(2, closed(CloseReason.BODY_TIMEOUT));
  }

  @Test
  void idleConnectionsAreClosedAtTheIdleDeadline() throws Exception {
    start(FrontDoorSettings.defaults().withTimeouts(10_000, 10_000, DEADLINE));
    checks().idleClosedAt(DEADLINE, SLACK);
    assertEquals(1, closed(CloseReason.IDLE_TIMEOUT));
  }

  @Test
  void connectionsPastTheCapAreClosedAndTheCapFreesWhenTheyGo() throws Exception {
    start(FrontDoorSettings.defaults().withMaxConnections(3));
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(RawHttp.openAndStall(port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
    }
    long deadline = System.currentTimeMillis() + 5_000;
    while (door.openConnections() < 3 && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    RawHttp.Reply refused = RawHttp.exchange(port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", 2_000);
    assertTrue(refused.closedByServer() && refused.statuses().isEmpty(), refused.toString());
    assertEquals(1, closed(CloseReason.CONNECTION_LIMIT));
    for (Socket socket : held) {
      socket.close();
    }
    while (door.openConnections() > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(0, door.openConnections());
    RawHttp.Reply served = RawHttp.exchange(port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 2_000);
    assertEquals(List.of(200), served.statuses(), served.toString());
  }

  @Test
  void theSweepIsATenthOfTheShortestDeadlineWithinBounds() {
    assertEquals(150, FrontDoor.sweepPeriodMillis(FrontDoorSettings.defaults().withTimeouts(1_500, 0, 60_000)));
    assertEquals(20, FrontDoor.sweepPeriodMillis(FrontDoorSettings.defaults().withTimeouts(50, 50, 50)));
    assertEquals(1_000, FrontDoor.sweepPeriodMillis(FrontDoorSettings.defaults().withTimeouts(0, 0, 0)));
  }

}
