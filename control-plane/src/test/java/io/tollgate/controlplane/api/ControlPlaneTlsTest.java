package io.tollgate.controlplane.api;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
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
 * The control plane's API and portal over HTTPS with certificates made here (the JDK's HTTP client
 * as a real client): served, plain HTTP not, a rotated certificate served after its reload, client
 * certificates required when a client CA is set, and a handshake never completed closed at the
 * header deadline.
 */
class ControlPlaneTlsTest {

  private static final long DEADLINE = 1_500;

  @TempDir
  Path dir;
  private RunningControlPlane cp;

  @AfterEach
  void stop() throws Exception {
    if (cp != null) {
      cp.close();
    }
  }

  @Test
  void theApiAndPortalAreServedOverHttpsAndRotatedCertificatesAreServedWithoutARestart() throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca(dir, "ca");
    TestCertificates.Issued served = TestCertificates.server(dir, "control-plane", ca);
    cp = RunningControlPlane.start(new TlsSettings(served.certFile().toString(), served.keyFile().toString(), "",
        true, 100), FrontDoorSettings.defaults().withTimeouts(DEADLINE, DEADLINE, DEADLINE));
    int port = cp.plane.port();
    SSLContext trusting = TestCertificates.clientContext(ca, null);

    HttpResponse<String> health = jdkClient(trusting).send(HttpRequest.newBuilder(
        URI.create("https://localhost:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, health.statusCode(), health.body());
    HttpResponse<String> unauthenticated = jdkClient(trusting).send(HttpRequest.newBuilder(
        URI.create("https://localhost:" + port + "/api/v1/orgs")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, unauthenticated.statusCode(), "the API's own answers over TLS: " + unauthenticated.body());
    HttpResponse<String> portal = jdkClient(trusting).send(HttpRequest.newBuilder(
        URI.create("https://localhost:" + port + "/")).header("accept", "text/html").build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, portal.statusCode());
    assertTrue(portal.body().contains("<html") || portal.body().contains("<!doctype html"), "the portal's page");

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
  void withAClientCaTheApiRefusesClientsWithoutACertificateItSigned() throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca(dir, "ca");
    TestCertificates.Issued served = TestCertificates.server(dir, "control-plane", ca);
    TestCertificates.Issued clients = TestCertificates.ca(dir, "clients");
    cp = RunningControlPlane.start(TlsSettings.of(served.certFile().toString(), served.keyFile().toString())
        .withClientCa(clients.certFile().toString()), FrontDoorSettings.defaults().withTimeouts(DEADLINE, DEADLINE, DEADLINE));
    int port = cp.plane.port();
    HttpRequest health = HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/health")).build();

    assertThrows(IOException.class, () -> jdkClient(TestCertificates.clientContext(ca, null))
        .send(health, HttpResponse.BodyHandlers.ofString()));
    TestCertificates.Issued admin = TestCertificates.client(dir, "admin", clients);
    assertEquals(200, jdkClient(TestCertificates.clientContext(ca, admin))
        .send(health, HttpResponse.BodyHandlers.ofString()).statusCode());

    // A handshake never begun is bounded as a request's headers are.
    long start = System.nanoTime();
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      RawHttp.Reply reply = RawHttp.awaitClose(socket, start, DEADLINE + 4_000);
      assertTrue(reply.closedByServer() && reply.elapsedMillis() < DEADLINE + 2_000, reply.toString());
    }
  }

  private static HttpClient jdkClient(SSLContext context) {
    return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static BigInteger serial(SSLContext context, int port) throws IOException {
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }
}
