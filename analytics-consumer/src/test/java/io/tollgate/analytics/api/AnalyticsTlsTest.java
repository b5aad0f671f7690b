package io.tollgate.analytics.api;

import io.tollgate.analytics.config.AnalyticsSettings;
import io.tollgate.analytics.config.ApiSettings;
import io.tollgate.analytics.testsupport.RunningAnalytics;
import io.tollgate.analytics.testsupport.TestBroker;
import io.tollgate.analytics.testsupport.TestStore;
import io.tollgate.frontdoor.FrontDoorSettings;
import io.tollgate.frontdoor.TlsSettings;
import io.tollgate.frontdoor.testing.RawHttp;
import io.tollgate.frontdoor.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The analytics API over HTTPS with certificates made here, against the real RabbitMQ and
 * PostgreSQL: served (the JDK's HTTP client), plain HTTP not, a rotated certificate served without
 * a restart, client certificates required when a client CA is set, a stalled handshake closed at
 * the header deadline.
 */
class AnalyticsTlsTest {

  private static final long DEADLINE = 1_500;

  @TempDir
  Path dir;
  private TestStore store;
  private TestBroker broker;
  private RunningAnalytics analytics;

  @AfterEach
  void stop() throws Exception {
    try {
      if (analytics != null) {
        analytics.close();
      }
    } finally {
      if (broker != null) {
        broker.close();
      }
      if (store != null) {
        store.close();
      }
    }
  }

  private int start(TlsSettings tls) throws Exception {
    store = TestStore.create();
    broker = TestBroker.create();
    analytics = RunningAnalytics.start(new AnalyticsSettings(broker.settings, store.settings(),
        new ApiSettings("127.0.0.1", 0, RunningAnalytics.TOKEN,
            FrontDoorSettings.defaults().withTimeouts(DEADLINE, DEADLINE, DEADLINE)).withTls(tls)));
    return analytics.service.apiPort();
  }

  @Test
  void theApiIsServedOverHttpsOnlyAndARotatedCertificateWithoutARestart() throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca(dir, "ca");
    TestCertificates.Issued served = TestCertificates.server(dir, "analytics", ca);
    int port = start(new TlsSettings(served.certFile().toString(), served.keyFile().toString(), "", true, 100));
    SSLContext trusting = TestCertificates.clientContext(ca, null);

    HttpResponse<String> health = send(trusting, port, "/health", null);
    assertEquals(200, health.statusCode(), health.body());
    HttpResponse<String> anonymous = send(trusting, port, "/v1/orgs/acme/usage", null);
    assertEquals(401, anonymous.statusCode(), "the API's own refusal over TLS: " + anonymous.body());

    RawHttp.Reply plain = RawHttp.exchange(port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", 3_000);
    assertEquals(List.of(), plain.statuses(), "no plain HTTP: " + plain);

    TestCertificates.Issued renewed = TestCertificates.server(dir, "renewed", ca);
    renewed.installOver(served);
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    BigInteger now = serial(trusting, port);
    while (!now.equals(renewed.serial()) && System.nanoTime() < until) {
      Thread.sleep(50);
      now = serial(trusting, port);
    }
    assertEquals(renewed.serial(), now, "the renewed certificate is served without a restart");
  }

  @Test
  void withAClientCaOnlyClientsItSignedAreServed() throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca(dir, "ca");
    TestCertificates.Issued served = TestCertificates.server(dir, "analytics", ca);
    TestCertificates.Issued machines = TestCertificates.ca(dir, "machines");
    int port = start(TlsSettings.of(served.certFile().toString(), served.keyFile().toString())
        .withClientCa(machines.certFile().toString()));

    assertThrows(IOException.class, () -> send(TestCertificates.clientContext(ca, null), port, "/health", null));
    TestCertificates.Issued controlPlane = TestCertificates.client(dir, "control-plane", machines);
    assertEquals(200, send(TestCertificates.clientContext(ca, controlPlane), port, "/health", null).statusCode());

    long start = System.nanoTime();
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      RawHttp.Reply reply = RawHttp.awaitClose(socket, start, DEADLINE + 4_000);
      assertTrue(reply.closedByServer() && reply.elapsedMillis() < DEADLINE + 2_000,
          "a handshake never begun is closed at the header deadline: " + reply);
    }
  }

  private static HttpResponse<String> send(SSLContext context, int port, String path, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + path));
    if (token != null) {
      request.header("authorization", "Bearer " + token);
    }
    return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build()
        .send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static BigInteger serial(SSLContext context, int port) throws IOException {
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }
}
