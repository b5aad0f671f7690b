package io.tollgate.charts;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every chart, with its default values and with each values file in its ci/ folder: {@code helm
 * lint --strict} (values checked against values.schema.json), {@code helm template}, every
 * rendered document a Kubernetes object with only fields the API defines, and the guarantees
 * every workload keeps whatever the values: non-root, read-only root filesystem, no capabilities,
 * seccomp, resource requests, HTTP probes on a declared port, no secret in a ConfigMap.
 */
class ChartRenderingTest {

  static Stream<Arguments> variants() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String chart : Charts.ALL) {
      out.add(Arguments.of(chart, "default values", null));
      Path ci = Charts.source(chart).resolve("ci");
      assertTrue(Files.isRegularFile(ci.resolve("example-values.yaml")), chart + " has no ci/example-values.yaml");
      try (Stream<Path> files = Files.list(ci)) {
        files.filter(f -> f.toString().endsWith(".yaml")).sorted()
            .forEach(f -> out.add(Arguments.of(chart, "ci/" + f.getFileName(), f)));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} with {1}: helm lint --strict passes")
  @MethodSource("variants")
  void lintStrictPasses(String chart, String label, Path values) {
    LintResult result = Charts.lint(chart, values);
    assertFalse(result.isFailed(), () -> "helm lint --strict " + chart + " (" + label + "): " + result.getMessages());
    assertTrue(result.getMessages().stream().noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]")),
        () -> "lint messages: " + result.getMessages());
  }

  @ParameterizedTest(name = "{0} with {1}: renders Kubernetes objects with known fields only")
  @MethodSource("variants")
  void rendersValidObjects(String chart, String label, Path values) {
    List<HasMetadata> objects = render(chart, values);
    assertFalse(objects.isEmpty());
    for (HasMetadata object : objects) {
      String id = object.getKind() + "/" + object.getMetadata().getName();
      assertNotNull(object.getApiVersion(), id);
      assertTrue(object.getMetadata().getName().matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?"), id + ": name");
      List<String> unknown = StrictModel.unknownFields(object);
      assertTrue(unknown.isEmpty(), () -> id + " has fields the Kubernetes API does not define: " + unknown);
      assertEquals("tollgate", object.getMetadata().getLabels().get("app.kubernetes.io/part-of"), id + ": part-of label");
    }
    long distinct = objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).distinct().count();
    assertEquals(objects.size(), distinct, "two objects of the same kind and name");
  }

  @ParameterizedTest(name = "{0} with {1}: workloads run locked down with requests and probes")
  @MethodSource("variants")
  void workloadsAreLockedDown(String chart, String label, Path values) {
    List<Workloads.Workload> workloads = Workloads.all(render(chart, values));
    assertFalse(workloads.isEmpty(), "no workload");
    for (Workloads.Workload workload : workloads) {
      var spec = workload.template().getSpec();
      String id = workload.name();
      PodSecurityContext pod = spec.getSecurityContext();
      assertEquals(Boolean.TRUE, pod.getRunAsNonRoot(), id + ": pod runAsNonRoot");
      assertEquals("RuntimeDefault", pod.getSeccompProfile().getType(), id + ": pod seccomp");
      assertEquals(Boolean.FALSE, spec.getAutomountServiceAccountToken(), id + ": no API token mounted");
      assertTrue(spec.getTerminationGracePeriodSeconds() > 0, id);
      for (Container c : spec.getContainers()) {
        String where = id + " container " + c.getName();
        SecurityContext sc = c.getSecurityContext();
        assertEquals(Boolean.TRUE, sc.getRunAsNonRoot(), where + ": runAsNonRoot");
        assertEquals(Boolean.TRUE, sc.getReadOnlyRootFilesystem(), where + ": readOnlyRootFilesystem");
        assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation(), where + ": allowPrivilegeEscalation");
        assertEquals(List.of("ALL"), sc.getCapabilities().getDrop(), where + ": capabilities.drop");
        assertTrue(sc.getCapabilities().getAdd() == null || sc.getCapabilities().getAdd().isEmpty(), where + ": capabilities.add");
        assertEquals("RuntimeDefault", sc.getSeccompProfile().getType(), where + ": seccomp");
        var resources = c.getResources();
        assertNotNull(resources.getRequests().get("cpu"), where + ": cpu request");
        assertNotNull(resources.getRequests().get("memory"), where + ": memory request");
        assertNotNull(resources.getLimits().get("memory"), where + ": memory limit");
        for (Probe probe : new Probe[] {c.getReadinessProbe(), c.getLivenessProbe(), c.getStartupProbe()}) {
          assertNotNull(probe, where + ": readiness, liveness and startup probes");
          String port = probe.getHttpGet().getPort().getStrVal();
          assertTrue(c.getPorts().stream().anyMatch(p -> port.equals(p.getName())), where + ": probe port " + port + " declared");
        }
        // The root filesystem is read-only: /tmp must be a writable volume.
        String tmpVolume = c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/tmp")).findFirst()
            .orElseThrow(() -> new AssertionError(where + ": no /tmp mount")).getName();
        Volume tmp = spec.getVolumes().stream().filter(v -> v.getName().equals(tmpVolume)).findFirst().orElseThrow();
        assertNotNull(tmp.getEmptyDir(), where + ": /tmp is an emptyDir");
        assertNotNull(tmp.getEmptyDir().getSizeLimit(), where + ": /tmp has a size limit");
      }
    }
  }

  @ParameterizedTest(name = "{0} with {1}: no Secret value appears outside its Secret")
  @MethodSource("variants")
  void secretsStayInSecrets(String chart, String label, Path values) {
    List<HasMetadata> objects = render(chart, values);
    List<String> secretValues = new ArrayList<>();
    for (Secret secret : Charts.all(objects, Secret.class)) {
      if (secret.getData() != null) {
        secret.getData().values().forEach(v -> secretValues.add(new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
      }
      assertTrue(secret.getStringData() == null || secret.getStringData().isEmpty(), "stringData shows secrets in plain text");
    }
    for (ConfigMap map : Charts.all(objects, ConfigMap.class)) {
      for (Map.Entry<String, String> entry : map.getData().entrySet()) {
        for (String secret : secretValues) {
          if (secret.length() >= 8 && entry.getValue().contains(secret)) {
            fail("ConfigMap " + map.getMetadata().getName() + " key " + entry.getKey() + " holds a Secret's value");
          }
        }
        assertFalse(entry.getValue().matches("(?s).*://[^/\\s:@]+:[^/\\s@]+@.*"),
            "ConfigMap " + map.getMetadata().getName() + " holds a URL with a password");
      }
    }
    for (Workloads.Workload workload : Workloads.all(objects)) {
      for (Container c : workload.template().getSpec().getContainers()) {
        if (c.getEnv() == null) {
          continue;
        }
        c.getEnv().stream().filter(e -> e.getValue() != null).forEach(e -> {
          for (String secret : secretValues) {
            assertFalse(secret.length() >= 8 && e.getValue().contains(secret),
                workload.name() + ": env " + e.getName() + " holds a Secret's value in plain text");
          }
        });
      }
    }
  }

  private static List<HasMetadata> render(String chart, Path values) {
    return Charts.parse(Charts.template(chart, values == null ? List.of() : List.of(values), Map.of()));
  }
}
