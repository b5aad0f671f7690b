package io.tollgate.gateway.config;

import io.tollgate.frontdoor.TlsSettings;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * The gateway's TLS (the {@code tls} section; docs/adr/0014-tls-in-every-service.md).
 *
 * @param dataPlane    the public port's certificate; off: plain HTTP (TLS ends at the load balancer)
 * @param admin        the admin port's; its certificate defaults to the data plane's, and a client CA makes
 *                     every admin caller present a certificate it signed (mutual TLS)
 * @param backendCaFile CA certificates (PEM) that {@code https://} backends' certificates must chain to,
 *                     host names verified; empty: the JDK's trusted CAs
 */
public record GatewayTls(TlsSettings dataPlane, TlsSettings admin, String backendCaFile) {

  public GatewayTls {
    backendCaFile = backendCaFile == null ? "" : backendCaFile.trim();
  }

  public static GatewayTls off() {
    return new GatewayTls(TlsSettings.off(), TlsSettings.off(), "");
  }

  public GatewayTls withBackendCa(String caFile) {
    return new GatewayTls(dataPlane, admin, caFile);
  }

  /**
   * A client for the backends with this trust: a backend's certificate must chain to the configured
   * CA (or a JDK-trusted one) and name the host the URL names, else the connection is refused.
   */
  public HttpClientOptions backendClient(HttpClientOptions options) {
    options.setVerifyHost(true);
    if (!backendCaFile.isEmpty()) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(backendCaFile));
    }
    return options;
  }
}
