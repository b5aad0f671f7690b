package io.tollgate.gateway.it;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.tollgate.frontdoor.TlsSettings;
import io.tollgate.frontdoor.testing.FrontDoorChecks;
import io.tollgate.frontdoor.testing.RawHttp;
import io.tollgate.frontdoor.testing.TestCertificates;
import io.tollgate.gateway.config.GatewayTls;
import io.tollgate.gateway.usage.UsageEvent;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;

import static io.tollgate.gateway.it.TestBed.MODEL;
import static io.tollgate.gateway.it.TestBed.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway with TLS everywhere, certificates made here: HTTPS on the data plane for a real SDK,
 * client certificates on the admin port, and vLLM backends served over HTTPS whose certificates the
 * gateway verifies.
 */
class GatewayTlsTest {

  private static final long HOUR_MS = 3_600_000;

  @TempDir
  Path dir;
  private TestBed bed;

  @AfterEach
  void stop() throws Exception {
    if (bed != null) {
      bed.close();
    }
  }

  /** One CA signs the gateway's and the backends' certificates; another the admin clients'. */
  private final class Pki {
    final TestCertificates.Issued ca = TestCertificates.ca(dir, "platform-ca");
    final TestCertificates.Issued gateway = TestCertificates.server(dir, "gateway", ca);
    final TestCertificates.Issued backend = TestCertificates.server(dir, "vllm", ca);
    final TestCertificates.Issued operators = TestCertificates.ca(dir, "operators-ca");

    TlsSettings dataPlane() {
      return TlsSettings.of(gateway.certFile().toString(), gateway.keyFile().toString()).withReloadIntervalMs(HOUR_MS);
    }

    TlsSettings adminWithClientCertificates() {
      return dataPlane().withClientCa(operators.certFile().toString());
    }
  }

  private TestBed.Builder httpsBackends(Pki pki) {
    return TestBed.builder().simulators(1)
        .simulatorConfig(c -> c.withInterTokenMillis(2).withTls(pki.backend.certFile().toString(),
            pki.backend.keyFile().toString()));
  }

  @Test
  void anSdkStreamsOverHttpsFromAnHttpsBackendTheGatewayTrusts() throws Exception {
    Pki pki = new Pki();
    bed = httpsBackends(pki)
        .tls(new GatewayTls(pki.dataPlane(), pki.adminWithClientCertificates(), pki.ca.certFile().toString()))
        .start();
    assertTrue(bed.sim(1).baseUrl().startsWith("https://"), bed.sim(1).baseUrl());

    OpenAIClient openai = OpenAIOkHttpClient.builder().baseUrl("https://localhost:" + bed.gateway.port() + "/v1")
        .apiKey(SECRET).maxRetries(0)
        .sslSocketFactory(TestCertificates.clientContext(pki.ca, null).getSocketFactory())
        .trustManager(TestCertificates.trustManager(pki.ca))
        .build();
    StringBuilder text = new StringBuilder();
    try (var stream = openai.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
        .model(MODEL).addUserMessage("hello over tls").maxCompletionTokens(8L).build())) {
      stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
    } finally {
      openai.close();
    }
    assertTrue(text.length() > 0, "streamed text");
    UsageEvent event = bed.usage.awaitEvents(1, 5_000).get(0);
    assertEquals(200, event.status());
    assertEquals("sim-1", event.backendId());
  }

  @Test
  void theDataPlaneServesNoPlainHttpAndKeepsTheFrontDoorOverTls() throws Exception {
    Pki pki = new Pki();
    bed = httpsBackends(pki)
        .tls(new GatewayTls(pki.dataPlane(), TlsSettings.off(), pki.ca.certFile().toString()))
        .start();
    int port = bed.gateway.port();
    RawHttp.Reply plain = RawHttp.exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 3_000);
    assertEquals(List.of(), plain.statuses(), "plain HTTP is not served on a TLS port: " + plain);
    assertTrue(plain.closedByServer(), plain.toString());

    FrontDoorChecks checks = new FrontDoorChecks(port, "/v1/chat/completions", "/healthz",
        "Authorization: Bearer " + SECRET + "\r\n", reply -> {
          JsonObject error = new JsonObject(reply.body()).getJsonObject("error");
          assertTrue(error != null && error.getString("message") != null, "OpenAI's error shape: " + reply);
        });
    RawHttp.overTls(TestCertificates.clientContext(pki.ca, null).getSocketFactory(), () -> {
      checks.smugglingRefused();
      RawHttp.Reply health = RawHttp.exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
          3_000);
      assertEquals(List.of(200), health.statuses(), health.toString());
    });
  }

  @Test
  void theAdminPortRefusesAClientWithoutACertificateTheOperatorsCaSigned() throws Exception {
    Pki pki = new Pki();
    bed = httpsBackends(pki)
        .tls(new GatewayTls(TlsSettings.off(), pki.adminWithClientCertificates(), pki.ca.certFile().toString()))
        .start();
    HttpClientOptions trusting = new HttpClientOptions().setSsl(true).setDefaultHost("localhost")
        .setDefaultPort(bed.gateway.adminPort())
        .setTrustOptions(new PemTrustOptions().addCertPath(pki.ca.certFile().toString()));

    ExecutionException anonymous = assertThrows(ExecutionException.class, () -> adminConfig(trusting));
    assertTrue(refusedInTheHandshake(anonymous), "refused in the handshake: " + anonymous.getCause());

    TestCertificates.Issued stranger = TestCertificates.client(dir, "stranger", TestCertificates.ca(dir, "elsewhere"));
    assertThrows(ExecutionException.class, () -> adminConfig(new HttpClientOptions(trusting)
        .setKeyCertOptions(keyCert(stranger))));

    TestCertificates.Issued operator = TestCertificates.client(dir, "operator", pki.operators);
    assertEquals(200, adminConfig(new HttpClientOptions(trusting).setKeyCertOptions(keyCert(operator))));
  }

  @Test
  void aBackendWhoseCertificateDoesNotVerifyIsRefusedWith502AndCounted() throws Exception {
    Pki pki = new Pki();
    TestCertificates.Issued otherCa = TestCertificates.ca(dir, "not-the-backends-ca");
    bed = httpsBackends(pki).maxAttempts(1)
        .tls(GatewayTls.off().withBackendCa(otherCa.certFile().toString()))
        .start();
    Http.Reply reply = Http.post(bed.client, "/v1/chat/completions", Http.chat(4, true), SECRET);
    assertEquals(502, reply.status(), reply.body().toString());
    assertEquals("backend_certificate_rejected", reply.error().getString("code"));
    assertTrue(reply.error().getString("message").contains("sim-1")
        && reply.error().getString("message").contains("certificate did not verify"), reply.error().encode());
    assertEquals("backend_certificate_rejected", bed.usage.awaitEvents(1, 5_000).get(0).errorKind());

    RequestOptions metrics = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
        .setPort(bed.gateway.adminPort()).setURI("/metrics");
    String scraped = Http.onContext(bed.client, () -> bed.client.request(metrics)
        .compose(request -> request.send().compose(response -> response.body()))).toString();
    assertTrue(scraped.contains("error_kind=\"backend_certificate_rejected\""), "counted in tollgate_requests_total");
  }

  private int adminConfig(HttpClientOptions options) throws Exception {
    HttpClient client = bed.vertx.createHttpClient(options);
    try {
      return TestBed.await(client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/admin/config")
              .putHeader("authorization", "Bearer " + TestBed.ADMIN_TOKEN))
          .compose(request -> request.send().map(response -> response.statusCode())));
    } finally {
      client.close();
    }
  }

  /** TLS refused the connection (Netty wraps the SSLException), or, in TLS 1.3, closed it right after. */
  private static boolean refusedInTheHandshake(Throwable failure) {
    for (Throwable at = failure.getCause(); at != null; at = at.getCause()) {
      if (at instanceof javax.net.ssl.SSLException || at instanceof io.vertx.core.http.HttpClosedException) {
        return true;
      }
    }
    return false;
  }

  private static PemKeyCertOptions keyCert(TestCertificates.Issued issued) {
    return new PemKeyCertOptions().setCertPath(issued.certFile().toString()).setKeyPath(issued.keyFile().toString());
  }
}
