package io.tollgate.charts;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.tollgate.charts.Workloads.container;
import static io.tollgate.charts.Workloads.env;
import static io.tollgate.charts.Workloads.hasEnv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Budget alerts in the charts: the alert settings, the webhook egress rules and the SMTP server
 * reach the control plane's environment as it reads them (docs/control-plane.md), the SMTP
 * password only by reference to a Secret, in the control-plane chart and through the umbrella.
 */
class AlertsChartTest {

  @AfterEach
  void noSecretInTheCluster() {
    FakeKubernetesApi.start().clearSecrets();
  }

  private static List<HasMetadata> render(String chart, List<Path> files, Map<String, Object> sets) {
    return Charts.parse(Charts.template(chart, files, sets));
  }

  private static Map<String, String> environment(List<HasMetadata> objects, String name) {
    return Charts.named(objects, ConfigMap.class, name).getData();
  }

  private static Container controlPlane(List<HasMetadata> objects) {
    Deployment deployment = Charts.all(objects, Deployment.class).stream()
        .filter(d -> d.getMetadata().getName().endsWith("control-plane")).findFirst().orElseThrow();
    return container(deployment.getSpec().getTemplate(), "control-plane");
  }

  @Test
  void defaultsAreTheControlPlanesOwnAndNoSmtpServer() {
    List<HasMetadata> objects = render("control-plane", List.of(), Map.of());
    Map<String, String> env = environment(objects, "tollgate-control-plane");
    assertEquals("5000", env.get("TOLLGATE_ALERTS_POLL_MS"));
    assertEquals("1000", env.get("TOLLGATE_ALERTS_DELIVERY_POLL_MS"));
    assertEquals("2000", env.get("TOLLGATE_ALERTS_RETRY_BASE_MS"));
    assertEquals("8", env.get("TOLLGATE_ALERTS_MAX_ATTEMPTS"));
    assertEquals("10", env.get("TOLLGATE_ALERTS_SAMPLE_MINUTES"));
    assertEquals("60", env.get("TOLLGATE_ALERTS_FORECAST_MIN_WINDOW_MINUTES"));
    assertEquals("50", env.get("TOLLGATE_SPEND_METRICS_TOP_ORGS"));
    assertEquals("", env.get("TOLLGATE_ALERTS_WEBHOOK_HOSTS"), "any host");
    assertEquals("", env.get("TOLLGATE_ALERTS_WEBHOOK_PRIVATE_NETWORKS"), "public addresses only");
    assertFalse(env.keySet().stream().anyMatch(k -> k.startsWith("TOLLGATE_SMTP_")), env.toString());
    assertFalse(hasEnv(controlPlane(objects), "TOLLGATE_SMTP_PASSWORD"));
  }

  @Test
  void theExampleSetsEgressRulesAndAnSmtpLoginWhosePasswordComesFromASecret() {
    List<HasMetadata> objects = render("control-plane", List.of(Charts.exampleValues("control-plane")), Map.of());
    Map<String, String> env = environment(objects, "tollgate-control-plane");
    assertEquals("10", env.get("TOLLGATE_ALERTS_MAX_ATTEMPTS"));
    assertEquals("hooks.slack.com,*.webhook.office.com,siem.platform-ops.svc.cluster.local",
        env.get("TOLLGATE_ALERTS_WEBHOOK_HOSTS"));
    assertEquals("10.96.0.0/12", env.get("TOLLGATE_ALERTS_WEBHOOK_PRIVATE_NETWORKS"));
    assertEquals("smtp.example.com", env.get("TOLLGATE_SMTP_HOST"));
    assertEquals("587", env.get("TOLLGATE_SMTP_PORT"));
    assertEquals("tollgate-alerts@example.com", env.get("TOLLGATE_SMTP_FROM"));
    assertEquals("REQUIRED", env.get("TOLLGATE_SMTP_STARTTLS"));
    assertEquals("false", env.get("TOLLGATE_SMTP_IMPLICIT_TLS"));
    assertEquals("tollgate-alerts", env.get("TOLLGATE_SMTP_USERNAME"));
    assertNull(env.get("TOLLGATE_SMTP_PASSWORD"), "never in the ConfigMap");
    EnvVar password = env(controlPlane(objects), "TOLLGATE_SMTP_PASSWORD");
    assertNull(password.getValue());
    SecretKeySelector ref = password.getValueFrom().getSecretKeyRef();
    assertEquals("tollgate-smtp", ref.getName());
    assertEquals("password", ref.getKey());
  }

  @Test
  void implicitTlsAndAPasswordWithoutALoginOrAServerAreHandled() {
    Map<String, String> env = environment(render("control-plane", List.of(), Map.of("smtp.host", "mail.example.com",
        "smtp.port", 465, "smtp.implicitTls", true)), "tollgate-control-plane");
    assertEquals("true", env.get("TOLLGATE_SMTP_IMPLICIT_TLS"));
    assertEquals("465", env.get("TOLLGATE_SMTP_PORT"));
    assertNull(env.get("TOLLGATE_SMTP_USERNAME"), "no login");
    IllegalStateException noHost = assertThrows(IllegalStateException.class, () -> render("control-plane", List.of(),
        Map.of("smtp.username", "u", "smtp.passwordSecret.name", "s")));
    assertTrue(noHost.getMessage().contains("smtp.host is empty"), noHost.getMessage());
    IllegalStateException noUser = assertThrows(IllegalStateException.class, () -> render("control-plane", List.of(),
        Map.of("smtp.host", "h", "smtp.passwordSecret.name", "s")));
    assertTrue(noUser.getMessage().contains("smtp.passwordSecret needs smtp.username"), noUser.getMessage());
    IllegalStateException badTls = assertThrows(IllegalStateException.class, () -> render("control-plane", List.of(),
        Map.of("smtp.startTls", "yes")));
    assertTrue(badTls.getMessage().contains("startTls"), badTls.getMessage());
    IllegalStateException url = assertThrows(IllegalStateException.class, () -> render("control-plane", List.of(),
        Map.of("alerts.webhooks.allowedHosts[0]", "https://hooks.slack.com/")));
    assertTrue(url.getMessage().contains("allowedHosts"), url.getMessage());
  }

  @Test
  void theUmbrellaPassesTheAlertSettingsToTheControlPlane() {
    List<HasMetadata> objects = render("tollgate", List.of(Charts.source("tollgate").resolve("ci/platform-values.yaml")),
        Map.of("control-plane.smtp.port", 465, "control-plane.smtp.implicitTls", true,
            "control-plane.smtp.username", "tollgate", "control-plane.smtp.passwordSecret.name", "{{ .Release.Name }}-smtp",
            "control-plane.smtp.passwordSecret.key", "password"));
    Map<String, String> env = environment(objects, "tollgate-control-plane");
    assertEquals("hooks.slack.com", env.get("TOLLGATE_ALERTS_WEBHOOK_HOSTS"));
    assertEquals("smtp-relay.mail.svc.cluster.local", env.get("TOLLGATE_SMTP_HOST"));
    assertEquals("465", env.get("TOLLGATE_SMTP_PORT"));
    assertEquals("true", env.get("TOLLGATE_SMTP_IMPLICIT_TLS"));
    assertEquals("tollgate", env.get("TOLLGATE_SMTP_USERNAME"));
    SecretKeySelector ref = env(controlPlane(objects), "TOLLGATE_SMTP_PASSWORD").getValueFrom().getSecretKeyRef();
    assertEquals("tollgate-smtp", ref.getName(), "the name through tpl: {{ .Release.Name }}-smtp");
    assertEquals("password", ref.getKey());
  }
}
