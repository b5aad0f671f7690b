package io.tollgate.controlplane.cli;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit commands: readable at 100 columns (--wide for before/after), paged, filtered. */
class CliAuditTest {

  private static RunningControlPlane cp;
  private static String root;
  private static CliRunner cli;

  @BeforeAll
  static void setUp() throws Exception {
    cp = RunningControlPlane.start();
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    AdminCli.environment(Map.of());
    cli = new CliRunner(cp, root);
    String org = "a-rather-long-organisation-name-for-the-platform-team";
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", org)
        .put("display", "x".repeat(300))).status());
    for (int i = 0; i < 5; i++) {
      assertEquals(201, cp.post("/api/v1/orgs/" + org + "/keys", root, new JsonObject()
          .put("id", "service-account-key-with-a-long-id-" + i).put("models", new io.vertx.core.json.JsonArray()
              .add("meta-llama/Llama-3.1-70B-Instruct"))).status());
    }
  }

  @AfterAll
  static void tearDown() throws Exception {
    AdminCli.environment(System.getenv());
    cp.close();
  }

  @Test
  void theTableFitsIn100ColumnsWithActionAndTargetAndWideAddsBeforeAndAfter() {
    CliRunner.Result table = cli.run("orgs", "audit", "a-rather-long-organisation-name-for-the-platform-team");
    assertEquals(0, table.code(), table.err());
    List<String> lines = table.out().lines().toList();
    assertTrue(lines.get(0).matches("ID\\s+AT\\s+ACTOR\\s+ACTION\\s+TARGET"), lines.get(0));
    assertEquals(7, lines.size(), table.out());
    for (String line : lines) {
      assertTrue(line.length() <= 100, line.length() + ": " + line);
    }
    assertTrue(table.out().contains("key.create"), table.out());
    CliRunner.Result wide = cli.run("orgs", "audit", "a-rather-long-organisation-name-for-the-platform-team",
        "--wide");
    assertTrue(wide.out().lines().findFirst().orElseThrow().matches("ID\\s+AT\\s+ACTOR\\s+ACTION\\s+TARGET\\s+BEFORE\\s+AFTER"),
        wide.out());
    assertTrue(wide.out().contains("xxxxxxxxxx"), "--wide shows the whole after");
  }

  @Test
  void pagesAndFilters() {
    String org = "a-rather-long-organisation-name-for-the-platform-team";
    CliRunner.Result first = cli.run("orgs", "audit", org, "--limit", "2");
    List<String> lines = first.out().lines().toList();
    assertEquals(4, lines.size(), first.out());
    assertTrue(lines.get(3).startsWith("more: --before "), first.out());
    String cursor = lines.get(3).split(" ")[2];
    CliRunner.Result second = cli.run("orgs", "audit", org, "--limit", "2", "--before", cursor);
    assertFalse(second.out().lines().skip(1).anyMatch(lines::contains), "the next page, not the same one");
    CliRunner.Result all = cli.run("orgs", "audit", org, "--limit", "2", "--all");
    assertEquals(7, all.out().lines().count(), all.out());
    CliRunner.Result keysOnly = cli.run("users", "audit", "--action", "key.*", "--actor", "root@example.com",
        "-o", "json");
    assertEquals(5, new JsonObject(keysOnly.out()).getJsonArray("entries").size(), keysOnly.out());
    CliRunner.Result none = cli.run("users", "audit", "--since", "2999-01-01T00:00:00Z");
    assertEquals(1, none.out().lines().count(), none.out());
  }
}
