package io.tollgate.charts;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.tollgate.controlplane.config.ControlPlaneSettings;
import io.tollgate.gateway.config.sync.ConfigSyncSettings;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The environment the umbrella chart gives its pods, read by the services' own settings parsers:
 * the control plane starts with it (every required variable, formats it accepts), and the
 * gateways' follower points at the control plane's Service and port. A renamed variable or a
 * wrong port in a template fails here, not in a cluster.
 */
class ControlPlaneWiringTest {

  private static final List<HasMetadata> PLATFORM = Charts.parse(Charts.template("tollgate",
      List.of(Charts.source("tollgate").resolve("ci/platform-values.yaml")), Map.of()));

  /** A container's environment as the kubelet builds it from the rendered objects. */
  private static Map<String, String> environment(Container container) {
    Map<String, String> env = new HashMap<>();
    if (container.getEnvFrom() != null) {
      for (EnvFromSource from : container.getEnvFrom()) {
        if (from.getConfigMapRef() != null) {
          env.putAll(Charts.named(PLATFORM, ConfigMap.class, from.getConfigMapRef().getName()).getData());
        }
      }
    }
    for (EnvVar var : container.getEnv()) {
      if (var.getValue() != null) {
        env.put(var.getName(), var.getValue());
      } else if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
        String value = secretValue(var.getValueFrom().getSecretKeyRef().getName(), var.getValueFrom().getSecretKeyRef().getKey());
        if (value != null) {
          env.put(var.getName(), value);
        } else {
          assertTrue(Boolean.TRUE.equals(var.getValueFrom().getSecretKeyRef().getOptional()),
              var.getName() + " names a key no rendered Secret has, and is not optional");
        }
      } else if (var.getValueFrom() != null && var.getValueFrom().getConfigMapKeyRef() != null) {
        env.put(var.getName(), Charts.named(PLATFORM, ConfigMap.class, var.getValueFrom().getConfigMapKeyRef().getName())
            .getData().get(var.getValueFrom().getConfigMapKeyRef().getKey()));
      }
    }
    return env;
  }

  private static String secretValue(String name, String key) {
    for (Secret secret : Charts.all(PLATFORM, Secret.class)) {
      if (!secret.getMetadata().getName().equals(name)) {
        continue;
      }
      if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
        return secret.getStringData().get(key);
      }
      if (secret.getData() != null && secret.getData().containsKey(key)) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static Container container(String deployment) {
    return Charts.named(PLATFORM, Deployment.class, deployment).getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  @Test
  void theControlPlaneStartsWithTheEnvironmentItsPodGets() {
    Container container = container("tollgate-control-plane");
    ControlPlaneSettings settings = ControlPlaneSettings.fromEnv(environment(container));
    int containerPort = container.getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst()
        .orElseThrow().getContainerPort();
    assertEquals(containerPort, settings.port(), "it listens where the probes and the Service look");
    assertEquals("tollgate", settings.redisPrefix(), "the gateways' keyPrefix of the platform values");
    assertEquals(Duration.ofDays(90), settings.adminTokenTtl());
    assertTrue(settings.databaseUrl().startsWith("postgresql://"), settings.databaseUrl());
    assertEquals("/ready", container.getReadinessProbe().getHttpGet().getPath());
    assertEquals(List.of("hooks.slack.com"), settings.alerts().webhooks().hosts(), "webhook egress as the values say");
    assertEquals("smtp-relay.mail.svc.cluster.local", settings.alerts().smtp().host());
    assertEquals("REQUIRED", settings.alerts().smtp().startTls());
  }

  @Test
  void theGatewaysFollowTheControlPlaneServiceWithTheSamePepper() {
    Map<String, String> gateway = environment(container("tollgate-gateway"));
    ConfigSyncSettings sync = ConfigSyncSettings.fromEnv(gateway);
    assertNotNull(sync, "TOLLGATE_CONTROL_PLANE_URL is set");
    Service service = Charts.named(PLATFORM, Service.class, "tollgate-control-plane");
    String host = sync.controlPlaneUrl().getHost();
    assertTrue(host.equals(service.getMetadata().getName()) || host.startsWith(service.getMetadata().getName() + "."),
        "the gateways call the control plane's Service: " + sync.controlPlaneUrl());
    List<Integer> ports = service.getSpec().getPorts().stream().map(ServicePort::getPort).toList();
    assertTrue(ports.contains(sync.controlPlaneUrl().getPort()), "on a port the Service has: " + ports);
    assertTrue(sync.pollIntervalMs() > 0);

    Map<String, String> controlPlane = environment(container("tollgate-control-plane"));
    assertEquals(gateway.get("TOLLGATE_KEY_PEPPER"), controlPlane.get("TOLLGATE_KEY_PEPPER"),
        "key hashes made by the control plane match at the gateways only under the same pepper");
    assertEquals(gateway.get("TOLLGATE_REDIS_URL"), controlPlane.get("TOLLGATE_REDIS_URL"));
  }
}
