package io.tollgate.controlplane.api;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.controlplane.testsupport.RunningControlPlane.Reply;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** config/openapi/control-plane.yaml and the server agree: every documented operation is served, and the reverse. */
class OpenApiTest {

  @Test
  @SuppressWarnings("unchecked")
  void everyDocumentedOperationIsServed() throws Exception {
    Map<String, Object> doc;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("tollgate-config/openapi/control-plane.yaml")) {
      doc = new Yaml().load(in);
    }
    Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) doc.get("paths");
    List<String> missing = new ArrayList<>();
    int operations = 0;
    java.util.Set<String> served;
    try (RunningControlPlane cp = RunningControlPlane.start()) {
      served = cp.plane.operations();
      assertTrue(served.size() >= 40, served.toString());
      String root = cp.user(cp.bootstrapToken, "root@example.com", true);
      for (var path : paths.entrySet()) {
        String concrete = path.getKey().replaceAll("\\{[^}]+}", "x1");
        for (String method : path.getValue().keySet()) {
          operations++;
          Reply reply = cp.call(HttpMethod.valueOf(method.toUpperCase(Locale.ROOT)), concrete, root, new JsonObject());
          if ((reply.status() == 404 && reply.body().contains("route /api/")) || reply.status() == 405) {
            missing.add(method + " " + path.getKey());
          }
        }
      }
    }
    assertTrue(missing.isEmpty(), "documented but not served: " + missing);
    java.util.Set<String> documented = new java.util.TreeSet<>();
    paths.forEach((path, methods) -> methods.keySet().forEach(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + path)));
    java.util.Set<String> undocumented = new java.util.TreeSet<>(served);
    undocumented.removeAll(documented);
    assertTrue(undocumented.isEmpty(), "served but not documented: " + undocumented);
    assertTrue(operations >= 40, "operations: " + operations);
  }
}
