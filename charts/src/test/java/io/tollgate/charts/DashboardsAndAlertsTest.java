package io.tollgate.charts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * config/grafana dashboards and config/prometheus alert rules: valid JSON and YAML of the expected
 * shape, a runbook section for every alert, and only metric names that config/metrics.md lists
 * (the names the gateway exports; a test of the gateway checks that each one appears).
 */
class DashboardsAndAlertsTest {

  private static final Path REPO = Charts.repository();
  private static final Path GRAFANA = REPO.resolve("config/grafana");
  private static final Path ALERTS = REPO.resolve("config/prometheus/alerts.yaml");
  private static final Path RUNBOOKS = REPO.resolve("docs/runbooks.md");
  private static final Path METRICS = REPO.resolve("config/metrics.md");

  private static final ObjectMapper JSON = new ObjectMapper();

  /** PromQL functions, aggregations and keywords: never metric names. */
  private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
      "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan", "atan2", "start", "end");

  private static final Set<String> DASHBOARDS = Set.of("tollgate-overview.json", "tollgate-models.json",
      "tollgate-limits.json", "tollgate-backends.json", "tollgate-usage-pipeline.json", "tollgate-spend.json");
  private static final Set<String> ALERT_NAMES = Set.of("TollgateHighErrorRate", "TollgateHighTimeToFirstToken",
      "TollgateBackendErrors", "TollgateBackendEjected", "TollgateEventLoopLag", "TollgateRedisFailOpen",
      "TollgateRedisFailClosed", "TollgateUsageSpoolGrowing", "TollgateUsageEventsDropped", "TollgateOrgBudgetBurnRate",
      "TollgateOrgOverBudget", "TollgateAlertDeliveriesFailing");

  private static Set<String> exported;
  private static Set<String> histograms;
  private static List<String> exportedPrefixes;

  @BeforeAll
  static void readMetricsTable() throws IOException {
    exported = new TreeSet<>();
    histograms = new TreeSet<>();
    exportedPrefixes = new ArrayList<>();
    for (String line : Files.readAllLines(METRICS)) {
      if (!line.startsWith("| `")) {
        continue;
      }
      String[] cells = line.split("\\|");
      String firstCell = cells[1];
      boolean histogram = cells.length > 2 && Set.of("histogram", "summary", "timer").contains(cells[2].trim());
      Matcher names = Pattern.compile("`([a-zA-Z_:][a-zA-Z0-9_:]*)(\\*?)`").matcher(firstCell);
      while (names.find()) {
        if (names.group(2).isEmpty()) {
          exported.add(names.group(1));
          if (histogram) {
            histograms.add(names.group(1));
          }
        } else {
          exportedPrefixes.add(names.group(1));
        }
      }
    }
    assertTrue(exported.size() >= 10, "config/metrics.md lists metrics in its table: " + exported);
  }

  /** Metric names in a PromQL expression: strings, label matchers, ranges, grouping clauses and functions removed. */
  static Set<String> metricNames(String expr) {
    String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
        .replaceAll("'(?:[^'\\\\]|\\\\.)*'", "''")
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^]]*]", " ")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> out = new LinkedHashSet<>();
    Matcher m = Pattern.compile("(?<![\\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)\\b(\\s*\\()?").matcher(s);
    while (m.find()) {
      String word = m.group(1);
      if (m.group(2) != null || PROMQL_WORDS.contains(word.toLowerCase(Locale.ROOT))) {
        continue; // a function or aggregation call, or a keyword
      }
      out.add(word);
    }
    return out;
  }

  /** The exported name a sample name comes from: a histogram's series drop their suffix. */
  private static String base(String name) {
    for (String suffix : List.of("_bucket", "_sum", "_count", "_max")) {
      if (name.endsWith(suffix) && histograms.contains(name.substring(0, name.length() - suffix.length()))) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }

  private static boolean isExported(String name) {
    return exported.contains(base(name)) || exportedPrefixes.stream().anyMatch(name::startsWith);
  }

  @Test
  void theNameExtractionSeesMetricsOnly() {
    assertEquals(Set.of("tollgate_time_to_first_token_seconds_bucket"), metricNames(
        "histogram_quantile(0.99, sum by (le, model) (rate(tollgate_time_to_first_token_seconds_bucket{job=~\"$job\", model=~\"a|b\"}[$__rate_interval])))"));
    assertEquals(Set.of("a_total", "b_total"), metricNames(
        "sum(rate(a_total{x=\"y\"}[5m])) / ignoring(backend) group_left clamp_min(sum without (z) (b_total offset 1h), 1e-9) > 0.05 and on(job) vector(1)"));
    assertEquals("tollgate_request_duration_seconds", base("tollgate_request_duration_seconds_count"));
    assertTrue(isExported("tollgate_request_duration_seconds_bucket"));
    assertTrue(isExported("jvm_memory_used_bytes"), "the jvm_* row of the table");
    assertFalse(isExported("tollgate_made_up_total"));
    assertFalse(isExported("tollgate_requests_total_bucket"), "a suffix only on histograms");
  }

  @Test
  void dashboardsAreValidGrafanaJsonWithADatasourceVariable() throws IOException {
    Set<String> files = new TreeSet<>();
    Set<String> uids = new HashSet<>();
    for (Path file : dashboards()) {
      files.add(file.getFileName().toString());
      JsonNode dashboard = JSON.readTree(file.toFile());
      String where = file.getFileName().toString();
      assertTrue(dashboard.path("title").asText().startsWith("Tollgate / "), where + ": title");
      assertTrue(uids.add(dashboard.path("uid").asText()), where + ": unique uid");
      assertTrue(dashboard.path("uid").asText().matches("[a-z0-9-]{1,40}"), where + ": uid");
      assertTrue(dashboard.path("schemaVersion").asInt() >= 36, where + ": schemaVersion");

      JsonNode datasource = null;
      for (JsonNode variable : dashboard.path("templating").path("list")) {
        if (variable.path("type").asText().equals("datasource")) {
          datasource = variable;
        }
      }
      assertNotNull(datasource, where + ": a datasource variable");
      assertEquals("prometheus", datasource.path("query").asText(), where + ": the datasource variable lists Prometheus sources");
      String ref = "${" + datasource.path("name").asText() + "}";

      List<JsonNode> panels = panels(dashboard);
      assertTrue(panels.size() >= 4, where + ": panels");
      Set<Integer> ids = new HashSet<>();
      for (JsonNode panel : panels) {
        String title = where + " panel '" + panel.path("title").asText() + "'";
        assertTrue(ids.add(panel.path("id").asInt()), title + ": unique id");
        for (String field : List.of("h", "w", "x", "y")) {
          assertTrue(panel.path("gridPos").path(field).isInt(), title + ": gridPos." + field);
        }
        assertTrue(panel.path("gridPos").path("x").asInt() + panel.path("gridPos").path("w").asInt() <= 24, title + ": fits the grid");
        if (Set.of("row", "text").contains(panel.path("type").asText())) {
          continue;
        }
        assertEquals(ref, panel.path("datasource").path("uid").asText(), title + ": uses the datasource variable");
        assertFalse(panel.path("description").asText().isBlank(), title + ": description");
        assertTrue(panel.path("targets").size() > 0, title + ": targets");
        for (JsonNode target : panel.path("targets")) {
          assertFalse(target.path("expr").asText().isBlank(), title + ": expr");
          assertEquals(ref, target.path("datasource").path("uid").asText(), title + ": target datasource");
          assertBalanced(target.path("expr").asText(), title);
        }
      }
    }
    assertTrue(files.containsAll(DASHBOARDS), "dashboards: " + files);
  }

  @Test
  void dashboardsUseOnlyExportedMetricNames() throws IOException {
    Map<String, Set<String>> unknown = new LinkedHashMap<>();
    Set<String> used = new TreeSet<>();
    for (Path file : dashboards()) {
      JsonNode dashboard = JSON.readTree(file.toFile());
      List<String> exprs = new ArrayList<>();
      panels(dashboard).forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
      dashboard.path("templating").path("list").forEach(v -> {
        if (v.path("type").asText().equals("query")) {
          exprs.add(v.path("definition").asText().replaceAll("^label_values\\((.*),\\s*\\w+\\)$", "$1"));
        }
      });
      for (String expr : exprs) {
        for (String name : metricNames(expr)) {
          used.add(base(name));
          if (!isExported(name)) {
            unknown.computeIfAbsent(file.getFileName() + ": " + expr, k -> new TreeSet<>()).add(name);
          }
        }
      }
    }
    assertTrue(unknown.isEmpty(), () -> "names not in config/metrics.md: " + unknown);
    Set<String> shown = new TreeSet<>(exported);
    shown.removeAll(used);
    assertTrue(shown.isEmpty(), "every metric of config/metrics.md is on a dashboard; missing: " + shown);
  }

  @Test
  @SuppressWarnings("unchecked")
  void alertRulesAreValidWithARunbookSectionEach() throws IOException {
    Map<String, Object> file = Charts.readYaml(ALERTS);
    List<Map<String, Object>> groups = (List<Map<String, Object>>) file.get("groups");
    assertFalse(groups.isEmpty());
    Set<String> anchors = runbookAnchors();
    Set<String> alerts = new LinkedHashSet<>();
    Set<String> groupNames = new HashSet<>();
    for (Map<String, Object> group : groups) {
      assertTrue(groupNames.add((String) group.get("name")), "unique group name " + group.get("name"));
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        String alert = (String) rule.get("alert");
        assertNotNull(alert, "every rule is an alert: " + rule);
        assertTrue(alert.matches("Tollgate[A-Z][A-Za-z]+"), alert);
        assertTrue(alerts.add(alert), "unique alert " + alert);
        assertTrue(Set.of("alert", "expr", "for", "labels", "annotations", "keep_firing_for").containsAll(rule.keySet()),
            alert + ": only rule fields " + rule.keySet());
        String expr = (String) rule.get("expr");
        assertFalse(expr == null || expr.isBlank(), alert + ": expr");
        assertBalanced(expr, alert);
        if (rule.containsKey("for")) {
          assertTrue(String.valueOf(rule.get("for")).matches("\\d+[smh]"), alert + ": for");
        }
        Map<String, Object> labels = (Map<String, Object>) rule.get("labels");
        assertTrue(Set.of("warning", "critical").contains(labels.get("severity")), alert + ": severity");
        Map<String, Object> annotations = (Map<String, Object>) rule.get("annotations");
        for (String key : List.of("summary", "description", "runbook_url")) {
          assertFalse(String.valueOf(annotations.get(key)).isBlank(), alert + ": annotation " + key);
        }
        String url = (String) annotations.get("runbook_url");
        assertTrue(url.startsWith("docs/runbooks.md#"), alert + ": runbook_url " + url);
        String anchor = url.substring(url.indexOf('#') + 1);
        assertEquals(alert.toLowerCase(Locale.ROOT), anchor, alert + ": its own runbook section");
        assertTrue(anchors.contains(anchor), alert + ": docs/runbooks.md has no section #" + anchor);
      }
    }
    assertTrue(alerts.containsAll(ALERT_NAMES), "alerts: " + alerts);
    String runbooks = Files.readString(RUNBOOKS);
    for (String alert : alerts) {
      String section = section(runbooks, alert);
      for (String part : List.of("**What it means.**", "**How to check.**", "**What to do.**")) {
        assertTrue(section.contains(part), "runbook " + alert + " lacks " + part);
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void alertRulesUseOnlyExportedMetricNames() throws IOException {
    Map<String, Set<String>> unknown = new LinkedHashMap<>();
    int names = 0;
    for (Map<String, Object> group : (List<Map<String, Object>>) Charts.readYaml(ALERTS).get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        Set<String> found = metricNames((String) rule.get("expr"));
        assertFalse(found.isEmpty(), rule.get("alert") + ": no metric in its expression");
        names += found.size();
        for (String name : found) {
          if (!isExported(name)) {
            unknown.computeIfAbsent((String) rule.get("alert"), k -> new TreeSet<>()).add(name);
          }
        }
      }
    }
    assertTrue(unknown.isEmpty(), () -> "names not in config/metrics.md: " + unknown);
    assertTrue(names > 0);
  }

  private static List<Path> dashboards() throws IOException {
    try (Stream<Path> files = Files.list(GRAFANA)) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
  }

  /** Panels, those nested in collapsed rows included. */
  private static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      out.add(panel);
      panel.path("panels").forEach(out::add);
    }
    return out;
  }

  private static void assertBalanced(String expr, String where) {
    String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
    java.util.ArrayDeque<Character> open = new java.util.ArrayDeque<>();
    for (char c : s.toCharArray()) {
      switch (c) {
        case '(', '[', '{' -> open.push(c);
        case ')' -> assertEquals('(', open.isEmpty() ? ' ' : open.pop(), where + ": unbalanced ) in " + expr);
        case ']' -> assertEquals('[', open.isEmpty() ? ' ' : open.pop(), where + ": unbalanced ] in " + expr);
        case '}' -> assertEquals('{', open.isEmpty() ? ' ' : open.pop(), where + ": unbalanced } in " + expr);
        default -> { }
      }
    }
    assertTrue(open.isEmpty(), where + ": unclosed bracket in " + expr);
  }

  /** GitHub's anchors of the headings of docs/runbooks.md. */
  private static Set<String> runbookAnchors() throws IOException {
    Set<String> anchors = new HashSet<>();
    for (String line : Files.readAllLines(RUNBOOKS)) {
      if (line.startsWith("#")) {
        String text = line.replaceFirst("^#+\\s*", "").trim();
        String slug = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT)
            .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
        anchors.add(slug);
      }
    }
    return anchors;
  }

  private static String section(String markdown, String heading) {
    int start = markdown.indexOf("\n## " + heading + "\n");
    assertTrue(start >= 0, "docs/runbooks.md has no '## " + heading + "'");
    int end = markdown.indexOf("\n## ", start + 1);
    return markdown.substring(start, end < 0 ? markdown.length() : end);
  }
}
