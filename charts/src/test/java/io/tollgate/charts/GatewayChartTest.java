package io.tollgate.charts;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.tollgate.charts.Workloads.container;
import static io.tollgate.charts.Workloads.containerPort;
import static io.tollgate.charts.Workloads.env;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What users of charts/gateway rely on, in the rendered objects. */
class GatewayChartTest {

  private static final String NAME = "tollgate-gateway";

  @AfterEach
  void noSecretInTheCluster() {
    FakeKubernetesApi.start().clearSecrets();
  }

  private static List<HasMetadata> render(Map<String, Object> sets) {
    return Charts.parse(Charts.template("gateway", List.of(), sets));
  }

  private static List<HasMetadata> renderExample(Map<String, Object> sets) {
    return Charts.parse(Charts.template("gateway", List.of(Charts.exampleValues("gateway")), sets));
  }

  private static PodSpec pod(List<HasMetadata> objects) {
    return Charts.one(objects, Deployment.class).getSpec().getTemplate().getSpec();
  }

  private static Container gateway(List<HasMetadata> objects) {
    return container(Charts.one(objects, Deployment.class).getSpec().getTemplate(), "gateway");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> configFile(List<HasMetadata> objects) {
    String file = Charts.named(objects, ConfigMap.class, NAME).getData().get("gateway.yaml");
    assertNotNull(file, "ConfigMap has gateway.yaml");
    return (Map<String, Object>) Charts.yaml().load(file);
  }

  private static String checksum(List<HasMetadata> objects) {
    return Charts.one(objects, Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config");
  }

  @Test
  void probesAreHealthzAndReadyzOnTheDataPort() {
    Container c = gateway(render(Map.of()));
    assertEquals(8080, containerPort(c, "http"));
    assertEquals(8081, containerPort(c, "admin"));
    assertEquals("/healthz", c.getLivenessProbe().getHttpGet().getPath());
    assertEquals("http", c.getLivenessProbe().getHttpGet().getPort().getStrVal());
    assertEquals("/readyz", c.getReadinessProbe().getHttpGet().getPath());
    assertEquals("http", c.getReadinessProbe().getHttpGet().getPort().getStrVal());
    assertEquals("/healthz", c.getStartupProbe().getHttpGet().getPath());
  }

  @Test
  void serviceHasTheDataAndAdminPortsApart() {
    Service service = Charts.named(render(Map.of()), Service.class, NAME);
    Map<String, ServicePort> ports = new LinkedHashMap<>();
    service.getSpec().getPorts().forEach(p -> ports.put(p.getName(), p));
    assertEquals(8080, ports.get("http").getPort());
    assertEquals("http", ports.get("http").getTargetPort().getStrVal());
    assertEquals(8081, ports.get("admin").getPort());
    assertEquals("admin", ports.get("admin").getTargetPort().getStrVal());
  }

  @Test
  void theConfigFileIsMountedAndPassedWithSecretsAsEnvReferences() {
    for (List<HasMetadata> objects : List.of(render(Map.of()), renderExample(Map.of()))) {
      Container c = gateway(objects);
      assertEquals(List.of("--config", "/etc/tollgate/gateway.yaml"), c.getArgs().subList(0, 2));
      assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/etc/tollgate") && m.getReadOnly()));
      Map<String, Object> file = configFile(objects);
      assertEquals(List.of("server", "security", "usage", "redis", "rabbitmq", "tracing", "snapshot"), List.copyOf(file.keySet()));
      Map<String, Object> server = Charts.asMap(file.get("server"));
      assertEquals("0.0.0.0", server.get("host"));
      assertEquals("0.0.0.0", server.get("adminHost"), "Prometheus must reach /metrics on the admin port");
      Map<String, Object> security = Charts.asMap(file.get("security"));
      assertEquals("${TOLLGATE_KEY_PEPPER}", security.get("keyPepper"));
      assertEquals("${TOLLGATE_ADMIN_TOKEN}", security.get("adminToken"));
    }
  }

  @Test
  void backendUrlsAreTemplatedWithTheReleaseName() {
    Map<String, Object> snapshot = Charts.asMap(configFile(render(Map.of())).get("snapshot"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> backends = (List<Map<String, Object>>) snapshot.get("backends");
    assertEquals("http://tollgate-vllm:8000", backends.get(0).get("url"));
  }

  @Test
  void theConfigChecksumFollowsTheConfigOnly() {
    String base = checksum(render(Map.of()));
    assertEquals(base, checksum(render(Map.of())), "stable across renders");
    assertNotEquals(base, checksum(render(Map.of("config.redis.timeoutMs", 60))), "a config value changed");
    assertNotEquals(base, checksum(render(Map.of("config.snapshot.defaults.maxTokens", 512))), "a snapshot value changed");
    assertNotEquals(base, checksum(render(Map.of("server.shutdownGraceMs", 45000))), "a server value changed");
    assertEquals(base, checksum(render(Map.of("image.tag", "0.1.1"))), "the image is not the config");
    assertEquals(base, checksum(render(Map.of("secrets.keyPepper", "a-pepper-of-the-user"))), "secrets are not in the config");
  }

  @Test
  void terminationGraceCoversPreStopAndShutdownGrace() {
    for (int graceMs : new int[] {30000, 90500, 0}) {
      PodSpec pod = pod(render(Map.of("server.shutdownGraceMs", graceMs)));
      long preStop = gateway(render(Map.of())).getLifecycle().getPreStop().getSleep().getSeconds();
      assertTrue(pod.getTerminationGracePeriodSeconds() * 1000 > graceMs + 5_000 + preStop * 1000,
          "terminationGracePeriodSeconds " + pod.getTerminationGracePeriodSeconds() + " vs shutdownGraceMs " + graceMs);
    }
    assertEquals(50L, pod(render(Map.of())).getTerminationGracePeriodSeconds(),
        "5 s preStop + 5 s drain delay + 30 s grace + 10 s");
    assertEquals(60L, pod(render(Map.of("server.drainDelayMs", 15000))).getTerminationGracePeriodSeconds(),
        "the drain delay counts");
    assertEquals(120L, pod(render(Map.of("terminationGracePeriodSeconds", 120))).getTerminationGracePeriodSeconds());
    IllegalStateException tooShort = assertThrows(IllegalStateException.class,
        () -> render(Map.of("terminationGracePeriodSeconds", 30)));
    assertTrue(tooShort.getMessage().contains("terminationGracePeriodSeconds (30) must be above"), tooShort.getMessage());
  }

  @Test
  void preStopSleepsSoEndpointsDrainBeforeSigterm() {
    assertEquals(5, gateway(render(Map.of())).getLifecycle().getPreStop().getSleep().getSeconds());
    assertEquals(List.of("sleep", "5"),
        gateway(render(Map.of("lifecycle.useSleepAction", false))).getLifecycle().getPreStop().getExec().getCommand());
  }

  @Test
  void secretsComeFromTheSecretAndNeverFromTheConfigMap() {
    List<HasMetadata> objects = render(Map.of("secrets.keyPepper", "pepper-0123456789", "secrets.adminToken", "admin-0123456789",
        "secrets.redisUrl", "redis://:pw-0123456789@redis:6379", "secrets.rabbitmqUrl", "amqp://u:pw-9876543210@mq:5672/"));
    Secret secret = Charts.named(objects, Secret.class, NAME);
    assertEquals("pepper-0123456789", decode(secret, "key-pepper"));
    assertEquals("admin-0123456789", decode(secret, "admin-token"));
    assertEquals("redis://:pw-0123456789@redis:6379", decode(secret, "redis-url"));
    assertEquals("amqp://u:pw-9876543210@mq:5672/", decode(secret, "rabbitmq-url"));
    assertEquals("keep", secret.getMetadata().getAnnotations().get("helm.sh/resource-policy"), "the pepper outlives the release");

    String config = Charts.named(objects, ConfigMap.class, NAME).getData().get("gateway.yaml");
    for (String secretValue : List.of("pepper-0123456789", "admin-0123456789", "pw-0123456789", "pw-9876543210")) {
      assertFalse(config.contains(secretValue), "ConfigMap holds " + secretValue);
    }
    Container c = gateway(objects);
    for (String[] pair : new String[][] {{"TOLLGATE_KEY_PEPPER", "key-pepper"}, {"TOLLGATE_ADMIN_TOKEN", "admin-token"},
        {"TOLLGATE_REDIS_URL", "redis-url"}, {"TOLLGATE_RABBITMQ_URL", "rabbitmq-url"}}) {
      EnvVar var = env(c, pair[0]);
      assertNull(var.getValue(), pair[0] + " has no plain value");
      assertEquals(NAME, var.getValueFrom().getSecretKeyRef().getName());
      assertEquals(pair[1], var.getValueFrom().getSecretKeyRef().getKey());
    }
    assertEquals(Boolean.TRUE, env(c, "TOLLGATE_REDIS_URL").getValueFrom().getSecretKeyRef().getOptional(),
        "no Redis URL = standalone limits");
  }

  @Test
  void anExistingSecretReplacesTheChartsOwn() {
    List<HasMetadata> objects = renderExample(Map.of());
    assertTrue(Charts.all(objects, Secret.class).isEmpty());
    assertEquals("tollgate-gateway-secrets", env(gateway(objects), "TOLLGATE_KEY_PEPPER").getValueFrom().getSecretKeyRef().getName());
  }

  @Test
  void aGeneratedPepperIsKeptAcrossUpgrades() {
    String first = decode(Charts.named(render(Map.of()), Secret.class, NAME), "key-pepper");
    assertEquals(48, first.length(), "a first install generates a 48-character pepper");
    assertNotEquals(first, decode(Charts.named(render(Map.of()), Secret.class, NAME), "key-pepper"),
        "without a Secret in the cluster each render draws a new one");

    String kept = Base64.getEncoder().encodeToString("the-pepper-in-the-cluster".getBytes(StandardCharsets.UTF_8));
    String token = Base64.getEncoder().encodeToString("the-token-in-the-cluster".getBytes(StandardCharsets.UTF_8));
    FakeKubernetesApi.start().putSecret("ai", NAME, Map.of("key-pepper", kept, "admin-token", token));
    Secret upgraded = Charts.named(render(Map.of()), Secret.class, NAME);
    assertEquals("the-pepper-in-the-cluster", decode(upgraded, "key-pepper"));
    assertEquals("the-token-in-the-cluster", decode(upgraded, "admin-token"));
  }

  @Test
  void autoscalesOnCpuAndOptionallyOnOpenStreams() {
    List<HasMetadata> objects = render(Map.of());
    HorizontalPodAutoscaler hpa = Charts.one(objects, HorizontalPodAutoscaler.class);
    assertEquals(NAME, hpa.getSpec().getScaleTargetRef().getName());
    assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
    assertEquals(2, hpa.getSpec().getMinReplicas());
    assertEquals("cpu", hpa.getSpec().getMetrics().get(0).getResource().getName());
    assertEquals(70, hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization());
    assertNull(Charts.one(objects, Deployment.class).getSpec().getReplicas(), "the HPA owns the replica count");
    assertEquals(2, configRedisReplicas(objects), "fail-open shares the limits among minReplicas");

    HorizontalPodAutoscaler custom = Charts.one(renderExample(Map.of()), HorizontalPodAutoscaler.class);
    var pods = custom.getSpec().getMetrics().get(1).getPods();
    assertEquals("tollgate_open_requests", pods.getMetric().getName());
    assertEquals("150", pods.getTarget().getAverageValue().toString());

    List<HasMetadata> fixed = render(Map.of("autoscaling.enabled", false, "replicaCount", 3));
    assertTrue(Charts.all(fixed, HorizontalPodAutoscaler.class).isEmpty());
    assertEquals(3, Charts.one(fixed, Deployment.class).getSpec().getReplicas());
    assertEquals(3, configRedisReplicas(fixed));
  }

  private static int configRedisReplicas(List<HasMetadata> objects) {
    return (Integer) Charts.asMap(configFile(objects).get("redis")).get("replicas");
  }

  @Test
  void aDisruptionBudgetKeepsAGatewayUp() {
    PodDisruptionBudget pdb = Charts.one(render(Map.of()), PodDisruptionBudget.class);
    assertEquals(1, pdb.getSpec().getMinAvailable().getIntVal());
    assertEquals(Map.of("app.kubernetes.io/name", "gateway", "app.kubernetes.io/instance", "tollgate"),
        pdb.getSpec().getSelector().getMatchLabels());
    assertEquals(2, Charts.one(renderExample(Map.of()), PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal());
  }

  @Test
  void aServiceMonitorScrapesTheAdminPortWhenAsked() {
    assertTrue(render(Map.of()).stream().noneMatch(o -> o.getKind().equals("ServiceMonitor")));
    GenericKubernetesResource monitor = (GenericKubernetesResource) renderExample(Map.of()).stream()
        .filter(o -> o.getKind().equals("ServiceMonitor")).findFirst().orElseThrow();
    assertEquals("monitoring.coreos.com/v1", monitor.getApiVersion());
    Map<String, Object> endpoint = monitor.get("spec", "endpoints", 0);
    assertEquals("admin", endpoint.get("port"));
    assertEquals("/metrics", endpoint.get("path"));
    assertEquals("kube-prometheus-stack", monitor.getMetadata().getLabels().get("release"));
    Map<String, Object> selector = monitor.get("spec", "selector", "matchLabels");
    assertEquals("gateway", selector.get("app.kubernetes.io/name"));
  }

  @Test
  void theIngressStreamsWithTlsFromCertManagerAndNeverExposesTheAdminPort() {
    assertTrue(Charts.all(render(Map.of()), Ingress.class).isEmpty(), "off by default");
    Ingress ingress = Charts.one(renderExample(Map.of()), Ingress.class);
    Map<String, String> a = ingress.getMetadata().getAnnotations();
    assertEquals("off", a.get("nginx.ingress.kubernetes.io/proxy-buffering"));
    assertEquals("off", a.get("nginx.ingress.kubernetes.io/proxy-request-buffering"));
    assertEquals("3600", a.get("nginx.ingress.kubernetes.io/proxy-read-timeout"));
    assertEquals("3600", a.get("nginx.ingress.kubernetes.io/proxy-send-timeout"));
    assertEquals("4096k", a.get("nginx.ingress.kubernetes.io/proxy-body-size"), "from server.maxBodyBytes (4 MiB)");
    assertEquals("letsencrypt-prod", a.get("cert-manager.io/cluster-issuer"));
    assertEquals("nginx", ingress.getSpec().getIngressClassName());
    assertEquals(List.of("llm.example.com"), ingress.getSpec().getTls().get(0).getHosts());
    assertEquals("llm-example-com-tls", ingress.getSpec().getTls().get(0).getSecretName());
    assertEquals("llm.example.com", ingress.getSpec().getRules().get(0).getHost());
    IngressBackend backend = ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend();
    assertEquals(NAME, backend.getService().getName());
    assertEquals("http", backend.getService().getPort().getName());
  }

  @Test
  void theNetworkPolicyOpensTheAdminPortOnlyToTheNamedPeers() {
    NetworkPolicy policy = Charts.one(renderExample(Map.of()), NetworkPolicy.class);
    var rules = policy.getSpec().getIngress();
    assertEquals("http", rules.get(0).getPorts().get(0).getPort().getStrVal());
    assertTrue(rules.get(0).getFrom() == null || rules.get(0).getFrom().isEmpty());
    assertEquals("admin", rules.get(1).getPorts().get(0).getPort().getStrVal());
    assertEquals("monitoring", rules.get(1).getFrom().get(0).getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name"));
  }

  @Test
  void usageSpoolAndTmpAreWritableEmptyDirs() {
    List<HasMetadata> objects = render(Map.of());
    Container c = gateway(objects);
    assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/var/lib/tollgate/usage")));
    var spool = pod(objects).getVolumes().stream().filter(v -> v.getName().equals("usage-spool")).findFirst().orElseThrow();
    assertEquals("2Gi", spool.getEmptyDir().getSizeLimit().toString());
    Map<String, Object> file = configFile(objects);
    assertEquals("/var/lib/tollgate/usage/usage.jsonl", Charts.asMap(file.get("usage")).get("spoolPath"));
    assertEquals("/var/lib/tollgate/usage/spool", Charts.asMap(file.get("rabbitmq")).get("spoolDir"));
  }

  @Test
  void followingTheControlPlaneIsOffByDefault() {
    Container c = gateway(render(Map.of()));
    for (String name : List.of("TOLLGATE_CONTROL_PLANE_URL", "TOLLGATE_CONTROL_PLANE_TOKEN", "TOLLGATE_CONFIG_POLL_MS")) {
      assertFalse(Workloads.hasEnv(c, name), name + " only when controlPlane.enabled");
    }
    assertFalse(Charts.named(render(Map.of("controlPlane.token", "tga-0123456789abcdef")), Secret.class, NAME).getData()
        .containsKey("control-plane-token"), "no token stored while off");
  }

  @Test
  void followingTheControlPlaneSetsItsUrlPollAndTokenFromTheSecret() {
    Map<String, Object> on = Map.of("controlPlane.enabled", true, "secrets.redisUrl", "redis://:pw-0123456789@redis:6379",
        "controlPlane.token", "tga-0123456789abcdef");
    List<HasMetadata> objects = render(on);
    Container c = gateway(objects);
    assertEquals("http://tollgate-control-plane:8090", env(c, "TOLLGATE_CONTROL_PLANE_URL").getValue(),
        "the control-plane chart's Service of the same release");
    assertEquals("5000", env(c, "TOLLGATE_CONFIG_POLL_MS").getValue());
    EnvVar token = env(c, "TOLLGATE_CONTROL_PLANE_TOKEN");
    assertNull(token.getValue(), "the token has no plain value");
    assertEquals(NAME, token.getValueFrom().getSecretKeyRef().getName());
    assertEquals("control-plane-token", token.getValueFrom().getSecretKeyRef().getKey());
    assertEquals(Boolean.TRUE, token.getValueFrom().getSecretKeyRef().getOptional(), "issued after the control plane runs");
    assertEquals("tga-0123456789abcdef", decode(Charts.named(objects, Secret.class, NAME), "control-plane-token"));
    assertFalse(Charts.named(objects, ConfigMap.class, NAME).getData().get("gateway.yaml").contains("tga-0123456789abcdef"));

    String rolled = Charts.one(objects, Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations()
        .get("checksum/control-plane-token");
    assertNotNull(rolled, "a new token rolls the pods (read once at start)");
    assertFalse(rolled.contains("0123456789abcdef"));
    Map<String, Object> other = new java.util.HashMap<>(on);
    other.put("controlPlane.token", "tga-fedcba9876543210");
    assertNotEquals(rolled, Charts.one(render(other), Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations()
        .get("checksum/control-plane-token"));
  }

  @Test
  void aControlPlaneTokenInTheClusterIsKeptAndAnotherSecretMayHoldIt() {
    String kept = Base64.getEncoder().encodeToString("tga-issued-earlier".getBytes(StandardCharsets.UTF_8));
    FakeKubernetesApi.start().putSecret("ai", NAME, Map.of("control-plane-token", kept));
    Secret upgraded = Charts.named(render(Map.of("controlPlane.enabled", true, "secrets.redisUrl", "redis://redis:6379")),
        Secret.class, NAME);
    assertEquals("tga-issued-earlier", decode(upgraded, "control-plane-token"), "an upgrade without the value keeps it");

    List<HasMetadata> own = Charts.parse(Charts.template("gateway",
        List.of(Charts.source("gateway").resolve("ci/control-plane-values.yaml")), Map.of()));
    Container c = gateway(own);
    assertEquals("tollgate-gateway-control-plane", env(c, "TOLLGATE_CONTROL_PLANE_TOKEN").getValueFrom().getSecretKeyRef().getName());
    assertEquals("http://tollgate-control-plane.platform:8090", env(c, "TOLLGATE_CONTROL_PLANE_URL").getValue());
    assertEquals("10000", env(c, "TOLLGATE_CONFIG_POLL_MS").getValue());
    assertFalse(Charts.named(own, Secret.class, NAME).getData().containsKey("control-plane-token"));

    Container example = gateway(renderExample(Map.of("controlPlane.enabled", true)));
    assertEquals("tollgate-gateway-secrets", env(example, "TOLLGATE_CONTROL_PLANE_TOKEN").getValueFrom().getSecretKeyRef().getName(),
        "with secrets.existingSecret, the token is one more key of it");
  }

  @Test
  void followingTheControlPlaneWithoutPlatformModeOrWithTwoTokenSourcesIsRefused() {
    IllegalStateException standalone = assertThrows(IllegalStateException.class, () -> render(Map.of("controlPlane.enabled", true)));
    assertTrue(standalone.getMessage().contains("controlPlane.enabled needs platform mode"), standalone.getMessage());
    IllegalStateException both = assertThrows(IllegalStateException.class, () -> render(Map.of("controlPlane.enabled", true,
        "secrets.redisUrl", "redis://redis:6379", "controlPlane.token", "tga-x", "controlPlane.existingSecret", "mine")));
    assertTrue(both.getMessage().contains("not both"), both.getMessage());
    IllegalStateException nowhere = assertThrows(IllegalStateException.class,
        () -> renderExample(Map.of("controlPlane.enabled", true, "controlPlane.token", "tga-x")));
    assertTrue(nowhere.getMessage().contains("controlPlane.token cannot be stored"), nowhere.getMessage());
  }

  private static String decode(Secret secret, String key) {
    String value = secret.getData().get(key);
    assertNotNull(value, "Secret key " + key);
    return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
  }

}
