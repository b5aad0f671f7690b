package io.tollgate.frontdoor.testing;

import java.io.IOException;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The front-door attacks every public port must withstand, over real sockets: request smuggling,
 * oversized request lines and headers, slowloris on headers and body, bodies declared and never
 * sent, idle connections. Each service's tests run them against its own port.
 *
 * @param port        the port under test
 * @param postPath    a path that takes a POST with a body
 * @param getPath     a path that answers a GET (for the idle check)
 * @param authHeaders header lines (each ending in CRLF) that let a request past authentication
 * @param errorShape  asserts that a reply's body is the service's own JSON error shape
 */
public record FrontDoorChecks(int port, String postPath, String getPath, String authHeaders,
                              Consumer<RawHttp.Reply> errorShape) {

  /** A request a smuggling attempt hides behind its body: it must never be answered. */
  public static final String HIDDEN = "GET /hidden-request-must-not-be-answered HTTP/1.1\r\nHost: x\r\n\r\n";
  private static final String BODY = "{\"model\":\"m\"}";

  private String head(String extraHeaders) {
    return "POST " + postPath + " HTTP/1.1\r\nHost: localhost\r\n" + authHeaders
        + "Content-Type: application/json\r\n" + extraHeaders + "\r\n";
  }

  /** Every way of making the body's length ambiguous, each with a hidden request behind it. */
  public Map<String, String> smugglingAttempts() {
    String chunkedHidden = Integer.toHexString(HIDDEN.length()) + "\r\n" + HIDDEN + "\r\n0\r\n\r\n";
    Map<String, String> attempts = new LinkedHashMap<>();
    attempts.put("CL.TE", head("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\n" + HIDDEN);
    attempts.put("TE.CL", head("Transfer-Encoding: chunked\r\nContent-Length: 4\r\n") + chunkedHidden);
    attempts.put("xchunked with Content-Length",
        head("Content-Length: " + BODY.length() + "\r\nTransfer-Encoding: xchunked\r\n") + BODY + HIDDEN);
    attempts.put("xchunked alone", head("Transfer-Encoding: xchunked\r\n") + chunkedHidden);
    attempts.put("chunked twice", head("Transfer-Encoding: chunked, chunked\r\n") + chunkedHidden);
    attempts.put("obs-fold Transfer-Encoding",
        head("Content-Length: " + BODY.length() + "\r\nTransfer-Encoding:\r\n chunked\r\n") + BODY + HIDDEN);
    attempts.put("space before colon",
        head("Content-Length: " + BODY.length() + "\r\nTransfer-Encoding : chunked\r\n") + BODY + HIDDEN);
    attempts.put("two Content-Lengths", head("Content-Length: " + BODY.length() + "\r\nContent-Length: "
        + (BODY.length() + HIDDEN.length()) + "\r\n") + BODY + HIDDEN);
    attempts.put("signed Content-Length", head("Content-Length: +" + BODY.length() + "\r\n") + BODY + HIDDEN);
    return attempts;
  }

  /** Each attempt: one 400 in the service's shape, the connection closed, the hidden request unanswered. */
  public void smugglingRefused() throws IOException {
    for (Map.Entry<String, String> attempt : smugglingAttempts().entrySet()) {
      RawHttp.Reply reply = RawHttp.exchange(port, attempt.getValue(), 3_000);
      assertEquals(List.of(400), reply.statuses(), attempt.getKey() + ": " + reply);
      assertTrue(reply.closedByServer(), attempt.getKey() + " must close the connection: " + reply);
      errorShape.accept(reply);
    }
  }

  /**
   * A 1 MB request line gets 414, 1 MB of headers 431, binary noise 400; each closed. A megabyte is
   * far more than the socket buffers hold, so the client is still writing when it is refused: it must
   * read the refusal, not fail its write on a connection closed under it (a 100 KB header block over
   * TLS did, now and then).
   */
  public void oversizedRefused() throws IOException {
    RawHttp.Reply line = RawHttp.exchange(port, "GET /" + "a".repeat(1_000_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 3_000);
    assertEquals(List.of(414), line.statuses(), line.toString());
    assertTrue(line.closedByServer(), line.toString());
    errorShape.accept(line);
    RawHttp.Reply headers = RawHttp.exchange(port, "GET " + getPath + " HTTP/1.1\r\nHost: x\r\nX-Big: "
        + "b".repeat(1_000_000) + "\r\n\r\n", 3_000);
    assertEquals(List.of(431), headers.statuses(), headers.toString());
    assertTrue(headers.closedByServer(), headers.toString());
    errorShape.accept(headers);
    byte[] noise = new byte[4_096];
    new java.util.Random(7).nextBytes(noise);
    RawHttp.Reply garbage = RawHttp.exchange(port, noise, 3_000);
    assertTrue(garbage.closedByServer(), "noise must be refused with the connection closed: " + garbage);
    assertTrue(garbage.statuses().isEmpty() || garbage.statuses().equals(List.of(400)), garbage.toString());
  }

  /** Headers at a byte every 100 ms: closed, unanswered, at the header deadline (± slack). */
  public void slowHeadersClosedAt(long deadlineMillis, long slackMillis) throws IOException, InterruptedException {
    RawHttp.Reply reply = RawHttp.trickle(port, "POST " + postPath + " HTTP/1.1\r\nHost: x\r\n",
        "X-Slow: " + "s".repeat(2_000), 100, deadlineMillis + slackMillis + 2_000);
    assertTrue(reply.closedByServer(), "slow headers must be cut: " + reply);
    assertTrue(reply.statuses().isEmpty(), "nothing is answered to incomplete headers: " + reply);
    assertWithin(reply, deadlineMillis, slackMillis);
  }

  /** An authenticated body at a byte every 100 ms: 408 in the service's shape, closed at the body deadline. */
  public void slowBodyClosedAt(long deadlineMillis, long slackMillis) throws IOException, InterruptedException {
    String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(2_000) + "\"}]}";
    RawHttp.Reply reply = RawHttp.trickle(port, head("Content-Length: " + body.length() + "\r\n"), body, 100,
        deadlineMillis + slackMillis + 2_000);
    assertTimedOut(reply, deadlineMillis, slackMillis);
  }

  /** A body declared large and never sent: 408 and closed at the body deadline. */
  public void declaredBodyNeverSentClosedAt(long deadlineMillis, long slackMillis) throws IOException {
    long start = System.nanoTime();
    try (Socket socket = RawHttp.openAndStall(port, head("Content-Length: 50000\r\n"))) {
      assertTimedOut(RawHttp.awaitClose(socket, start, deadlineMillis + slackMillis + 2_000), deadlineMillis,
          slackMillis);
    }
  }

  /**
   * Without credentials, or with wrong ones ({@code badAuthHeaders}), a declared body is never
   * read: the refusal ({@code status}, in the service's shape) comes from the headers at once, not
   * at a deadline, and closes the connection; a request hidden in such a body is never answered.
   */
  public void refusedFromTheHeadersBeforeTheBody(int status, String badAuthHeaders, long deadlineMillis)
      throws IOException {
    for (String auth : List.of("", badAuthHeaders)) {
      long start = System.nanoTime();
      String unauthenticated = "POST " + postPath + " HTTP/1.1\r\nHost: x\r\n" + auth
          + "Content-Type: application/json\r\nContent-Length: 500000\r\n\r\n";
      try (Socket socket = RawHttp.openAndStall(port, unauthenticated)) {
        RawHttp.Reply reply = RawHttp.awaitClose(socket, start, deadlineMillis + 3_000);
        assertEquals(List.of(status), reply.statuses(), reply.toString());
        assertTrue(reply.closedByServer(), reply.toString());
        assertTrue(reply.elapsedMillis() < deadlineMillis, "answered from the headers, not at a deadline: " + reply);
        errorShape.accept(reply);
      }
    }
    String body = BODY + HIDDEN;
    RawHttp.Reply hidden = RawHttp.exchange(port, "POST " + postPath + " HTTP/1.1\r\nHost: x\r\nContent-Length: "
        + body.length() + "\r\n\r\n" + body + HIDDEN, 3_000);
    assertEquals(List.of(status), hidden.statuses(), "nothing behind an unauthenticated body runs: " + hidden);
    assertTrue(hidden.closedByServer(), hidden.toString());
  }

  /** A kept-alive connection left idle after a response: closed at the idle deadline. */
  public void idleClosedAt(long deadlineMillis, long slackMillis) throws IOException {
    long start = System.nanoTime();
    try (Socket socket = RawHttp.openAndStall(port, "GET " + getPath + " HTTP/1.1\r\nHost: x\r\n" + authHeaders
        + "\r\n")) {
      RawHttp.Reply reply = RawHttp.awaitClose(socket, start, deadlineMillis + slackMillis + 2_000);
      assertEquals(1, reply.statuses().size(), reply.toString());
      assertFalse(reply.statuses().get(0) >= 400, "the GET must succeed: " + reply);
      assertTrue(reply.closedByServer(), "idle connection must be closed: " + reply);
      assertWithin(reply, deadlineMillis, slackMillis);
    }
  }

  private void assertTimedOut(RawHttp.Reply reply, long deadlineMillis, long slackMillis) {
    assertEquals(List.of(408), reply.statuses(), reply.toString());
    assertTrue(reply.closedByServer(), reply.toString());
    errorShape.accept(reply);
    assertWithin(reply, deadlineMillis, slackMillis);
  }

  private static void assertWithin(RawHttp.Reply reply, long deadlineMillis, long slackMillis) {
    assertTrue(reply.elapsedMillis() >= deadlineMillis - slackMillis
        && reply.elapsedMillis() <= deadlineMillis + slackMillis,
        "closed after " + reply.elapsedMillis() + " ms, expected " + deadlineMillis + " ± " + slackMillis + ": " + reply);
  }
}
