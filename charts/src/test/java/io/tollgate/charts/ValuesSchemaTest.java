package io.tollgate.charts;

import com.marcnuri.helm.LintResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Invalid values are refused before anything is rendered, by each chart's values.schema.json. */
class ValuesSchemaTest {

  @ParameterizedTest(name = "{0}: {1}={2} is refused")
  @CsvSource({
      "gateway, config.redis.failPolicy, sometimes, failPolicy",
      "gateway, server.port, 70000, port",
      "gateway, replica, 3, replica",
      "gateway, secrets.redisUrl, http://redis:6379, redisUrl",
      "gateway, ingress.streaming.timeoutSeconds, 5, timeoutSeconds",
      "gateway, controlPlane.pollMs, 100, pollMs",
      "gateway, controlPlane.url, control-plane:8090, url",
      "vllm, mode, cpu, mode",
      "vllm, gpu.count, 0, count",
      "vllm, model.gpuMemoryUtilization, 1.5, gpuMemoryUtilization",
      "analytics-consumer, postgres.schema, Drop Table, schema",
      "analytics-consumer, serviceMonitor.interval, often, interval",
      "control-plane, adminTokenTtl, 90 days, adminTokenTtl",
      "control-plane, logFormat, xml, logFormat",
      "control-plane, secrets.databaseUrl, mysql://cp@db:3306/cp, databaseUrl",
      "control-plane, database.schema, Drop Table, schema",
      "control-plane, replicaCount, 0, replicaCount",
      "tollgate, simulator.mode, vllm, mode",
      "tollgate, gateway.config.redis.failPolicy, sometimes, failPolicy",
  })
  void templateRefusesAnInvalidValue(String chart, String key, String value, String named) {
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> Charts.template(chart, List.of(), Map.of(key, value)));
    assertTrue(refused.getMessage().contains("values don't meet the specifications of the schema"), refused.getMessage());
    assertTrue(refused.getMessage().contains(named), refused.getMessage());
  }

  @Test
  void lintRefusesAnInvalidValuesFile() throws IOException {
    Path invalid = Charts.module().resolve("target/invalid-values.yaml");
    Files.writeString(invalid, "config:\n  redis:\n    failPolicy: sometimes\n");
    LintResult result = Charts.lint("gateway", invalid);
    assertTrue(result.isFailed(), "lint passed: " + result.getMessages());
    assertTrue(result.getMessages().stream().anyMatch(m -> m.contains("failPolicy")), result.getMessages().toString());
  }
}
