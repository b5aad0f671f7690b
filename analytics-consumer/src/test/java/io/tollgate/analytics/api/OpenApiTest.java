package io.tollgate.analytics.api;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** config/openapi/analytics.yaml names exactly the endpoints and error codes the server has. */
class OpenApiTest {

  @SuppressWarnings("unchecked")
  private static Map<String, Object> document() throws Exception {
    try (InputStream in = OpenApiTest.class.getClassLoader().getResourceAsStream("tollgate-config/openapi/analytics.yaml")) {
      return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theFileDescribesTheServedEndpoints() throws Exception {
    Map<String, Object> paths = (Map<String, Object>) document().get("paths");
    assertEquals(new TreeSet<>(List.of("/health", "/ready", "/v1/orgs/{org}/usage", "/v1/orgs/{org}/usage/export",
        "/v1/orgs/{org}/statements/{month}", "/v1/orgs/{org}/usage/last-used",
        "/v1/reliability")), new TreeSet<>(paths.keySet()));
    String text = new String(OpenApiTest.class.getClassLoader()
        .getResourceAsStream("tollgate-config/openapi/analytics.yaml").readAllBytes());
    for (String code : List.of("missing_token", "invalid_token", "missing_parameter", "invalid_parameter",
        "invalid_range", "invalid_granularity", "invalid_group_by", "unaligned_range", "unknown_org", "not_found",
        "invalid_month", "invalid_format")) {
      assertTrue(text.contains(code), "error code documented: " + code);
    }
    for (String column : StatementEndpoint.CSV_COLUMNS) {
      assertTrue(text.contains(column), "statement CSV column documented: " + column);
    }
    for (String column : CsvExport.COLUMNS) {
      assertTrue(text.contains(column), "CSV column documented: " + column);
    }
  }
}
