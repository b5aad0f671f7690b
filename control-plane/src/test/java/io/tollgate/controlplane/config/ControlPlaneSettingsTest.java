package io.tollgate.controlplane.config;

import io.tollgate.frontdoor.FrontDoorSettings;
import io.tollgate.frontdoor.TlsSettings;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The front door's TOLLGATE_HTTP_* variables: defaults, overrides, and bad values refused by name. */
class ControlPlaneSettingsTest {

  private static ControlPlaneSettings fromEnv(String... pairs) {
    Map<String, String> env = new HashMap<>(Map.of("TOLLGATE_KEY_PEPPER", "p"));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return ControlPlaneSettings.fromEnv(env);
  }

  @Test
  void withoutVariablesTheFrontDoorHasItsDefaults() {
    assertEquals(FrontDoorSettings.defaults(), fromEnv().frontDoor());
    assertEquals(FrontDoorSettings.defaults(), fromEnv("TOLLGATE_HTTP_IDLE_TIMEOUT_MS", " ").frontDoor());
  }

  @Test
  void everyFrontDoorVariableIsRead() {
    assertEquals(new FrontDoorSettings(2_000, 3_000, 0, 50, 1_024, 4_096), fromEnv(
        "TOLLGATE_HTTP_HEADER_TIMEOUT_MS", "2000",
        "TOLLGATE_HTTP_BODY_TIMEOUT_MS", "3000",
        "TOLLGATE_HTTP_IDLE_TIMEOUT_MS", "0",
        "TOLLGATE_HTTP_MAX_CONNECTIONS", "50",
        "TOLLGATE_HTTP_MAX_REQUEST_LINE_BYTES", "1024",
        "TOLLGATE_HTTP_MAX_HEADER_BYTES", "4096").frontDoor());
  }

  @Test
  void badValuesAreRefusedNamingTheVariable() {
    assertRefused("TOLLGATE_HTTP_HEADER_TIMEOUT_MS must be a whole number, got \"10s\"",
        "TOLLGATE_HTTP_HEADER_TIMEOUT_MS", "10s");
    assertRefused("TOLLGATE_HTTP_BODY_TIMEOUT_MS must be between 0 and 86400000, got -1",
        "TOLLGATE_HTTP_BODY_TIMEOUT_MS", "-1");
    assertRefused("TOLLGATE_HTTP_IDLE_TIMEOUT_MS must be between 0 and 86400000, got 86400001",
        "TOLLGATE_HTTP_IDLE_TIMEOUT_MS", "86400001");
    assertRefused("TOLLGATE_HTTP_MAX_CONNECTIONS must be between 1 and 10000000, got 0",
        "TOLLGATE_HTTP_MAX_CONNECTIONS", "0");
    assertRefused("TOLLGATE_HTTP_MAX_REQUEST_LINE_BYTES must be between 256 and 1048576, got 100",
        "TOLLGATE_HTTP_MAX_REQUEST_LINE_BYTES", "100");
    assertRefused("TOLLGATE_HTTP_MAX_HEADER_BYTES must be a whole number, got \"99999999999999999999\"",
        "TOLLGATE_HTTP_MAX_HEADER_BYTES", "99999999999999999999");
    assertRefused("TOLLGATE_HTTP_MAX_HEADER_BYTES must be between 1024 and 1048576, got 2097152",
        "TOLLGATE_HTTP_MAX_HEADER_BYTES", "2097152");
  }

  @Test
  void thePortDefaultsTo8090AndABadOneIsRefusedNamingTheVariable() {
    assertEquals(8090, fromEnv().port());
    assertEquals(9190, fromEnv("TOLLGATE_CONTROL_PLANE_PORT", "9190").port());
    assertRefused("TOLLGATE_CONTROL_PLANE_PORT must be a whole number, got \"80a\"", "TOLLGATE_CONTROL_PLANE_PORT", "80a");
    assertRefused("TOLLGATE_CONTROL_PLANE_PORT must be between 0 and 65535, got 70000",
        "TOLLGATE_CONTROL_PLANE_PORT", "70000");
  }

  @Test
  void tlsComesFromTheControlPlaneTlsVariablesAndIsOffWithoutThem() {
    assertEquals(TlsSettings.off(), fromEnv().tls());
    assertEquals(new TlsSettings("/tls/tls.crt", "/tls/tls.key", "/tls/clients.crt", true, 30_000), fromEnv(
        "TOLLGATE_CONTROL_PLANE_TLS_CERT_FILE", "/tls/tls.crt",
        "TOLLGATE_CONTROL_PLANE_TLS_KEY_FILE", "/tls/tls.key",
        "TOLLGATE_CONTROL_PLANE_TLS_CLIENT_CA_FILE", "/tls/clients.crt",
        "TOLLGATE_CONTROL_PLANE_TLS_REQUIRED", "true",
        "TOLLGATE_CONTROL_PLANE_TLS_RELOAD_INTERVAL_MS", "30000").tls());
    assertRefused("TOLLGATE_CONTROL_PLANE_TLS_*: TLS is required but no certificate and key files are set",
        "TOLLGATE_CONTROL_PLANE_TLS_REQUIRED", "true");
    assertRefused("TOLLGATE_CONTROL_PLANE_TLS_*: a TLS certificate file and key file go together: set both or neither",
        "TOLLGATE_CONTROL_PLANE_TLS_CERT_FILE", "/tls/tls.crt");
    assertRefused("TOLLGATE_CONTROL_PLANE_TLS_*: tlsRequired must be true or false, got \"yes\"",
        "TOLLGATE_CONTROL_PLANE_TLS_REQUIRED", "yes");
  }

  private static void assertRefused(String message, String name, String value) {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> fromEnv(name, value));
    assertEquals(message, refused.getMessage());
  }

  @Test
  void alertsHaveDefaultsAndEveryVariableIsRead() {
    assertEquals(AlertSettings.defaults(), fromEnv().alerts());
    AlertSettings read = fromEnv("TOLLGATE_ALERTS_POLL_MS", "2000", "TOLLGATE_ALERTS_DELIVERY_POLL_MS", "500",
        "TOLLGATE_ALERTS_RETRY_BASE_MS", "1000", "TOLLGATE_ALERTS_MAX_ATTEMPTS", "4",
        "TOLLGATE_ALERTS_SAMPLE_MINUTES", "5", "TOLLGATE_ALERTS_FORECAST_MIN_WINDOW_MINUTES", "30",
        "TOLLGATE_SMTP_HOST", "smtp.example.com", "TOLLGATE_SMTP_PORT", "587", "TOLLGATE_SMTP_FROM", "tg@example.com",
        "TOLLGATE_SMTP_USERNAME", "u", "TOLLGATE_SMTP_PASSWORD", "pw", "TOLLGATE_SMTP_STARTTLS", "required",
        "TOLLGATE_SPEND_METRICS_TOP_ORGS", "20").alerts();
    assertEquals(new AlertSettings(2_000, 500, 1_000, 4, java.time.Duration.ofMinutes(5),
        java.time.Duration.ofMinutes(30), new AlertSettings.Smtp("smtp.example.com", 587, "tg@example.com", "u", "pw",
        "REQUIRED"), 20), read);
    assertEquals(1_000, read.retryDelayMillis(1));
    assertEquals(4_000, read.retryDelayMillis(3));
    assertEquals(-1, read.retryDelayMillis(4), "out of attempts");
    assertRefused("TOLLGATE_SMTP_STARTTLS must be DISABLED, OPTIONAL or REQUIRED, got \"YES\"",
        "TOLLGATE_SMTP_STARTTLS", "yes");
    assertRefused("TOLLGATE_SPEND_METRICS_TOP_ORGS must be between 1 and 10000, got 0",
        "TOLLGATE_SPEND_METRICS_TOP_ORGS", "0");
  }

  @Test
  void webhookEgressAndImplicitTlsAreRead() {
    assertEquals(AlertSettings.Webhooks.PUBLIC_ONLY, fromEnv().alerts().webhooks(), "public addresses, any host");
    AlertSettings read = fromEnv("TOLLGATE_ALERTS_WEBHOOK_HOSTS", " hooks.slack.com, *.webhook.office.com ,",
        "TOLLGATE_ALERTS_WEBHOOK_PRIVATE_NETWORKS", "10.20.0.0/16,fd00::/8", "TOLLGATE_SMTP_HOST", "smtp.example.com",
        "TOLLGATE_SMTP_PORT", "465", "TOLLGATE_SMTP_IMPLICIT_TLS", "true").alerts();
    assertEquals(new AlertSettings.Webhooks(java.util.List.of("hooks.slack.com", "*.webhook.office.com"),
        java.util.List.of("10.20.0.0/16", "fd00::/8")), read.webhooks());
    assertEquals(true, read.smtp().ssl());
    assertRefused("TOLLGATE_ALERTS_WEBHOOK_HOSTS: \"https://hooks.slack.com\" is not a host name, an address or "
        + "*.domain", "TOLLGATE_ALERTS_WEBHOOK_HOSTS", "https://hooks.slack.com");
    assertRefused("TOLLGATE_ALERTS_WEBHOOK_PRIVATE_NETWORKS: \"10.0.0.0/40\": the prefix length must be 0 to 32",
        "TOLLGATE_ALERTS_WEBHOOK_PRIVATE_NETWORKS", "10.0.0.0/40");
    assertRefused("TOLLGATE_SMTP_IMPLICIT_TLS must be true or false, got \"yes\"", "TOLLGATE_SMTP_IMPLICIT_TLS", "yes");
  }
}
