package io.tollgate.charts;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.tollgate.charts.Workloads.env;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What users of charts/analytics-consumer rely on: connection URLs and token from a Secret, probes, port. */
class AnalyticsConsumerChartTest {

  private static final String NAME = "tollgate-analytics-consumer";

  private static List<HasMetadata> render(List<java.nio.file.Path> files, Map<String, Object> sets) {
    return Charts.parse(Charts.template("analytics-consumer", files, sets));
  }

  private static Container consumer(List<HasMetadata> objects) {
    return Workloads.container(Charts.one(objects, Deployment.class).getSpec().getTemplate(), "analytics-consumer");
  }

  @Test
  void urlsAndTokenComeFromTheSecret() {
    List<HasMetadata> objects = render(List.of(), Map.of("secrets.postgresUrl", "postgresql://u:pw-123456789@pg:5432/db",
        "secrets.apiToken", "tga-token-123456789"));
    Secret secret = Charts.named(objects, Secret.class, NAME);
    assertEquals("postgresql://u:pw-123456789@pg:5432/db", decode(secret, "postgres-url"));
    assertEquals("tga-token-123456789", decode(secret, "api-token"));
    Container c = consumer(objects);
    for (String[] pair : new String[][] {{"TOLLGATE_RABBITMQ_URL", "rabbitmq-url"}, {"TOLLGATE_ANALYTICS_PG_URL", "postgres-url"},
        {"TOLLGATE_ANALYTICS_TOKEN", "api-token"}}) {
      assertNull(env(c, pair[0]).getValue());
      assertEquals(NAME, env(c, pair[0]).getValueFrom().getSecretKeyRef().getName());
      assertEquals(pair[1], env(c, pair[0]).getValueFrom().getSecretKeyRef().getKey());
    }
    assertTrue(decode(Charts.named(render(List.of(), Map.of()), Secret.class, NAME), "api-token").startsWith("tga-"),
        "a token is generated when none is given");
  }

  @Test
  void settingsReachTheEnvironmentTheConsumerReads() {
    Container c = consumer(render(List.of(Charts.exampleValues("analytics-consumer")), Map.of()));
    assertEquals("0.0.0.0", env(c, "TOLLGATE_ANALYTICS_HOST").getValue());
    assertEquals("8090", env(c, "TOLLGATE_ANALYTICS_PORT").getValue());
    assertEquals("tollgate.usage", env(c, "TOLLGATE_RABBITMQ_EXCHANGE").getValue());
    assertEquals("tollgate.usage.events", env(c, "TOLLGATE_RABBITMQ_QUEUE").getValue());
    assertEquals("8000", env(c, "TOLLGATE_ANALYTICS_PREFETCH").getValue());
    assertEquals("2000", env(c, "TOLLGATE_ANALYTICS_BATCH_SIZE").getValue());
    assertEquals("usage", env(c, "TOLLGATE_ANALYTICS_PG_SCHEMA").getValue());
    assertEquals("8", env(c, "TOLLGATE_ANALYTICS_PG_POOL_SIZE").getValue());
    assertEquals("tollgate-analytics-secrets", env(c, "TOLLGATE_ANALYTICS_PG_URL").getValueFrom().getSecretKeyRef().getName());
    assertEquals("10000", env(c, "TOLLGATE_HTTP_HEADER_TIMEOUT_MS").getValue());
    assertEquals("30000", env(c, "TOLLGATE_HTTP_BODY_TIMEOUT_MS").getValue());
    assertEquals("60000", env(c, "TOLLGATE_HTTP_IDLE_TIMEOUT_MS").getValue());
    assertEquals("20000", env(c, "TOLLGATE_HTTP_MAX_CONNECTIONS").getValue());
    assertEquals("8192", env(c, "TOLLGATE_HTTP_MAX_REQUEST_LINE_BYTES").getValue());
    assertEquals("16384", env(c, "TOLLGATE_HTTP_MAX_HEADER_BYTES").getValue());
    assertEquals("2000", env(consumer(render(List.of(), Map.of("frontDoor.headerTimeoutMs", 2_000))),
        "TOLLGATE_HTTP_HEADER_TIMEOUT_MS").getValue());
  }

  @Test
  void callersWithControlPlaneIdentitiesAreAcceptedWhenTheControlPlaneIsNamed() {
    Container off = consumer(render(List.of(), Map.of()));
    assertTrue(off.getEnv().stream().noneMatch(e -> e.getName().equals("TOLLGATE_CONTROL_PLANE_URL")),
        "the shared token only, by default");
    Container on = consumer(render(List.of(), Map.of("controlPlane.url", "http://tollgate-control-plane:8090",
        "controlPlane.identityCacheMs", 5_000)));
    assertEquals("http://tollgate-control-plane:8090", env(on, "TOLLGATE_CONTROL_PLANE_URL").getValue());
    assertEquals("5000", env(on, "TOLLGATE_ANALYTICS_IDENTITY_CACHE_MS").getValue());
  }

  @Test
  void anExistingSecretReplacesTheChartsOwn() {
    assertTrue(Charts.all(render(List.of(Charts.exampleValues("analytics-consumer")), Map.of()), Secret.class).isEmpty());
  }

  @Test
  void probesAndServiceUseTheApiPort() {
    List<HasMetadata> objects = render(List.of(), Map.of());
    Container c = consumer(objects);
    assertEquals(8090, Workloads.containerPort(c, "http"));
    assertEquals("/ready", c.getReadinessProbe().getHttpGet().getPath(), "ready only while consuming and PostgreSQL answers");
    assertEquals("/health", c.getLivenessProbe().getHttpGet().getPath(), "alive while the broker is away");
    assertEquals("/health", c.getStartupProbe().getHttpGet().getPath());
    for (var probe : List.of(c.getReadinessProbe(), c.getLivenessProbe(), c.getStartupProbe())) {
      assertEquals("http", probe.getHttpGet().getPort().getStrVal());
    }
    assertTrue(c.getReadinessProbe().getTimeoutSeconds() > 1, "above /ready's own 1 s PostgreSQL timeout");
    assertEquals(8090, Charts.named(objects, Service.class, NAME).getSpec().getPorts().get(0).getPort());
    assertTrue(Charts.one(objects, Deployment.class).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds() > 30,
        "above the consumer's 30 s stop");
  }

  @Test
  void aServiceMonitorScrapesTheApiPortWhenAsked() {
    assertTrue(render(List.of(), Map.of()).stream().noneMatch(o -> o.getKind().equals("ServiceMonitor")), "off by default");
    GenericKubernetesResource monitor = (GenericKubernetesResource) render(List.of(Charts.exampleValues("analytics-consumer")),
        Map.of()).stream().filter(o -> o.getKind().equals("ServiceMonitor")).findFirst().orElseThrow();
    assertEquals("monitoring.coreos.com/v1", monitor.getApiVersion());
    assertEquals(NAME, monitor.getMetadata().getName());
    Map<String, Object> endpoint = monitor.get("spec", "endpoints", 0);
    assertEquals("http", endpoint.get("port"), "the Service's port name");
    assertEquals("/metrics", endpoint.get("path"));
    assertEquals("kube-prometheus-stack", monitor.getMetadata().getLabels().get("release"));
    Map<String, Object> selector = monitor.get("spec", "selector", "matchLabels");
    Service service = Charts.named(render(List.of(), Map.of()), Service.class, NAME);
    assertEquals(service.getMetadata().getLabels().get("app.kubernetes.io/name"), selector.get("app.kubernetes.io/name"));
    assertEquals("http", service.getSpec().getPorts().get(0).getName());
  }

  @Test
  void aMissingDatabaseUrlIsRefused() {
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> render(List.of(), Map.of("secrets.postgresUrl", "")));
    assertTrue(refused.getMessage().contains("secrets.postgresUrl"), refused.getMessage());
  }

  @Test
  void aPrefetchBelowTheBatchSizeIsRefused() {
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> render(List.of(), Map.of("rabbitmq.prefetch", 500, "rabbitmq.batchSize", 1000)));
    assertTrue(refused.getMessage().contains("rabbitmq.prefetch (500) must be at least rabbitmq.batchSize (1000)"), refused.getMessage());
  }

  private static String decode(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }
}
