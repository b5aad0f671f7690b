package io.tollgate.controlplane.cli;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * apply as a CI pipeline uses it: the dry run checks on the server what the real apply would (and
 * refuses what it would refuse), the real apply is all or nothing, and every problem is shown at
 * its file, line and field.
 */
class ApplyValidationTest {

  private static RunningControlPlane cp;
  private static String root;
  private static Path dir;

  @BeforeAll
  static void setUp() throws Exception {
    cp = RunningControlPlane.start();
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    dir = Files.createTempDirectory("tg-apply");
    AdminCli.environment(Map.of());
  }

  @AfterAll
  static void tearDown() throws Exception {
    AdminCli.environment(System.getenv());
    cp.close();
  }

  private record Result(int code, String out, String err, Path file) {
  }

  private static Result apply(String yaml, String... flags) {
    Path file = dir.resolve("platform-" + System.nanoTime() + ".yaml");
    try {
      Files.writeString(file, yaml);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    List<String> args = new ArrayList<>(List.of("apply", "-f", file.toString(), "--endpoint",
        "http://127.0.0.1:" + cp.plane.port(), "--token", root, "--config", dir.resolve("none.yaml").toString()));
    args.addAll(List.of(flags));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = AdminCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return new Result(cli.execute(args.toArray(String[]::new)), out.toString(), err.toString(), file);
  }

  private long auditRows() throws Exception {
    return cp.schema.count("SELECT count(*) FROM $S.audit_log WHERE action <> 'refused'");
  }

  private static final String BAD_ROUTE = """
      backends:
        - id: gpu-1
          url: http://10.0.0.1:8000
      models:
        - name: llama
          prices: {promptPerMillion: 1, completionPerMillion: 2}
      routes:
        - model: llama
          backends: [gpu-1, gpu-unknown]
          strategy: fastest
      """;

  @Test
  void aDryRunRefusesWhatTheRealApplyWouldWithFileLineAndField() throws Exception {
    long audit = auditRows();
    Result dry = apply(BAD_ROUTE, "--dry-run");
    assertEquals(ExitCodes.INVALID, dry.code(), dry.out() + dry.err());
    String where = dry.file().toString();
    assertTrue(dry.err().contains(where + ":9: $.routes[0].backends[1]: unknown backend gpu-unknown"), dry.err());
    assertTrue(dry.err().contains(where + ":10: $.routes[0].strategy: must be one of"), dry.err());
    Result real = apply(BAD_ROUTE);
    assertEquals(ExitCodes.INVALID, real.code(), real.out() + real.err());
    assertEquals(dry.err().replace(dry.file().toString(), "F"), real.err().replace(real.file().toString(), "F"),
        "the dry run and the real apply refuse alike");
    // All or nothing: the backend and the model that came before the bad route were not created.
    assertEquals(404, cp.get("/api/v1/backends/gpu-1", root).status());
    assertEquals(404, cp.get("/api/v1/models/llama", root).status());
    assertEquals(audit, auditRows(), "no audit row of a refused apply");
  }

  @Test
  void unknownMembersAndReferencesAreRefusedByTheDryRun() throws Exception {
    Result dry = apply("""
        orgs:
          - name: refs
            policy: nowhere
            members: {ghost@example.com: owner}
            keys:
              - {id: k, policy: gone}
        """, "--dry-run");
    assertEquals(ExitCodes.INVALID, dry.code(), dry.out() + dry.err());
    assertTrue(dry.err().contains(":3: $.orgs[0].policy: no policy nowhere"), dry.err());
    assertTrue(dry.err().contains(":4: $.orgs[0].members.ghost@example.com: no user ghost@example.com"), dry.err());
    assertTrue(dry.err().contains(":6: $.orgs[0].keys[0].policy: no policy gone"), dry.err());
    assertFalse(dry.err().contains("violates"), "no raw PostgreSQL text: " + dry.err());
  }

  @Test
  void oneDryRunShowsTheEntriesProblemsAndTheConfigsTogether() throws Exception {
    // A typo in the backend and an unknown backend in the route: both in one round.
    Result dry = apply(BAD_ROUTE.replace("    url: http://10.0.0.1:8000", "    url: http://10.0.0.1:8000\n    lables: {}")
        .replace("gpu-1", "gpu-9").replace("llama", "llama-9"), "--dry-run");
    assertEquals(ExitCodes.INVALID, dry.code(), dry.out() + dry.err());
    assertTrue(dry.err().contains("$.backends[0].lables: unknown field lables"), dry.err());
    assertTrue(dry.err().contains("$.routes[0].strategy: must be one of"), dry.err());
    assertTrue(dry.err().contains("$.routes[0].backends[1]: unknown backend gpu-unknown"), dry.err());
    assertEquals(404, cp.get("/api/v1/models/llama-9", root).status(), "nothing was changed");
  }

  @Test
  void unknownFieldsAreRefusedWithTheFieldMeant() throws Exception {
    Result typos = apply("""
        backends:
          - id: b
            url: http://h:1
            lables: {zone: a}
        orgs:
          - name: typo
            dispaly: Typo Inc
            budjet: {limitUsd: 5}
            colour: red
        """, "--dry-run");
    assertEquals(ExitCodes.INVALID, typos.code(), typos.out() + typos.err());
    assertTrue(typos.err().contains(":4: $.backends[0].lables: unknown field lables: did you mean labels?"), typos.err());
    assertTrue(typos.err().contains(":7: $.orgs[0].dispaly: unknown field dispaly: did you mean display?"), typos.err());
    assertTrue(typos.err().contains(":8: $.orgs[0].budjet: unknown field budjet: did you mean budget?"), typos.err());
    assertTrue(typos.err().contains(":9: $.orgs[0].colour: unknown field colour"), typos.err());
  }

  @Test
  void aFieldWrittenTwiceIsRefusedWithItsLine() {
    Result twice = apply("orgs:\n  - name: twice\n    budget: {limitUsd: 5}\n    budget: null\n", "--dry-run");
    assertEquals(ExitCodes.USAGE, twice.code(), twice.out() + twice.err());
    assertTrue(twice.err().contains("duplicate key budget") && twice.err().contains("line 4"), twice.err());
  }

  @Test
  void aFieldTheFileLeavesOutIsLeftAloneAndNullClearsIt() throws Exception {
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "kept").put("display", "Kept")
        .put("budget", new JsonObject().put("limitUsd", 9))).status());
    Result same = apply("orgs:\n  - name: kept\n");
    assertEquals(0, same.code(), same.out() + same.err());
    assertTrue(same.out().contains("= orgs kept"), same.out());
    assertEquals(9.0, cp.get("/api/v1/orgs/kept", root).json().getJsonObject("budget").getDouble("limitUsd"));
    assertEquals("Kept", cp.get("/api/v1/orgs/kept", root).json().getString("display"));
    Result cleared = apply("orgs:\n  - name: kept\n    budget: null\n");
    assertTrue(cleared.out().contains("~ orgs kept (budget)"), cleared.out());
    assertEquals(null, cp.get("/api/v1/orgs/kept", root).json().getValue("budget"));
  }

  @Test
  void aGoodFileDryRunsThenAppliesInOneConfigVersion() throws Exception {
    String good = BAD_ROUTE.replace(", gpu-unknown", "").replace("fastest", "round-robin").replace("gpu-1", "gpu-2")
        .replace("llama", "llama-2");
    Result dry = apply(good, "--dry-run");
    assertEquals(0, dry.code(), dry.out() + dry.err());
    assertTrue(dry.out().contains("+ routes llama-2"), dry.out());
    assertTrue(dry.out().contains("dry run: nothing applied"), dry.out());
    assertEquals(404, cp.get("/api/v1/backends/gpu-2", root).status());
    long versions = cp.schema.count("SELECT count(*) FROM $S.config_versions");
    Result real = apply(good);
    assertEquals(0, real.code(), real.out() + real.err());
    assertEquals(versions + 1, cp.schema.count("SELECT count(*) FROM $S.config_versions"),
        "one apply, one config version");
    assertEquals(200, cp.get("/api/v1/routes/llama-2", root).status());
    Result json = apply(good, "-o", "json");
    assertEquals(0, json.code(), json.err());
    JsonObject plan = new JsonObject(json.out());
    assertEquals(false, plan.getBoolean("applied"), "nothing to change: " + plan.encode());
    assertTrue(plan.getJsonArray("steps").stream().allMatch(step -> ((JsonObject) step).getString("verb").equals("keep")),
        plan.encode());
  }
}
