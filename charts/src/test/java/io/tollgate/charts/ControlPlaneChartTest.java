package io.tollgate.charts;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.tollgate.charts.Workloads.container;
import static io.tollgate.charts.Workloads.env;
import static io.tollgate.charts.Workloads.hasEnv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What users of charts/control-plane rely on: probes, replicas, where each setting and secret comes from. */
class ControlPlaneChartTest {

  private static final String NAME = "tollgate-control-plane";

  @AfterEach
  void noSecretInTheCluster() {
    FakeKubernetesApi.start().clearSecrets();
  }

  private static List<HasMetadata> render(Map<String, Object> sets) {
    return Charts.parse(Charts.template("control-plane", List.of(), sets));
  }

  private static List<HasMetadata> renderExample(Map<String, Object> sets) {
    List<Path> files = List.of(Charts.exampleValues("control-plane"));
    return Charts.parse(Charts.template("control-plane", files, sets));
  }

  private static Deployment deployment(List<HasMetadata> objects) {
    return Charts.one(objects, Deployment.class);
  }

  private static Container controlPlane(List<HasMetadata> objects) {
    return container(deployment(objects).getSpec().getTemplate(), "control-plane");
  }

  private static Map<String, String> environment(List<HasMetadata> objects) {
    return Charts.named(objects, ConfigMap.class, NAME).getData();
  }

  private static String checksum(List<HasMetadata> objects) {
    return deployment(objects).getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config");
  }

  private static SecretKeySelector secretRef(Container c, String name) {
    EnvVar var = env(c, name);
    assertNull(var.getValue(), name + " has no plain value");
    return var.getValueFrom().getSecretKeyRef();
  }

  @Test
  void probesAreHealthAndReadyOnTheOnePort() {
    List<HasMetadata> objects = render(Map.of());
    Container c = controlPlane(objects);
    assertEquals(8090, Workloads.containerPort(c, "http"));
    assertEquals("/health", c.getStartupProbe().getHttpGet().getPath(), "while the migrations run");
    assertEquals("/health", c.getLivenessProbe().getHttpGet().getPath());
    assertEquals("/ready", c.getReadinessProbe().getHttpGet().getPath(), "PostgreSQL and Redis answer");
    for (var probe : List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())) {
      assertEquals("http", probe.getHttpGet().getPort().getStrVal());
    }
    Service service = Charts.named(objects, Service.class, NAME);
    assertEquals(8090, service.getSpec().getPorts().get(0).getPort());
    assertEquals("http", service.getSpec().getPorts().get(0).getTargetPort().getStrVal());
    assertEquals(deployment(objects).getSpec().getSelector().getMatchLabels(), service.getSpec().getSelector());
    assertEquals(List.of("java", "-jar", "/app/tollgate-control-plane.jar"), c.getCommand());
  }

  @Test
  void twoReplicasSpreadOverNodesWithADisruptionBudgetAndNoGapInRollouts() {
    List<HasMetadata> objects = render(Map.of());
    Deployment deployment = deployment(objects);
    assertEquals(2, deployment.getSpec().getReplicas());
    assertEquals(0, deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal());
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertEquals("kubernetes.io/hostname", pod.getTopologySpreadConstraints().get(0).getTopologyKey());
    PodDisruptionBudget pdb = Charts.one(objects, PodDisruptionBudget.class);
    assertEquals(1, pdb.getSpec().getMinAvailable().getIntVal());
    assertEquals(deployment.getSpec().getSelector().getMatchLabels(), pdb.getSpec().getSelector().getMatchLabels());
    assertEquals(5, controlPlane(objects).getLifecycle().getPreStop().getSleep().getSeconds());
    assertTrue(pod.getTerminationGracePeriodSeconds() >= 5 + 20, "preStop sleep and the control plane's own stop");

    assertEquals(3, deployment(renderExample(Map.of())).getSpec().getReplicas());
    IllegalStateException blocksDrains = assertThrows(IllegalStateException.class, () -> render(Map.of("replicaCount", 1)));
    assertTrue(blocksDrains.getMessage().contains("podDisruptionBudget.minAvailable (1) must be below replicaCount (1)"),
        blocksDrains.getMessage());
    assertTrue(Charts.all(render(Map.of("replicaCount", 1, "podDisruptionBudget.enabled", false)), PodDisruptionBudget.class)
        .isEmpty());
    IllegalStateException tooShort = assertThrows(IllegalStateException.class,
        () -> render(Map.of("terminationGracePeriodSeconds", 22)));
    assertTrue(tooShort.getMessage().contains("terminationGracePeriodSeconds (22) must be at least"), tooShort.getMessage());
  }

  @Test
  void plainSettingsReachTheEnvironmentThroughTheConfigMap() {
    List<HasMetadata> defaults = render(Map.of());
    assertEquals(Map.ofEntries(Map.entry("TOLLGATE_CONTROL_PLANE_PORT", "8090"),
        Map.entry("TOLLGATE_DATABASE_SCHEMA", "control_plane"), Map.entry("TOLLGATE_REDIS_PREFIX", "tg"),
        Map.entry("TOLLGATE_ADMIN_TOKEN_TTL", "P90D"), Map.entry("TOLLGATE_LOG_FORMAT", "json"),
        Map.entry("TOLLGATE_HTTP_HEADER_TIMEOUT_MS", "10000"), Map.entry("TOLLGATE_HTTP_BODY_TIMEOUT_MS", "30000"),
        Map.entry("TOLLGATE_HTTP_IDLE_TIMEOUT_MS", "60000"), Map.entry("TOLLGATE_HTTP_MAX_CONNECTIONS", "20000"),
        Map.entry("TOLLGATE_HTTP_MAX_REQUEST_LINE_BYTES", "8192"), Map.entry("TOLLGATE_HTTP_MAX_HEADER_BYTES", "16384"),
        // Budget alerts (AlertsChartTest covers their SMTP server and egress rules).
        Map.entry("TOLLGATE_ALERTS_POLL_MS", "5000"), Map.entry("TOLLGATE_ALERTS_DELIVERY_POLL_MS", "1000"),
        Map.entry("TOLLGATE_ALERTS_RETRY_BASE_MS", "2000"), Map.entry("TOLLGATE_ALERTS_MAX_ATTEMPTS", "8"),
        Map.entry("TOLLGATE_ALERTS_SAMPLE_MINUTES", "10"), Map.entry("TOLLGATE_ALERTS_FORECAST_MIN_WINDOW_MINUTES", "60"),
        Map.entry("TOLLGATE_SPEND_METRICS_TOP_ORGS", "50"), Map.entry("TOLLGATE_ALERTS_WEBHOOK_HOSTS", ""),
        Map.entry("TOLLGATE_ALERTS_WEBHOOK_PRIVATE_NETWORKS", "")),
        environment(defaults));
    assertEquals("45000", environment(render(Map.of("frontDoor.idleTimeoutMs", 45_000)))
        .get("TOLLGATE_HTTP_IDLE_TIMEOUT_MS"), "the front door's settings reach the environment");
    Container c = controlPlane(defaults);
    assertEquals(NAME, c.getEnvFrom().get(0).getConfigMapRef().getName());

    Map<String, String> example = environment(renderExample(Map.of()));
    assertEquals("tollgate_control", example.get("TOLLGATE_DATABASE_SCHEMA"));
    assertEquals("llm", example.get("TOLLGATE_REDIS_PREFIX"));
    assertEquals("P30D", example.get("TOLLGATE_ADMIN_TOKEN_TTL"));
    assertEquals("text", example.get("TOLLGATE_LOG_FORMAT"));
    assertEquals("0", environment(render(Map.of("adminTokenTtl", 0))).get("TOLLGATE_ADMIN_TOKEN_TTL"), "0: never expires");
  }

  @Test
  void singleSignOnReachesTheEnvironmentWhenAnIssuerIsSet() {
    Map<String, String> env = environment(render(Map.of("oidc.issuer", "https://idp.example/realms/corp",
        "oidc.audience", "tollgate", "oidc.roleMappings[0]", "team-a-owners=team-a:owner",
        "oidc.roleMappings[1]", "ops=platform-admin")));
    assertEquals("https://idp.example/realms/corp", env.get("TOLLGATE_OIDC_ISSUER"));
    assertEquals("tollgate", env.get("TOLLGATE_OIDC_AUDIENCE"));
    assertEquals("email", env.get("TOLLGATE_OIDC_EMAIL_CLAIM"));
    assertEquals("groups", env.get("TOLLGATE_OIDC_GROUPS_CLAIM"));
    assertEquals("team-a-owners=team-a:owner;ops=platform-admin", env.get("TOLLGATE_OIDC_ROLE_MAPPINGS"));
    assertEquals("10000", env.get("TOLLGATE_OIDC_JWKS_MIN_REFRESH_MS"));
    assertFalse(environment(render(Map.of())).containsKey("TOLLGATE_OIDC_ISSUER"), "off by default");
    IllegalStateException noAudience = assertThrows(IllegalStateException.class,
        () -> render(Map.of("oidc.issuer", "https://idp.example")));
    assertTrue(noAudience.getMessage().contains("oidc.audience is required"), noAudience.getMessage());
  }

  @Test
  void theConfigChecksumFollowsThePlainSettingsOnly() {
    String base = checksum(render(Map.of()));
    assertEquals(base, checksum(render(Map.of())), "stable across renders");
    assertNotEquals(base, checksum(render(Map.of("redis.prefix", "other"))));
    assertNotEquals(base, checksum(render(Map.of("adminTokenTtl", "P7D"))));
    assertEquals(base, checksum(render(Map.of("image.tag", "0.1.1"))), "the image is not the config");
    assertEquals(base, checksum(render(Map.of("secrets.bootstrapToken", "a-token-of-the-user"))), "secrets are not in it");
  }

  @Test
  void theDatabaseUrlAndBootstrapTokenComeFromItsSecretAndThePepperAndRedisFromTheGateways() {
    List<HasMetadata> objects = render(Map.of("secrets.databaseUrl", "postgresql://cp:pw-0123456789@pg:5432/tollgate",
        "secrets.bootstrapToken", "bootstrap-0123456789"));
    Secret secret = Charts.named(objects, Secret.class, NAME);
    assertEquals("postgresql://cp:pw-0123456789@pg:5432/tollgate", decode(secret, "database-url"));
    assertEquals("bootstrap-0123456789", decode(secret, "bootstrap-token"));
    assertEquals(2, secret.getData().size(), "no pepper copied here: " + secret.getData().keySet());
    Container c = controlPlane(objects);
    assertEquals(NAME, secretRef(c, "TOLLGATE_DATABASE_URL").getName());
    assertEquals("database-url", secretRef(c, "TOLLGATE_DATABASE_URL").getKey());
    assertEquals("bootstrap-token", secretRef(c, "TOLLGATE_BOOTSTRAP_TOKEN").getKey());
    assertEquals(Boolean.TRUE, secretRef(c, "TOLLGATE_BOOTSTRAP_TOKEN").getOptional(), "needed at the first start only");
    for (String[] pair : new String[][] {{"TOLLGATE_KEY_PEPPER", "key-pepper"}, {"TOLLGATE_REDIS_URL", "redis-url"}}) {
      SecretKeySelector ref = secretRef(c, pair[0]);
      assertEquals("tollgate-gateway", ref.getName(), "the gateway chart's Secret of the same release");
      assertEquals(pair[1], ref.getKey());
      assertNotEquals(Boolean.TRUE, ref.getOptional(), "never start without the gateways' pepper");
    }
    for (String value : environment(objects).values()) {
      assertFalse(value.contains("pw-0123456789") || value.contains("bootstrap-0123456789"), value);
    }
  }

  @Test
  void withoutTheGatewaysSecretThePepperAndRedisUrlAreGivenHere() {
    List<HasMetadata> objects = render(Map.of("gatewaySecret.name", "", "secrets.keyPepper", "pepper-0123456789",
        "secrets.redisUrl", "redis://:pw-0123456789@redis:6379/0"));
    Secret secret = Charts.named(objects, Secret.class, NAME);
    assertEquals("pepper-0123456789", decode(secret, "key-pepper"));
    assertEquals("redis://:pw-0123456789@redis:6379/0", decode(secret, "redis-url"));
    Container c = controlPlane(objects);
    assertEquals(NAME, secretRef(c, "TOLLGATE_KEY_PEPPER").getName());
    assertEquals(NAME, secretRef(c, "TOLLGATE_REDIS_URL").getName());

    IllegalStateException noPepper = assertThrows(IllegalStateException.class, () -> render(Map.of("gatewaySecret.name", "")));
    assertTrue(noPepper.getMessage().contains("secrets.keyPepper (the gateways' pepper) is required"), noPepper.getMessage());
    IllegalStateException twoPeppers = assertThrows(IllegalStateException.class,
        () -> render(Map.of("secrets.keyPepper", "pepper-0123456789")));
    assertTrue(twoPeppers.getMessage().contains("read from the gateways' Secret tollgate-gateway"), twoPeppers.getMessage());
  }

  @Test
  void aGeneratedBootstrapTokenIsKeptAcrossUpgrades() {
    String first = decode(Charts.named(render(Map.of()), Secret.class, NAME), "bootstrap-token");
    assertEquals(48, first.length());
    String kept = Base64.getEncoder().encodeToString("the-token-in-the-cluster".getBytes(StandardCharsets.UTF_8));
    FakeKubernetesApi.start().putSecret("ai", NAME, Map.of("bootstrap-token", kept));
    assertEquals("the-token-in-the-cluster", decode(Charts.named(render(Map.of()), Secret.class, NAME), "bootstrap-token"));
  }

  @Test
  void existingSecretsReplaceTheChartsOwn() {
    List<HasMetadata> objects = renderExample(Map.of());
    assertTrue(Charts.all(objects, Secret.class).isEmpty());
    Container c = controlPlane(objects);
    assertEquals("tollgate-control-plane-secrets", secretRef(c, "TOLLGATE_DATABASE_URL").getName());
    assertEquals("tollgate-control-plane-secrets", secretRef(c, "TOLLGATE_BOOTSTRAP_TOKEN").getName());
    assertEquals("llm-gateway", secretRef(c, "TOLLGATE_KEY_PEPPER").getName());
    assertEquals("llm-gateway", secretRef(c, "TOLLGATE_REDIS_URL").getName());
    assertFalse(hasEnv(c, "TOLLGATE_CONTROL_PLANE_PORT"), "plain settings come from the ConfigMap");
  }

  @Test
  void aServiceMonitorScrapesTheOnePortWhenAsked() {
    assertTrue(render(Map.of()).stream().noneMatch(o -> o.getKind().equals("ServiceMonitor")), "off by default");
    GenericKubernetesResource monitor = (GenericKubernetesResource) renderExample(Map.of()).stream()
        .filter(o -> o.getKind().equals("ServiceMonitor")).findFirst().orElseThrow();
    assertEquals("monitoring.coreos.com/v1", monitor.getApiVersion());
    Map<String, Object> endpoint = monitor.get("spec", "endpoints", 0);
    assertEquals("http", endpoint.get("port"));
    assertEquals("/metrics", endpoint.get("path"));
    assertEquals("kube-prometheus-stack", monitor.getMetadata().getLabels().get("release"));
    Map<String, Object> selector = monitor.get("spec", "selector", "matchLabels");
    assertEquals("control-plane", selector.get("app.kubernetes.io/name"));
  }

  @Test
  void theNetworkPolicyLetsInTheGatewaysAndTheNamedPeersOnly() {
    assertTrue(Charts.all(render(Map.of()), NetworkPolicy.class).isEmpty(), "off by default");
    NetworkPolicy policy = Charts.one(renderExample(Map.of()), NetworkPolicy.class);
    assertEquals(1, policy.getSpec().getIngress().size());
    var rule = policy.getSpec().getIngress().get(0);
    assertEquals("http", rule.getPorts().get(0).getPort().getStrVal());
    List<NetworkPolicyPeer> from = rule.getFrom();
    assertEquals(Map.of("app.kubernetes.io/component", "gateway", "app.kubernetes.io/part-of", "tollgate"),
        from.get(0).getPodSelector().getMatchLabels());
    assertEquals("platform-ops", from.get(1).getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name"));

    NetworkPolicy closed = Charts.one(render(Map.of("networkPolicy.enabled", true, "networkPolicy.allowGateways", false)),
        NetworkPolicy.class);
    assertNotNull(closed.getSpec().getIngress());
    assertTrue(closed.getSpec().getIngress().isEmpty(), "no peer named: nothing gets in");
  }

  private static String decode(Secret secret, String key) {
    String value = secret.getData().get(key);
    assertNotNull(value, "Secret key " + key);
    return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
  }
}
