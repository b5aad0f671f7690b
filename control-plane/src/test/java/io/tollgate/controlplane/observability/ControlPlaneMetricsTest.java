package io.tollgate.controlplane.observability;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.controlplane.testsupport.RunningControlPlane.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /metrics}: every control-plane metric of config/metrics.md, with the labels and values API calls imply. */
class ControlPlaneMetricsTest {

  private static final String REQUESTS = "tollgate_control_plane_http_requests_total";
  private static final String DURATION = "tollgate_control_plane_http_request_duration_seconds";
  private static final String VERSION = "tollgate_control_plane_config_version";
  private static final String PUBLICATIONS = "tollgate_control_plane_config_publications_total";
  private static final String KEY_WRITES = "tollgate_control_plane_key_record_writes_total";
  private static final String AUDIT_ROWS = "tollgate_control_plane_audit_rows_total";
  private static final String DEPENDENCY_UP = "tollgate_control_plane_dependency_up";
  private static final String POOL = "tollgate_control_plane_db_pool_connections";

  @Test
  void apiCallsShowUpByRouteTemplateStatusAndOutcome() throws Exception {
    try (RunningControlPlane cp = RunningControlPlane.start()) {
      double auditBefore = Scrape.of(cp).valueOrZero(AUDIT_ROWS);
      String root = cp.user(cp.bootstrapToken, "root@example.com", true);
      assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "acme")).status());
      assertEquals(201, cp.post("/api/v1/backends", root, new JsonObject().put("id", "b1")
          .put("url", "http://10.0.0.1:8000")).status());
      assertEquals(201, cp.post("/api/v1/models", root, new JsonObject().put("name", "meta/llama-8b")
          .put("prices", new JsonObject().put("promptPerMillion", 0.1).put("completionPerMillion", 0.2))).status());
      assertEquals(201, cp.post("/api/v1/routes", root, new JsonObject().put("model", "meta/llama-8b")
          .put("backends", new JsonArray().add("b1"))).status());
      assertEquals(200, cp.get("/api/v1/models/meta/llama-8b", root).status());
      Reply key = cp.post("/api/v1/orgs/acme/keys", root, new JsonObject().put("id", "ci"));
      assertEquals(201, key.status(), key.body());
      assertEquals(200, cp.post("/api/v1/orgs/acme/keys/ci/revoke", root, new JsonObject()).status());
      assertEquals(200, cp.get("/api/v1/orgs/acme/keys", root).status());
      assertEquals(401, cp.get("/api/v1/orgs", "wrong-token").status());
      assertEquals(404, cp.get("/api/v1/no/such/route", root).status());
      assertEquals(404, cp.get("/favicon.ico", null).status());
      long latest = cp.get("/api/v1/config/snapshots/latest", root).json().getLong("version");

      Scrape scrape = Scrape.until(cp, s -> s.valueOrZero(REQUESTS, "method", "GET", "route", "unmatched",
          "status", "404") >= 2);

      // Requests: by route template, never by raw path.
      assertEquals(1.0, scrape.value(REQUESTS, "method", "POST", "route", "/api/v1/orgs", "status", "201"), scrape.text());
      assertEquals(1.0, scrape.value(REQUESTS, "method", "POST", "route", "/api/v1/orgs/{org}/keys", "status", "201"));
      assertEquals(1.0, scrape.value(REQUESTS, "method", "POST", "route", "/api/v1/orgs/{org}/keys/{id}/revoke",
          "status", "200"));
      assertEquals(1.0, scrape.value(REQUESTS, "method", "GET", "route", "/api/v1/models/{id}", "status", "200"));
      assertEquals(1.0, scrape.value(REQUESTS, "method", "GET", "route", "/api/v1/orgs", "status", "401"));
      assertEquals(2.0, scrape.value(REQUESTS, "method", "GET", "route", "unmatched", "status", "404"));
      Set<String> routes = scrape.labelValues(REQUESTS, "route");
      Set<String> allowed = new TreeSet<>(List.of("unmatched", "/health", "/ready", "/metrics"));
      cp.plane.operations().forEach(operation -> allowed.add(operation.substring(operation.indexOf(' ') + 1)));
      assertTrue(allowed.containsAll(routes), "route labels are templates: " + routes);
      assertFalse(scrape.text().contains("acme") || scrape.text().contains("llama"), "no path values in labels");

      // The histogram of the same requests.
      assertEquals(1.0, scrape.value(DURATION + "_count", "method", "POST", "route", "/api/v1/orgs"));
      assertEquals(1.0, scrape.value(DURATION + "_bucket", "method", "POST", "route", "/api/v1/orgs", "le", "+Inf"));
      assertTrue(scrape.value(DURATION + "_sum", "method", "POST", "route", "/api/v1/orgs") > 0);
      assertNotNull(scrape.value(DURATION + "_max", "method", "POST", "route", "/api/v1/orgs"));

      // Config versions: the gauge is the latest, each announced once on Redis.
      assertTrue(latest >= 2, "the backend and the route each made a version: " + latest);
      assertEquals((double) latest, scrape.value(VERSION));
      assertEquals((double) latest, scrape.value(PUBLICATIONS, "outcome", "published"));
      assertEquals(0.0, scrape.value(PUBLICATIONS, "outcome", "failed"));

      // Key records: the created key's, then its revocation.
      assertEquals(1.0, scrape.value(KEY_WRITES, "kind", "record", "outcome", "written"));
      assertEquals(1.0, scrape.value(KEY_WRITES, "kind", "revocation", "outcome", "written"));
      assertEquals(0.0, scrape.value(KEY_WRITES, "kind", "record", "outcome", "failed"));
      assertEquals(0.0, scrape.value(KEY_WRITES, "kind", "revocation", "outcome", "failed"));

      // Audit rows: the user, org, catalogue, key and revocation rows (process-wide, so at least these).
      long rows = cp.schema.count("SELECT count(*) FROM $S.audit_log");
      assertTrue(rows >= 7, "audit rows: " + rows);
      assertTrue(scrape.value(AUDIT_ROWS) - auditBefore >= rows, scrape.value(AUDIT_ROWS) + " - " + auditBefore);

      assertEquals(1.0, scrape.value(DEPENDENCY_UP, "dependency", "postgresql"));
      assertEquals(1.0, scrape.value(DEPENDENCY_UP, "dependency", "redis"));
      assertTrue(scrape.value(POOL) >= 1, "the pool has connections");
      for (String jvm : List.of("jvm_memory_used_bytes", "jvm_threads_live_threads", "process_cpu_usage",
          "process_uptime_seconds", "system_cpu_count")) {
        assertTrue(scrape.names().contains(jvm), jvm);
      }
    }
  }

  @Test
  void theConfigVersionGaugeFollowsACatalogueChange() throws Exception {
    try (RunningControlPlane cp = RunningControlPlane.start()) {
      String root = cp.user(cp.bootstrapToken, "root@example.com", true);
      assertEquals(201, cp.post("/api/v1/backends", root, new JsonObject().put("id", "b1")
          .put("url", "http://10.0.0.1:8000")).status());
      long first = cp.get("/api/v1/config/snapshots/latest", root).json().getLong("version");
      assertEquals((double) first, Scrape.of(cp).value(VERSION));

      assertEquals(201, cp.post("/api/v1/backends", root, new JsonObject().put("id", "b2")
          .put("url", "http://10.0.0.2:8000")).status());
      long next = cp.get("/api/v1/config/snapshots/latest", root).json().getLong("version");
      assertEquals(first + 1, next);
      Scrape scrape = Scrape.of(cp);
      assertEquals((double) next, scrape.value(VERSION));
      assertEquals((double) next, scrape.value(PUBLICATIONS, "outcome", "published"));
    }
  }

  @Test
  void failedAnnouncementsAndKeyWritesAreCountedWhenRedisIsAway() throws Exception {
    try (RunningControlPlane cp = RunningControlPlane.start("redis://127.0.0.1:1")) {
      String root = cp.user(cp.bootstrapToken, "root@example.com", true);
      // Config announcements are best effort: stored, counted as failed.
      assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "acme")).status());
      assertEquals(503, cp.post("/api/v1/orgs/acme/keys", root, new JsonObject().put("id", "k")).status());

      long latest = cp.get("/api/v1/config/snapshots/latest", root).json().getLong("version");

      Scrape scrape = Scrape.until(cp, s -> s.valueOrZero(REQUESTS, "method", "POST", "route",
          "/api/v1/orgs/{org}/keys", "status", "503") == 1);
      assertEquals((double) latest, scrape.value(VERSION), "stored, so the gateways' next poll finds it");
      assertEquals(0.0, scrape.value(PUBLICATIONS, "outcome", "published"));
      assertEquals((double) latest, scrape.value(PUBLICATIONS, "outcome", "failed"));
      assertEquals(1.0, scrape.value(KEY_WRITES, "kind", "record", "outcome", "failed"));
      assertEquals(0.0, scrape.value(KEY_WRITES, "kind", "record", "outcome", "written"));
      assertEquals(1.0, scrape.value(REQUESTS, "method", "POST", "route", "/api/v1/orgs/{org}/keys", "status", "503"),
          scrape.text());
    }
  }

  /** The names config/metrics.md documents for the control plane are the ones served. */
  @Test
  void everyDocumentedMetricIsServed() throws Exception {
    List<String> documented = documented();
    assertTrue(documented.size() >= 8, "config/metrics.md lists the control plane's metrics: " + documented);
    try (RunningControlPlane cp = RunningControlPlane.start()) {
      String root = cp.user(cp.bootstrapToken, "root@example.com", true);
      assertEquals(200, cp.get("/api/v1/me", root).status());
      Set<String> served = Scrape.until(cp, s -> s.names().contains(DURATION + "_bucket")).names();
      for (String name : documented) {
        boolean histogram = served.contains(name + "_bucket") && served.contains(name + "_count")
            && served.contains(name + "_sum") && served.contains(name + "_max");
        assertTrue(served.contains(name) || histogram, name + " is documented but not served: " + served);
      }
      List<String> undocumented = new ArrayList<>();
      for (String name : served) {
        String base = name.replaceAll("_(bucket|count|sum|max)$", "");
        if (name.startsWith("tollgate_") && !documented.contains(name) && !documented.contains(base)) {
          undocumented.add(name);
        }
      }
      assertTrue(undocumented.isEmpty(), "served but not in config/metrics.md: " + undocumented);
    }
  }

  /**
   * The metric names of the control plane's table in config/metrics.md (the first table after its
   * heading). A row may name several in its first cell, a later one by its last part only:
   * {@code `tollgate_http_connections_open`, `_limit`} is also {@code tollgate_http_connections_limit}.
   */
  private static List<String> documented() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("../config/metrics.md"));
    int at = lines.indexOf("## Control plane");
    assertTrue(at >= 0, "config/metrics.md has a '## Control plane' section");
    while (at < lines.size() && !lines.get(at).startsWith("|")) {
      at++;
    }
    List<String> names = new ArrayList<>();
    Pattern name = Pattern.compile("`(tollgate_[a-z0-9_]+|_[a-z0-9_]+)`");
    for (; at < lines.size() && lines.get(at).startsWith("|"); at++) {
      String[] cells = lines.get(at).split("\\|");
      Matcher m = name.matcher(cells.length > 1 ? cells[1] : "");
      String previous = null;
      while (m.find()) {
        String found = m.group(1);
        if (found.startsWith("_")) {
          if (previous == null) {
            continue;
          }
          found = previous.substring(0, previous.lastIndexOf('_')) + found;
        }
        names.add(found);
        previous = found;
      }
    }
    return names;
  }
}
