package io.tollgate.charts;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.tollgate.gateway.config.ConfigLoader;
import io.tollgate.gateway.config.GatewayTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS in the charts (ADR 14): each service's pod serves HTTPS from a Secret mounted as files (not a
 * subPath, so a renewed Secret reaches the running pod), optionally made by a cert-manager
 * Certificate for the Service's names; probes and scrapes follow; the Ingresses (the gateway's, the
 * control plane's for its API and portal) get their certificates from cert-manager and speak HTTPS
 * to a TLS pod. Off by default: nothing of it renders.
 */
class TlsChartTest {

  private static final String MOUNT = "/etc/tollgate-tls";

  @AfterEach
  void noSecretInTheCluster() {
    FakeKubernetesApi.start().clearSecrets();
  }

  private static List<HasMetadata> render(String chart, Map<String, Object> sets) {
    return Charts.parse(Charts.template(chart, List.of(), sets));
  }

  private static Map<String, Object> tlsWithCertManager() {
    Map<String, Object> sets = new HashMap<>();
    sets.put("tls.enabled", true);
    sets.put("tls.certManager.enabled", true);
    sets.put("tls.certManager.issuerRef.name", "internal-ca");
    sets.put("tls.certManager.dnsNames[0]", "tollgate.internal.example.com");
    return sets;
  }

  private static PodSpec pod(List<HasMetadata> objects) {
    return Charts.one(objects, Deployment.class).getSpec().getTemplate().getSpec();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"gateway, tollgate-gateway", "control-plane, tollgate-control-plane",
      "analytics-consumer, tollgate-analytics-consumer"})
  void offByDefaultNothingOfTlsRenders(String chart, String name) {
    List<HasMetadata> objects = render(chart, Map.of());
    assertTrue(objects.stream().noneMatch(o -> o.getKind().equals("Certificate")), "no Certificate");
    PodSpec pod = pod(objects);
    assertTrue(pod.getVolumes().stream().noneMatch(v -> v.getName().equals("tls")), "no TLS volume");
    Container container = pod.getContainers().get(0);
    assertNull(container.getReadinessProbe().getHttpGet().getScheme(), "plain HTTP probes");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"gateway, tollgate-gateway", "control-plane, tollgate-control-plane",
      "analytics-consumer, tollgate-analytics-consumer"})
  void thePodServesHttpsFromACertManagerSecretMountedAsFiles(String chart, String name) {
    List<HasMetadata> objects = render(chart, tlsWithCertManager());

    GenericKubernetesResource certificate = (GenericKubernetesResource) objects.stream()
        .filter(o -> o.getKind().equals("Certificate")).findFirst().orElseThrow();
    assertEquals("cert-manager.io/v1", certificate.getApiVersion());
    Map<String, Object> spec = Charts.asMap(certificate.getAdditionalProperties().get("spec"));
    assertEquals(name + "-tls", spec.get("secretName"));
    assertEquals(List.of(name, name + ".ai", name + ".ai.svc", name + ".ai.svc.cluster.local",
        "tollgate.internal.example.com"), spec.get("dnsNames"), "the Service's names, in-cluster callers verify them");
    assertEquals(Map.of("name", "internal-ca", "kind", "ClusterIssuer", "group", "cert-manager.io"), spec.get("issuerRef"));
    assertEquals("PKCS8", Charts.asMap(spec.get("privateKey")).get("encoding"), "a key the services read");

    PodSpec pod = pod(objects);
    Volume tls = pod.getVolumes().stream().filter(v -> v.getName().equals("tls")).findFirst().orElseThrow();
    assertEquals(name + "-tls", tls.getSecret().getSecretName());
    Container container = pod.getContainers().get(0);
    VolumeMount mount = container.getVolumeMounts().stream().filter(m -> m.getName().equals("tls")).findFirst()
        .orElseThrow();
    assertEquals(MOUNT, mount.getMountPath());
    assertNull(mount.getSubPath(), "a subPath mount would never see the renewed Secret");
    for (var probe : List.of(container.getStartupProbe(), container.getLivenessProbe(), container.getReadinessProbe())) {
      if (probe != null) {
        assertEquals("HTTPS", probe.getHttpGet().getScheme());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"control-plane, TOLLGATE_CONTROL_PLANE", "analytics-consumer, TOLLGATE_ANALYTICS"})
  void theServicesReadTheirTlsFilesFromTheirVariables(String chart, String prefix) {
    Container container = pod(render(chart, Map.of("tls.enabled", true, "tls.reloadIntervalMs", 5000)))
        .getContainers().get(0);
    assertEquals(MOUNT + "/tls.crt", Workloads.env(container, prefix + "_TLS_CERT_FILE").getValue());
    assertEquals(MOUNT + "/tls.key", Workloads.env(container, prefix + "_TLS_KEY_FILE").getValue());
    assertEquals("true", Workloads.env(container, prefix + "_TLS_REQUIRED").getValue());
    assertEquals("5000", Workloads.env(container, prefix + "_TLS_RELOAD_INTERVAL_MS").getValue());
  }

  @Test
  void theGatewayAcceptsTheRenderedTlsSectionWithAdminClientCertificatesAndABackendCa() throws Exception {
    List<HasMetadata> objects = render("gateway", Map.of("tls.enabled", true, "tls.adminClientCa", true,
        "tls.backendCaSecret", "vllm-ca", "serviceMonitor.enabled", true,
        "serviceMonitor.tlsConfig.serverName", "tollgate-gateway"));
    String text = Charts.named(objects, ConfigMap.class, "tollgate-gateway").getData().get("gateway.yaml");
    Path file = Charts.module().resolve("target/rendered-config/tls.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    GatewayTls tls = ConfigLoader.load(file, Map.of("TOLLGATE_KEY_PEPPER", "p", "TOLLGATE_ADMIN_TOKEN", "t"))
        .settings().tls();
    assertEquals(MOUNT + "/tls.crt", tls.dataPlane().certFile());
    assertTrue(tls.dataPlane().required(), "a TLS pod never falls back to plain HTTP");
    assertEquals(MOUNT + "/ca.crt", tls.admin().clientCaFile());
    assertEquals("/etc/tollgate-backend-ca/ca.crt", tls.backendCaFile());

    PodSpec pod = pod(objects);
    Volume backendCa = pod.getVolumes().stream().filter(v -> v.getName().equals("backend-ca")).findFirst().orElseThrow();
    assertEquals("vllm-ca", backendCa.getSecret().getSecretName());

    GenericKubernetesResource monitor = (GenericKubernetesResource) objects.stream()
        .filter(o -> o.getKind().equals("ServiceMonitor")).findFirst().orElseThrow();
    Map<String, Object> endpoint = Charts.asMap(((List<?>) Charts.asMap(monitor.getAdditionalProperties().get("spec"))
        .get("endpoints")).get(0));
    assertEquals("https", endpoint.get("scheme"));
    assertEquals(Map.of("serverName", "tollgate-gateway"), endpoint.get("tlsConfig"));
  }

  @Test
  void gatewaysFollowAnHttpsControlPlaneTrustingItsCa() {
    PodSpec pod = pod(render("gateway", Map.of("controlPlane.enabled", true, "secrets.redisUrl", "redis://redis:6379",
        "controlPlane.url", "https://tollgate-control-plane:8090", "controlPlane.caSecret", "tollgate-control-plane-tls")));
    Container container = pod.getContainers().get(0);
    assertEquals("https://tollgate-control-plane:8090", Workloads.env(container, "TOLLGATE_CONTROL_PLANE_URL").getValue());
    assertEquals("/etc/tollgate-control-plane-ca/ca.crt",
        Workloads.env(container, "TOLLGATE_CONTROL_PLANE_CA_FILE").getValue());
    Volume ca = pod.getVolumes().stream().filter(v -> v.getName().equals("control-plane-ca")).findFirst().orElseThrow();
    assertEquals("tollgate-control-plane-tls", ca.getSecret().getSecretName());
    assertTrue(container.getVolumeMounts().stream().anyMatch(m -> m.getName().equals("control-plane-ca")
        && m.getMountPath().equals("/etc/tollgate-control-plane-ca")));
  }

  @Test
  void theControlPlaneHasAnIngressForItsApiAndPortalWithCertManagerTls() {
    assertTrue(Charts.all(render("control-plane", Map.of()), Ingress.class).isEmpty(), "off by default");
    Map<String, Object> sets = new HashMap<>();
    sets.put("ingress.enabled", true);
    sets.put("ingress.certManager.clusterIssuer", "letsencrypt");
    sets.put("ingress.hosts[0].host", "admin.example.com");
    sets.put("ingress.hosts[0].paths[0].path", "/");
    sets.put("ingress.hosts[0].paths[0].pathType", "Prefix");
    sets.put("ingress.hosts[1].host", "portal.example.com");
    sets.put("ingress.hosts[1].paths[0].path", "/");
    sets.put("ingress.hosts[1].paths[0].pathType", "Prefix");
    sets.put("ingress.tls[0].secretName", "admin-example-com-tls");
    sets.put("ingress.tls[0].hosts[0]", "admin.example.com");
    sets.put("ingress.tls[0].hosts[1]", "portal.example.com");
    Ingress ingress = Charts.one(render("control-plane", sets), Ingress.class);
    assertEquals("letsencrypt", ingress.getMetadata().getAnnotations().get("cert-manager.io/cluster-issuer"));
    assertFalse(ingress.getMetadata().getAnnotations().containsKey("nginx.ingress.kubernetes.io/backend-protocol"),
        "a plain pod is reached over HTTP");
    assertEquals(List.of("admin.example.com", "portal.example.com"), ingress.getSpec().getTls().get(0).getHosts());
    assertEquals(List.of("admin.example.com", "portal.example.com"),
        ingress.getSpec().getRules().stream().map(rule -> rule.getHost()).toList());
    var backend = ingress.getSpec().getRules().get(1).getHttp().getPaths().get(0).getBackend().getService();
    assertEquals("tollgate-control-plane", backend.getName());
    assertEquals("http", backend.getPort().getName());

    sets.put("tls.enabled", true);
    Ingress toTlsPod = Charts.one(render("control-plane", sets), Ingress.class);
    assertEquals("HTTPS", toTlsPod.getMetadata().getAnnotations().get("nginx.ingress.kubernetes.io/backend-protocol"));
    Ingress gateway = Charts.one(render("gateway", Map.of("ingress.enabled", true, "tls.enabled", true)), Ingress.class);
    assertEquals("HTTPS", gateway.getMetadata().getAnnotations().get("nginx.ingress.kubernetes.io/backend-protocol"));
  }
}
