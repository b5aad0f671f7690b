package io.tollgate.frontdoor;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.frontdoor.testing.FrontDoorChecks;
import io.tollgate.frontdoor.testing.RawHttp;
import io.tollgate.frontdoor.testing.TestCertificates;
import io.tollgate.testsupport.GuardedVertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTPS through the front door with certificates made here: serving, rotation, client certificates, deadlines. */
class ServerTlsTest {

  private static final long DEADLINE = 1_500;
  private static final long SLACK = 700;

  @TempDir
  Path dir;
  private final GuardedVertx guarded = GuardedVertx.create();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private TestCertificates.Issued ca;
  private TestCertificates.Issued served;
  private ServerTls tls;
  private int port;

  @AfterEach
  void close() throws Exception {
    guarded.closeAndAssert();
  }

  private void start(TlsSettings settings) throws Exception {
    start(settings, () -> { });
  }

  /** @param beforeWatch runs once the server listens (it has read the files), before the first watched read */
  private void start(TlsSettings settings, ThrowingRunnable beforeWatch) throws Exception {
    tls = ServerTls.of(guarded.vertx(), settings, "test");
    FrontDoor door = new FrontDoor(FrontDoorSettings.defaults().withTimeouts(DEADLINE, DEADLINE, DEADLINE),
        (status, code, message) -> new JsonObject().put("error", new JsonObject().put("code", code)
            .put("message", message)).toBuffer(), registry, tls);
    HttpServer server = door.createServer(guarded.vertx(), new HttpServerOptions().setHost("127.0.0.1"), request -> {
      if (request.path().equals("/echo")) {
        request.body().onSuccess(body -> request.response().end(new JsonObject().put("bytes", body.length()).toBuffer()));
      } else {
        request.response().putHeader("content-type", "application/json").end("{\"status\":\"ok\"}");
      }
    });
    server = server.listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    beforeWatch.run();
    door.listening(server);
    port = server.actualPort();
    // The watch's first read done (a reload runs after it) before a test writes the files.
    tls.reload().toCompletionStage().toCompletableFuture().handle((loaded, failure) -> loaded).get(10, TimeUnit.SECONDS);
  }

  /** A CA and a server certificate it signed; reloads only when the test asks. */
  private TlsSettings certificates() {
    ca = TestCertificates.ca(dir, "test-ca");
    served = TestCertificates.server(dir, "server", ca);
    return TlsSettings.of(served.certFile().toString(), served.keyFile().toString()).withReloadIntervalMs(3_600_000);
  }

  @Test
  void aRealClientGetsHttpsAndPlainHttpIsNotServed() throws Exception {
    start(certificates());
    HttpClient client = guarded.vertx().createHttpClient(new HttpClientOptions().setSsl(true).setVerifyHost(true)
        .setTrustOptions(new PemTrustOptions().addCertPath(ca.certFile().toString())));
    String body = client.request(HttpMethod.GET, port, "localhost", "/health")
        .compose(request -> request.send().compose(response -> response.body()))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).toString();
    assertEquals("{\"status\":\"ok\"}", body);

    RawHttp.Reply plain = RawHttp.exchange(port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", 3_000);
    assertEquals(List.of(), plain.statuses(), "no HTTP answer on a TLS port: " + plain);
    assertTrue(plain.closedByServer(), plain.toString());
  }

  @Test
  void aClientThatDoesNotTrustTheCaIsRefusedTheHandshake() throws Exception {
    start(certificates());
    TestCertificates.Issued otherCa = TestCertificates.ca(dir, "other-ca");
    assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> serialServed(TestCertificates.clientContext(otherCa, null)));
  }

  @Test
  void aRotatedCertificateIsServedToNewConnectionsWhileOpenOnesKeepTheirs() throws Exception {
    start(certificates());
    SSLContext client = TestCertificates.clientContext(ca, null);
    try (SSLSocket before = open(client)) {
      assertEquals(served.serial(), serial(before));

      TestCertificates.Issued renewed = TestCertificates.server(dir, "renewed", ca);
      renewed.installOver(served);
      assertTrue(tls.reload().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS), "reloaded");
      assertEquals(1, tls.reloads());

      assertEquals(renewed.serial(), serialServed(client), "a new connection gets the renewed certificate");
      assertEquals(List.of(200), get(before).statuses(), "the open connection goes on with the old one");
      assertEquals(served.serial(), serial(before));
      assertFalse(tls.reload().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS),
          "unchanged files: nothing reloaded");
    }
  }

  @Test
  void theFilesAreWatchedWithoutBeingAsked() throws Exception {
    start(certificates().withReloadIntervalMs(100));
    TestCertificates.Issued renewed = TestCertificates.server(dir, "renewed", ca);
    renewed.installOver(served);
    SSLContext client = TestCertificates.clientContext(ca, null);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    BigInteger now = serialServed(client);
    while (!now.equals(renewed.serial()) && System.nanoTime() < until) {
      Thread.sleep(50);
      now = serialServed(client);
    }
    assertEquals(renewed.serial(), now, "the renewed certificate is served within the reload interval");
  }

  @Test
  void aHalfWrittenRotationKeepsTheOldCertificateAndLoadsOnceComplete() throws Exception {
    start(certificates());
    TestCertificates.Issued renewed = TestCertificates.server(dir, "renewed", ca);
    java.nio.file.Files.writeString(served.keyFile(), "-----BEGIN PRIVATE KEY-----\ntruncated");
    assertTrue(tls.reload().toCompletionStage().toCompletableFuture().handle((loaded, failure) -> failure != null)
        .get(10, TimeUnit.SECONDS), "an unreadable key fails the reload");
    SSLContext client = TestCertificates.clientContext(ca, null);
    assertEquals(served.serial(), serialServed(client), "the previous certificate is still served");

    renewed.installOver(served);
    tls.reload().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(renewed.serial(), serialServed(client));
  }

  @Test
  void aRotationReadBetweenItsTwoFilesIsNotServedUntilTheKeyFollows() throws Exception {
    // The renewed certificate written, its key not yet: serving that pair would fail every handshake
    // on the signature (the bug theFilesAreWatchedWithoutBeingAsked tripped on under load).
    start(certificates());
    TestCertificates.Issued renewed = TestCertificates.server(dir, "renewed", ca);
    java.nio.file.Files.copy(renewed.certFile(), served.certFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertTrue(tls.reload().toCompletionStage().toCompletableFuture().handle((loaded, failure) -> failure != null)
        .get(10, TimeUnit.SECONDS), "a key that is not the certificate's fails the reload");
    SSLContext client = TestCertificates.clientContext(ca, null);
    assertEquals(served.serial(), serialServed(client), "the previous pair is still served, and handshakes work");

    java.nio.file.Files.copy(renewed.keyFile(), served.keyFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertTrue(tls.reload().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertEquals(renewed.serial(), serialServed(client));
  }

  @Test
  void aRotationTheFirstWatchedReadCatchesHalfWrittenIsCountedOnceItLoads() throws Exception {
    // The first read after listen finds what the server read itself, and is not a rotation; but when it
    // catches a rotation half written and fails, the next load is one (CI saw the race: the test above
    // wrote its certificate while that first read ran, and the completed rotation reported "nothing loaded").
    TestCertificates.Issued[] renewed = new TestCertificates.Issued[1];
    start(certificates(), () -> {
      renewed[0] = TestCertificates.server(dir, "renewed", ca);
      java.nio.file.Files.copy(renewed[0].certFile(), served.certFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    });
    assertTrue(tls.reload().toCompletionStage().toCompletableFuture().handle((loaded, failure) -> failure != null)
        .get(10, TimeUnit.SECONDS), "the half-written rotation fails to load");
    SSLContext client = TestCertificates.clientContext(ca, null);
    assertEquals(served.serial(), serialServed(client), "what the server read at listen is still served");

    java.nio.file.Files.copy(renewed[0].keyFile(), served.keyFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertTrue(tls.reload().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS), "the rotation loaded");
    assertEquals(1, tls.reloads());
    assertEquals(renewed[0].serial(), serialServed(client));
  }

  @Test
  void mutualTlsRefusesAClientWithoutACertificateOrWithAStrangersAndServesOneTheCaSigned() throws Exception {
    TlsSettings settings = certificates();
    TestCertificates.Issued clientCa = TestCertificates.ca(dir, "client-ca");
    start(settings.withClientCa(clientCa.certFile().toString()));

    assertRefused(TestCertificates.clientContext(ca, null));
    TestCertificates.Issued stranger = TestCertificates.client(dir, "stranger", TestCertificates.ca(dir, "stranger-ca"));
    assertRefused(TestCertificates.clientContext(ca, stranger));

    TestCertificates.Issued member = TestCertificates.client(dir, "member", clientCa);
    try (SSLSocket socket = open(TestCertificates.clientContext(ca, member))) {
      assertEquals(List.of(200), get(socket).statuses());
    }
    HttpClient vertxClient = guarded.vertx().createHttpClient(new HttpClientOptions().setSsl(true)
        .setTrustOptions(new PemTrustOptions().addCertPath(ca.certFile().toString()))
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(member.certFile().toString())
            .setKeyPath(member.keyFile().toString())));
    int status = vertxClient.request(HttpMethod.GET, port, "localhost", "/health")
        .compose(request -> request.send().map(response -> response.statusCode()))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(200, status);
  }

  @Test
  void aHandshakeNeverCompletedIsClosedAtTheHeaderDeadline() throws Exception {
    start(certificates());
    // Nothing at all, then a ClientHello's first bytes and nothing more: both held to the deadline.
    for (byte[] sent : List.of(new byte[0], new byte[] {0x16, 0x03, 0x01, 0x01, 0x00, 0x01})) {
      long start = System.nanoTime();
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.getOutputStream().write(sent);
        RawHttp.Reply reply = RawHttp.awaitClose(socket, start, DEADLINE + SLACK + 3_000);
        assertTrue(reply.closedByServer(), "closed: " + reply);
        assertTrue(reply.elapsedMillis() >= DEADLINE - 100 && reply.elapsedMillis() <= DEADLINE + SLACK + 1_000,
            "closed at the header deadline: " + reply);
      }
    }
  }

  @Test
  void theFrontDoorsProtectionsHoldOverTls() throws Exception {
    start(certificates());
    FrontDoorChecks checks = new FrontDoorChecks(port, "/echo", "/health", "", reply -> {
      JsonObject error = new JsonObject(reply.body()).getJsonObject("error");
      assertTrue(error != null && error.getString("message") != null, "the service's error shape: " + reply);
    });
    RawHttp.overTls(TestCertificates.clientContext(ca, null).getSocketFactory(), () -> {
      checks.smugglingRefused();
      checks.oversizedRefused();
      checks.slowHeadersClosedAt(DEADLINE, SLACK);
      checks.declaredBodyNeverSentClosedAt(DEADLINE, SLACK);
    });
  }

  @Test
  void settingsThatCannotMeanWhatTheySayAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new TlsSettings("", "", "", true, 0),
        "TLS required without a certificate");
    assertThrows(IllegalArgumentException.class, () -> new TlsSettings("a.crt", "", "", false, 0));
    assertThrows(IllegalArgumentException.class, () -> new TlsSettings("", "", "ca.crt", false, 0));
    assertFalse(TlsSettings.off().enabled());
  }

  private void assertRefused(SSLContext client) {
    // TLS 1.3 sends the refusal of a client certificate after the client's handshake is done: it
    // shows on the first read at the latest.
    assertThrows(IOException.class, () -> {
      try (SSLSocket socket = open(client)) {
        RawHttp.Reply reply = get(socket);
        if (reply.statuses().isEmpty()) {
          throw new IOException("no answer: " + reply);
        }
      }
    });
  }

  private SSLSocket open(SSLContext client) throws IOException {
    SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("localhost", port);
    socket.setSoTimeout(5_000);
    socket.startHandshake();
    return socket;
  }

  private BigInteger serialServed(SSLContext client) throws IOException {
    try (SSLSocket socket = open(client)) {
      return serial(socket);
    }
  }

  private static BigInteger serial(SSLSocket socket) throws IOException {
    return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
  }

  /** One GET on an open connection, kept alive; its reply. */
  private static RawHttp.Reply get(SSLSocket socket) throws IOException {
    socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    byte[] buffer = new byte[4_096];
    StringBuilder text = new StringBuilder();
    while (!text.toString().endsWith("{\"status\":\"ok\"}")) {
      int n = socket.getInputStream().read(buffer);
      if (n < 0) {
        break;
      }
      text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
    }
    return new RawHttp.Reply(text.toString(), false, 0);
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
