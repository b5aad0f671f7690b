package io.tollgate.charts;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The umbrella chart: its vendored subcharts, and that the parts of one release find each other. */
class UmbrellaChartTest {

  private static List<HasMetadata> render(String valuesFile, Map<String, Object> sets) {
    List<Path> files = valuesFile == null ? List.of() : List.of(Charts.source("tollgate").resolve("ci/" + valuesFile));
    return Charts.parse(Charts.template("tollgate", files, sets));
  }

  private static Stream<String> names(List<HasMetadata> objects) {
    return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName());
  }

  @Test
  void dependencyBuildVendorsTheSiblingChartsOffline() throws Exception {
    Path vendored = Charts.chart("tollgate").resolve("charts");
    try (Stream<Path> files = Files.list(vendored)) {
      assertEquals(List.of("analytics-consumer-0.1.0.tgz", "control-plane-0.1.0.tgz", "gateway-0.1.0.tgz", "vllm-0.1.0.tgz"),
          files.map(f -> f.getFileName().toString()).sorted().toList());
    }
    Map<String, Object> chart = Charts.readYaml(Charts.source("tollgate").resolve("Chart.yaml"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> dependencies = (List<Map<String, Object>>) chart.get("dependencies");
    for (Map<String, Object> dependency : dependencies) {
      String repository = (String) dependency.get("repository");
      assertTrue(repository.startsWith("file://../"), "only sibling charts, no chart repository: " + repository);
      Map<String, Object> sibling = Charts.readYaml(Charts.source(repository.substring("file://../".length())).resolve("Chart.yaml"));
      assertEquals(sibling.get("version"), dependency.get("version"), "Chart.yaml pins the sibling's version");
    }
  }

  @Test
  void oneCommandWithDependencyUpdateWorksOfflineOnAFreshCheckout() {
    // `helm install tollgate charts/tollgate --dependency-update`: no packaged subcharts yet, no
    // repository configured (HELM_REPOSITORY_CONFIG points into target/), no network.
    Path fresh = Charts.module().resolve("target/chart-fresh");
    Charts.deleteTree(fresh);
    for (String chart : Charts.ALL) {
      Charts.copyTree(Charts.source(chart), fresh.resolve(chart), Charts.source(chart).resolve("charts"));
    }
    assertFalse(Files.exists(fresh.resolve("tollgate/charts")));
    String rendered = new com.marcnuri.helm.Helm(fresh.resolve("tollgate")).template().withName("tollgate")
        .withKubeVersion(Charts.KUBE_VERSION).dependencyUpdate().call();
    assertTrue(names(Charts.parse(rendered)).anyMatch(n -> n.equals("Deployment/tollgate-gateway")));
  }

  @Test
  void defaultsInstallTheGatewayAndVllm() {
    List<String> names = names(render(null, Map.of())).toList();
    assertTrue(names.contains("Deployment/tollgate-gateway"), names.toString());
    assertTrue(names.contains("StatefulSet/tollgate-vllm"), names.toString());
    assertFalse(names.contains("StatefulSet/tollgate-simulator"));
    assertFalse(names.contains("Deployment/tollgate-analytics-consumer"));
    assertFalse(names.contains("Deployment/tollgate-control-plane"), "needs PostgreSQL and Redis: off by default");
    Container gateway = Charts.named(render(null, Map.of()), Deployment.class, "tollgate-gateway").getSpec().getTemplate()
        .getSpec().getContainers().get(0);
    assertFalse(Workloads.hasEnv(gateway, "TOLLGATE_CONTROL_PLANE_URL"), "the gateways follow no control plane by default");
  }

  @Test
  void platformModeWiresTheGatewaysToTheControlPlaneWithOnePepperAndOneRedisPrefix() {
    List<HasMetadata> objects = render("platform-values.yaml", Map.of());
    Deployment controlPlane = Charts.named(objects, Deployment.class, "tollgate-control-plane");
    Container cp = controlPlane.getSpec().getTemplate().getSpec().getContainers().get(0);
    Container gateway = Charts.named(objects, Deployment.class, "tollgate-gateway").getSpec().getTemplate().getSpec()
        .getContainers().get(0);

    // The gateways' URL names the control plane's Service, on a port that reaches its container.
    URI url = URI.create(Workloads.env(gateway, "TOLLGATE_CONTROL_PLANE_URL").getValue());
    Service service = Charts.named(objects, Service.class, url.getHost());
    assertEquals(controlPlane.getSpec().getSelector().getMatchLabels(), service.getSpec().getSelector());
    var port = service.getSpec().getPorts().stream().filter(p -> p.getPort() == url.getPort()).findFirst()
        .orElseThrow(() -> new AssertionError(url + ": no such Service port"));
    Workloads.containerPort(cp, port.getTargetPort().getStrVal());
    assertEquals("tollgate-gateway", Workloads.env(gateway, "TOLLGATE_CONTROL_PLANE_TOKEN").getValueFrom().getSecretKeyRef().getName());

    // One pepper and one Redis: the control plane reads the very Secret entries the gateways read.
    for (String name : List.of("TOLLGATE_KEY_PEPPER", "TOLLGATE_REDIS_URL")) {
      var theirs = Workloads.env(gateway, name).getValueFrom().getSecretKeyRef();
      var ours = Workloads.env(cp, name).getValueFrom().getSecretKeyRef();
      assertEquals(theirs.getName(), ours.getName(), name);
      assertEquals(theirs.getKey(), ours.getKey(), name);
      assertTrue(Charts.named(objects, Secret.class, ours.getName()).getData().containsKey(ours.getKey()),
          name + ": the release's Secret holds it");
    }
    Map<String, Object> redis = Charts.asMap(Charts.asMap(Charts.yaml().load(
        Charts.named(objects, ConfigMap.class, "tollgate-gateway").getData().get("gateway.yaml"))).get("redis"));
    assertEquals("tollgate", redis.get("keyPrefix"));
    assertEquals(redis.get("keyPrefix"),
        Charts.named(objects, ConfigMap.class, "tollgate-control-plane").getData().get("TOLLGATE_REDIS_PREFIX"));
    assertTrue(names(objects).anyMatch(n -> n.equals("ServiceMonitor/tollgate-control-plane")));
  }

  @Test
  void aControlPlaneThatDoesNotShareTheGatewaysPepperOrRedisIsRefused() {
    IllegalStateException prefix = assertThrows(IllegalStateException.class,
        () -> render("platform-values.yaml", Map.of("control-plane.redis.prefix", "tg")));
    assertTrue(prefix.getMessage().contains("gateway.config.redis.keyPrefix (tollgate) and control-plane.redis.prefix (tg)"),
        prefix.getMessage());
    IllegalStateException noRedis = assertThrows(IllegalStateException.class,
        () -> render(null, Map.of("control-plane.enabled", true)));
    assertTrue(noRedis.getMessage().contains("the gateways have no Redis"), noRedis.getMessage());
    IllegalStateException otherSecret = assertThrows(IllegalStateException.class,
        () -> render("platform-values.yaml", Map.of("gateway.secrets.existingSecret", "my-gateway-secret")));
    assertTrue(otherSecret.getMessage().contains("control-plane.gatewaySecret.name (tollgate-gateway) must name the gateways' Secret (my-gateway-secret)"),
        otherSecret.getMessage());
    assertTrue(names(render("platform-values.yaml", Map.of("gateway.secrets.existingSecret", "my-gateway-secret",
        "control-plane.gatewaySecret.name", "my-gateway-secret"))).anyMatch(n -> n.equals("Deployment/tollgate-control-plane")));
  }

  @ParameterizedTest(name = "with {0}")
  @ValueSource(strings = {"", "example-values.yaml", "platform-values.yaml"})
  void everyGatewayBackendIsAServiceOfTheReleaseServingTheModel(String valuesFile) {
    List<HasMetadata> objects = render(valuesFile.isEmpty() ? null : valuesFile, Map.of());
    Map<String, Object> snapshot = Charts.asMap(Charts.asMap(Charts.yaml().load(
        Charts.named(objects, ConfigMap.class, "tollgate-gateway").getData().get("gateway.yaml"))).get("snapshot"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> backends = (List<Map<String, Object>>) snapshot.get("backends");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> models = (List<Map<String, Object>>) snapshot.get("models");
    assertFalse(backends.isEmpty());
    for (Map<String, Object> backend : backends) {
      URI url = URI.create((String) backend.get("url"));
      StatefulSet server = serverBehind(objects, url.getHost(), url.getPort());
      Container container = server.getSpec().getTemplate().getSpec().getContainers().get(0);
      String served = Workloads.arg(container, "--served-model-name");
      for (Map<String, Object> model : models) {
        @SuppressWarnings("unchecked")
        List<String> pool = (List<String>) model.get("backends");
        if (pool.contains(backend.get("id"))) {
          assertEquals(served, model.getOrDefault("upstreamModel", model.get("name")),
              "model " + model.get("name") + " must be served by backend " + backend.get("id"));
        }
      }
    }
  }

  /** The StatefulSet that a backend host names: its Service, or one replica's headless DNS name. */
  private static StatefulSet serverBehind(List<HasMetadata> objects, String host, int port) {
    List<Service> services = Charts.all(objects, Service.class);
    List<StatefulSet> sets = Charts.all(objects, StatefulSet.class);
    Optional<Service> direct = services.stream().filter(s -> s.getMetadata().getName().equals(host)).findFirst();
    if (direct.isPresent()) {
      Service service = direct.get();
      assertTrue(service.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == port), host + ":" + port + " is a Service port");
      return sets.stream().filter(s -> s.getSpec().getSelector().getMatchLabels().equals(service.getSpec().getSelector()))
          .findFirst().orElseThrow(() -> new AssertionError("Service " + host + " selects no StatefulSet"));
    }
    String[] labels = host.split("\\.");
    assertEquals(2, labels.length, "backend host " + host + " is <service> or <pod>.<headless service>");
    StatefulSet set = sets.stream().filter(s -> s.getSpec().getServiceName().equals(labels[1])).findFirst()
        .orElseThrow(() -> new AssertionError("no StatefulSet governed by headless Service " + labels[1]));
    Service headless = Charts.named(objects, Service.class, labels[1]);
    assertEquals("None", headless.getSpec().getClusterIP());
    String prefix = set.getMetadata().getName() + "-";
    assertTrue(labels[0].startsWith(prefix), host);
    int ordinal = Integer.parseInt(labels[0].substring(prefix.length()));
    assertTrue(ordinal < set.getSpec().getReplicas(), host + " names replica " + ordinal + " of " + set.getSpec().getReplicas());
    assertTrue(headless.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == port), host + ":" + port);
    return set;
  }

  @Test
  void theGpuLessDemoRequestsNoGpu() {
    List<HasMetadata> objects = render("example-values.yaml", Map.of());
    List<String> names = names(objects).toList();
    assertTrue(names.contains("StatefulSet/tollgate-simulator"), names.toString());
    assertFalse(names.contains("StatefulSet/tollgate-vllm"));
    for (Workloads.Workload workload : Workloads.all(objects)) {
      for (Container c : workload.template().getSpec().getContainers()) {
        assertFalse(c.getResources().getLimits().containsKey("nvidia.com/gpu"), workload.name());
      }
    }
  }

  @Test
  void platformModeWiresRabbitMqToTheAnalyticsConsumer() {
    List<HasMetadata> objects = render("platform-values.yaml", Map.of());
    Secret gatewaySecret = Charts.named(objects, Secret.class, "tollgate-gateway");
    assertTrue(gatewaySecret.getData().containsKey("rabbitmq-url"));
    assertTrue(gatewaySecret.getData().containsKey("redis-url"));
    Deployment analytics = Charts.named(objects, Deployment.class, "tollgate-analytics-consumer");
    Container c = analytics.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals("tollgate.usage.events", Workloads.env(c, "TOLLGATE_RABBITMQ_QUEUE").getValue());
    assertTrue(names(objects).anyMatch(n -> n.equals("ServiceMonitor/tollgate-gateway")));
  }

  @Test
  void subchartsThatDoNotFitTogetherAreRefused() {
    IllegalStateException queue = assertThrows(IllegalStateException.class,
        () -> render("platform-values.yaml", Map.of("analytics-consumer.rabbitmq.queue", "other")));
    assertTrue(queue.getMessage().contains("must be the same"), queue.getMessage());
    IllegalStateException noBroker = assertThrows(IllegalStateException.class,
        () -> render(null, Map.of("analytics-consumer.enabled", true)));
    assertTrue(noBroker.getMessage().contains("gateway.secrets.rabbitmqUrl"), noBroker.getMessage());
  }
}
