package io.tollgate.frontdoor;

import java.util.List;
import java.util.Locale;

/**
 * TLS of one port, from PEM files (docs/adr/0014-tls-in-every-service.md). No certificate: the port
 * speaks plain HTTP. With one, it speaks only HTTPS: a plain-HTTP client is not served.
 *
 * @param certFile         the server's certificate chain (PEM), leaf first; empty: plain HTTP
 * @param keyFile          its private key (PEM, PKCS#8 or PKCS#1)
 * @param clientCaFile     CA certificates (PEM) that client certificates must chain to; set: every client must
 *                         present one (mutual TLS), empty: none asked for
 * @param required         refuse to start without a certificate, so that a deployment that meant HTTPS never
 *                         serves plain HTTP through a missing setting
 * @param reloadIntervalMs how often the files are read again; changed ones are served to new connections
 *                         (connections already open keep theirs); 0: never
 */
public record TlsSettings(String certFile, String keyFile, String clientCaFile, boolean required,
                          long reloadIntervalMs) {

  public static final long DEFAULT_RELOAD_INTERVAL_MS = 10_000;

  public TlsSettings {
    certFile = certFile == null ? "" : certFile.trim();
    keyFile = keyFile == null ? "" : keyFile.trim();
    clientCaFile = clientCaFile == null ? "" : clientCaFile.trim();
    if (certFile.isEmpty() != keyFile.isEmpty()) {
      throw new IllegalArgumentException("a TLS certificate file and key file go together: set both or neither");
    }
    if (certFile.isEmpty() && !clientCaFile.isEmpty()) {
      throw new IllegalArgumentException("client certificates (a client CA file) need TLS: set a certificate and key");
    }
    if (certFile.isEmpty() && required) {
      throw new IllegalArgumentException("TLS is required but no certificate and key files are set");
    }
    if (reloadIntervalMs < 0) {
      throw new IllegalArgumentException("the TLS reload interval must be 0 (never) or positive");
    }
  }

  /** The option names {@link #read} asks for (as in a service's YAML section). */
  public static final List<String> OPTIONS = List.of("tlsCertFile", "tlsKeyFile", "tlsClientCaFile", "tlsRequired",
      "tlsReloadIntervalMs");

  /** One option's value as text, empty when unset. */
  @FunctionalInterface
  public interface Source {
    String text(String option);
  }

  /**
   * The settings from a service's own reader of {@link #OPTIONS} (the control plane's environment,
   * the analytics service's YAML). A bad value or a contradiction throws, its message naming the option.
   */
  public static TlsSettings read(Source source) {
    String required = source.text("tlsRequired").trim().toLowerCase(Locale.ROOT);
    if (!List.of("", "true", "false").contains(required)) {
      throw new IllegalArgumentException("tlsRequired must be true or false, got \"" + required + "\"");
    }
    String interval = source.text("tlsReloadIntervalMs").trim();
    long reload;
    try {
      reload = interval.isEmpty() ? DEFAULT_RELOAD_INTERVAL_MS : Long.parseLong(interval);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("tlsReloadIntervalMs must be a whole number of ms, got \"" + interval + "\"");
    }
    return new TlsSettings(source.text("tlsCertFile"), source.text("tlsKeyFile"), source.text("tlsClientCaFile"),
        required.equals("true"), reload);
  }

  /** {@code TOLLGATE_CONTROL_PLANE} and {@code tlsCertFile} → {@code TOLLGATE_CONTROL_PLANE_TLS_CERT_FILE}. */
  public static String environmentName(String prefix, String option) {
    return prefix + "_" + option.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  /** Plain HTTP. */
  public static TlsSettings off() {
    return new TlsSettings("", "", "", false, DEFAULT_RELOAD_INTERVAL_MS);
  }

  /** HTTPS from these files, reloaded at the default interval, no client certificates. */
  public static TlsSettings of(String certFile, String keyFile) {
    return new TlsSettings(certFile, keyFile, "", false, DEFAULT_RELOAD_INTERVAL_MS);
  }

  public boolean enabled() {
    return !certFile.isEmpty();
  }

  public boolean clientCertificatesRequired() {
    return !clientCaFile.isEmpty();
  }

  public TlsSettings withClientCa(String caFile) {
    return new TlsSettings(certFile, keyFile, caFile, required, reloadIntervalMs);
  }

  public TlsSettings withReloadIntervalMs(long intervalMs) {
    return new TlsSettings(certFile, keyFile, clientCaFile, required, intervalMs);
  }

  /** This port's files, or {@code fallback}'s when this one names no certificate (an admin port beside its data port). */
  public TlsSettings orElse(TlsSettings fallback) {
    if (enabled()) {
      return this;
    }
    return new TlsSettings(fallback.certFile, fallback.keyFile, clientCaFile, required || fallback.required,
        reloadIntervalMs);
  }
}
