package io.tollgate.charts;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.tollgate.gateway.config.ConfigException;
import io.tollgate.gateway.config.ConfigLoader;
import io.tollgate.gateway.config.GatewayConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The gateway's own loader (schema, semantic rules, env interpolation, unknown options refused)
 * accepts the config file that the charts render, with the environment the pod gets from the
 * Secret: a chart value that the gateway would refuse at start fails here instead.
 */
class GatewayConfigAcceptedTest {

  @ParameterizedTest(name = "{0} with {1}")
  @CsvSource({
      "gateway, ",
      "gateway, ci/example-values.yaml",
      "tollgate, ",
      "tollgate, ci/example-values.yaml",
      "tollgate, ci/platform-values.yaml",
  })
  void theGatewayAcceptsTheRenderedConfig(String chart, String valuesFile) throws IOException {
    List<Path> files = valuesFile == null ? List.of() : List.of(Charts.source(chart).resolve(valuesFile));
    GatewayConfig config = load(Charts.parse(Charts.template(chart, files, Map.of())), chart + "-" + valuesFile);
    assertTrue(config.snapshot() != null);
  }

  @ParameterizedTest(name = "tracing enabled={0}")
  @CsvSource({"true", "false"})
  void tracingSettingsReachTheGateway(boolean enabled) throws IOException {
    // A values file, not --set: --set keeps 0.25 a string, which the schema refuses.
    Path values = Charts.module().resolve("target/tracing-" + enabled + ".yaml");
    Files.writeString(values, "config:\n  tracing:\n    enabled: " + enabled
        + "\n    sampleRatio: 0.25\n    otlpEndpoint: http://otel:4318/v1/traces\n");
    GatewayConfig config = load(Charts.parse(Charts.template("gateway", List.of(values), Map.of())), "tracing-" + enabled);
    assertEquals(enabled, config.tracing().enabled());
    assertEquals(0.25, config.tracing().sampleRatio());
    assertEquals("http://otel:4318/v1/traces", config.tracing().otlpEndpoint());
  }

  @org.junit.jupiter.api.Test
  void http2SettingsReachTheGateway() throws IOException {
    assertEquals(io.tollgate.frontdoor.Http2Policy.defaults(),
        load(Charts.parse(Charts.template("gateway", List.of(), Map.of())), "http2-defaults").settings().http2());
    Path values = Charts.module().resolve("target/http2.yaml");
    Files.writeString(values, "server:\n  http2: false\n  http2ClearText: true\n  http2MaxConcurrentStreams: 32\n"
        + "  http2MaxResetsPerWindow: 50\n  http2ResetWindowSeconds: 10\n");
    GatewayConfig config = load(Charts.parse(Charts.template("gateway", List.of(values), Map.of())), "http2");
    assertEquals(new io.tollgate.frontdoor.Http2Policy(false, true, 32, 50, 10), config.settings().http2());
  }

  private static GatewayConfig load(List<HasMetadata> objects, String label) throws IOException {
    String text = Charts.named(objects, ConfigMap.class, "tollgate-gateway").getData().get("gateway.yaml");
    Path file = Charts.module().resolve("target/rendered-config/" + label.replaceAll("[^A-Za-z0-9.-]", "_") + ".yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    Map<String, String> env = Map.of("TOLLGATE_KEY_PEPPER", "a-pepper-from-the-secret",
        "TOLLGATE_ADMIN_TOKEN", "a-token-from-the-secret",
        "TOLLGATE_REDIS_URL", "redis://redis:6379", "TOLLGATE_RABBITMQ_URL", "amqp://u:p@mq:5672/");
    try {
      return ConfigLoader.load(file, env);
    } catch (ConfigException e) {
      fail("the gateway refuses the rendered " + file + ": " + e.reasons());
      throw e;
    }
  }
}
