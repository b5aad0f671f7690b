package io.tollgate.charts;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alert rules under Prometheus's own tool: {@code promtool check rules} (PromQL syntax,
 * templates) and {@code promtool test rules} (config/prometheus/alerts-test.yaml: each alert fires
 * on synthetic series that should wake someone, with these labels and annotations, and stays quiet
 * on healthy ones). promtool comes with Debian's package {@code prometheus}; without it these two
 * checks are skipped with that instruction, and the coverage check still runs.
 */
class PrometheusRulesTest {

  private static final Path RULES = Charts.repository().resolve("config/prometheus/alerts.yaml");
  private static final Path RULE_TESTS = Charts.repository().resolve("config/prometheus/alerts-test.yaml");

  @Test
  @SuppressWarnings("unchecked")
  void everyAlertHasAUnitTestThatFiresIt() {
    Set<String> alerts = new LinkedHashSet<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) Charts.readYaml(RULES).get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        alerts.add((String) rule.get("alert"));
      }
    }
    Set<String> fired = new LinkedHashSet<>();
    Map<String, Object> tests = Charts.readYaml(RULE_TESTS);
    assertEquals(List.of("alerts.yaml"), tests.get("rule_files"));
    for (Map<String, Object> test : (List<Map<String, Object>>) tests.get("tests")) {
      for (Map<String, Object> check : (List<Map<String, Object>>) test.get("alert_rule_test")) {
        if (!((List<Object>) check.get("exp_alerts")).isEmpty()) {
          fired.add((String) check.get("alertname"));
        }
      }
    }
    Set<String> untested = new LinkedHashSet<>(alerts);
    untested.removeAll(fired);
    assertTrue(untested.isEmpty(), "alerts without a promtool test that fires them: " + untested);
  }

  @Test
  void promtoolChecksTheRules() throws Exception {
    String out = promtool("check", "rules", RULES.toString());
    assertTrue(out.contains("SUCCESS"), out);
  }

  @Test
  void promtoolUnitTestsPass() throws Exception {
    String out = promtool("test", "rules", RULE_TESTS.toString());
    assertTrue(out.contains("SUCCESS"), out);
  }

  /**
   * Every dashboard query, Grafana's variables replaced by plain values, checked by promtool as the
   * expression of a recording rule: the PromQL parser that Prometheus itself runs.
   */
  @Test
  void promtoolParsesEveryDashboardQuery() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    List<Map<String, Object>> rules = new ArrayList<>();
    try (Stream<Path> files = Files.list(Charts.repository().resolve("config/grafana"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        List<com.fasterxml.jackson.databind.JsonNode> panels = new ArrayList<>();
        json.readTree(file.toFile()).path("panels").forEach(p -> {
          panels.add(p);
          p.path("panels").forEach(panels::add);
        });
        for (var panel : panels) {
          for (var target : panel.path("targets")) {
            String expr = target.path("expr").asText()
                .replace("$__rate_interval", "5m").replace("$__range", "1h").replace("$__interval", "1m")
                .replaceAll("\\$\\{?\\w+}?", ".*");
            rules.add(Map.of("record", "dashboard:query" + rules.size(), "expr", expr));
          }
        }
      }
    }
    assertTrue(rules.size() > 40, "dashboard queries: " + rules.size());
    Path file = Charts.module().resolve("target/dashboard-queries.rules.yaml");
    Files.writeString(file, Charts.yaml().dump(Map.of("groups", List.of(Map.of("name", "dashboards", "rules", rules)))));
    String out = promtool("check", "rules", file.toString());
    assertTrue(out.contains("SUCCESS: " + rules.size() + " rules found"), out);
  }

  private static String promtool(String... args) throws IOException, InterruptedException {
    Optional<Path> promtool = Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator))
        .map(dir -> Path.of(dir, "promtool")).filter(Files::isExecutable).findFirst();
    // A missing tool fails the test (never a skip): scripts/test.sh installs it.
    assertTrue(promtool.isPresent(),
        "promtool not found on the PATH: run scripts/test.sh, or install it with `apt-get install prometheus` (Debian)");
    List<String> command = new ArrayList<>();
    command.add(promtool.get().toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out;
    try (var in = process.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
    assertEquals(0, process.exitValue(), () -> String.join(" ", command) + ":\n" + out);
    return out;
  }
}
