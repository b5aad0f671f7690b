package io.tollgate.controlplane.cli;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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

/** tollgate-admin in-process against a real control plane: commands, output formats, exit codes, apply. */
class AdminCliTest {

  private static final Path EXAMPLE = Path.of("../config/platform.yaml");

  private static RunningControlPlane cp;
  private static String root;
  private static Path dir;

  @BeforeEach
  void setUp() throws Exception {
    cp = RunningControlPlane.start();
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    dir = Files.createTempDirectory("tg-admin");
    AdminCli.environment(Map.of());
  }

  @AfterEach
  void tearDown() throws Exception {
    AdminCli.environment(System.getenv());
    cp.close();
  }

  record Result(int code, String out, String err) {
    JsonObject json() {
      return new JsonObject(out);
    }
  }

  private static Result run(String token, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--endpoint", "http://127.0.0.1:" + cp.plane.port(), "--config", dir.resolve("none.yaml").toString()));
    if (token != null) {
      all.addAll(List.of("--token", token));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = AdminCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

  private static long configVersion() throws Exception {
    return cp.get("/api/v1/config/snapshots/latest", root).json().getLong("version");
  }

  @Test
  void applyCreatesThenIsANoOpAndPrunesOnlyWhenAsked() throws Exception {
    Result dry = run(root, "apply", "-f", EXAMPLE.toString(), "--dry-run");
    assertEquals(0, dry.code(), dry.err());
    assertTrue(dry.out().contains("+ routes meta-llama/Llama-3.1-8B-Instruct"), dry.out());
    assertTrue(dry.out().contains("dry run: nothing applied"));
    assertEquals(404, cp.get("/api/v1/backends/gpu-a", root).status(), "a dry run changes nothing");

    Result first = run(root, "apply", "-f", EXAMPLE.toString());
    assertEquals(0, first.code(), first.out() + first.err());
    assertTrue(first.out().contains("applied"));
    long version = configVersion();
    assertEquals(500.0, cp.get("/api/v1/orgs/acme", root).json().getJsonObject("budget").getDouble("limitUsd"));

    long auditAfterFirst = cp.schema.count("SELECT count(*) FROM $S.audit_log");
    Result second = run(root, "apply", "-f", EXAMPLE.toString());
    assertEquals(0, second.code(), second.err());
    assertTrue(second.out().contains("no changes"), second.out());
    assertEquals(version, configVersion(), "the second apply made no config version");
    long audit = cp.schema.count("SELECT count(*) FROM $S.audit_log");
    assertEquals(auditAfterFirst, audit, "the second apply changed nothing at all");

    // Drop small-model (and its route, and the fallback to it) and move gpu-b's URL.
    String reduced = Files.readString(EXAMPLE)
        .replace("  - name: small-model\n    prices: {promptPerMillion: 0.02, completionPerMillion: 0.08}\n", "")
        .replace("  - model: small-model\n    backends: [gpu-b]\n", "")
        .replace("    fallback: small-model\n", "    fallback: null\n")
        .replace("http://10.0.0.8:8000", "http://10.0.0.9:8000")
        .replace("    budget: {limitUsd: 500, period: month}\n", "    budget: null\n");
    Path file = dir.resolve("reduced.yaml");
    Files.writeString(file, reduced);
    Result kept = run(root, "apply", "-f", file.toString());
    assertEquals(0, kept.code(), kept.out() + kept.err());
    assertTrue(kept.out().contains("~ backends gpu-b (url)"), kept.out());
    assertTrue(kept.out().contains("~ orgs acme (budget)"), kept.out());
    assertEquals(null, cp.get("/api/v1/orgs/acme", root).json().getValue("budget"), "budget removed");
    assertTrue(kept.out().contains("! models small-model is not in the file"), kept.out());
    assertEquals(200, cp.get("/api/v1/models/small-model", root).status(), "no --prune, no deletion");
    assertEquals(200, cp.get("/api/v1/routes/small-model", root).status());
    assertTrue(cp.schema.count("SELECT count(*) FROM $S.audit_log") > audit);

    Result pruned = run(root, "apply", "-f", file.toString(), "--prune");
    assertEquals(0, pruned.code(), pruned.out() + pruned.err());
    assertTrue(pruned.out().contains("- routes small-model"), pruned.out());
    assertEquals(404, cp.get("/api/v1/routes/small-model", root).status());
    assertEquals(404, cp.get("/api/v1/models/small-model", root).status());
    assertTrue(run(root, "apply", "-f", file.toString(), "--prune").out().contains("no changes"));
  }

  @Test
  void commandsPrintTablesOrJsonAndExitWithCodesScriptsCanUse() throws Exception {
    assertEquals(0, run(root, "orgs", "create", "cli-org", "--display", "CLI").code());
    Result user = run(root, "users", "create", "dev@example.com", "-o", "json");
    assertEquals(0, user.code(), user.err());
    String devToken = user.json().getString("token");
    assertEquals(0, run(root, "members", "set", "cli-org", "dev@example.com", "member").code());

    Result key = run(devToken, "keys", "create", "cli-org", "ci", "--rpm", "60", "--models", "a,b", "-o", "json");
    assertEquals(0, key.code(), key.err());
    assertTrue(key.json().getString("secret").matches("tg-[0-9A-Za-z]{40}"));
    Result table = run(devToken, "keys", "list", "cli-org");
    assertTrue(table.out().startsWith("ID "), table.out());
    assertTrue(table.out().contains("ci") && table.out().contains("a,b"), table.out());
    assertFalse(table.out().contains(key.json().getString("secret")), "the secret is never listed");
    assertEquals(0, run(devToken, "keys", "update", "cli-org", "ci", "--tpm", "1000").code());
    assertEquals(0, run(devToken, "keys", "rotate", "cli-org", "ci", "--grace-seconds", "0").code());
    assertEquals(0, run(devToken, "keys", "revoke", "cli-org", "ci").code());
    assertTrue(run(root, "orgs", "audit", "cli-org", "-o", "json").out().contains("key.revoke"));

    Result renewed = run(devToken, "users", "token", "dev@example.com", "-o", "json");
    assertEquals(0, renewed.code(), renewed.err());
    assertEquals(ExitCodes.UNAUTHORIZED, run(devToken, "me").code(), "the old token stopped working");
    devToken = renewed.json().getString("token");
    assertEquals(0, run(devToken, "me").code());
    assertEquals(0, run(root, "users", "create", "temp@example.com").code());
    assertEquals(0, run(root, "users", "delete", "temp@example.com").code());
    assertEquals(ExitCodes.NOT_FOUND, run(root, "users", "delete", "temp@example.com").code());

    assertEquals(ExitCodes.UNAUTHORIZED, run("wrong", "orgs", "list").code());
    assertEquals(ExitCodes.FORBIDDEN, run(devToken, "backends", "create", "--json",
        "{\"id\":\"x\",\"url\":\"http://h:1\"}").code());
    assertEquals(ExitCodes.NOT_FOUND, run(root, "orgs", "get", "nope").code());
    assertEquals(ExitCodes.CONFLICT, run(root, "orgs", "create", "cli-org").code());
    Result invalid = run(root, "keys", "create", "cli-org", "bad id");
    assertEquals(ExitCodes.INVALID, invalid.code());
    assertTrue(invalid.err().contains("$.id"), invalid.err());
    assertEquals(ExitCodes.USAGE, run(null, "orgs", "list").code(), "no token");
    assertEquals(ExitCodes.USAGE, run(root, "orgs", "create").code(), "missing parameter");

    StringWriter err = new StringWriter();
    CommandLine cli = AdminCli.commandLine();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    assertEquals(ExitCodes.UNREACHABLE, cli.execute("orgs", "list", "--endpoint", "http://127.0.0.1:1", "--token", "t",
        "--config", dir.resolve("none.yaml").toString()));

    // Endpoint and token from a config file.
    Path config = dir.resolve("admin.yaml");
    Files.writeString(config, "endpoint: http://127.0.0.1:" + cp.plane.port() + "\ntoken: " + root + "\n");
    CommandLine fromFile = AdminCli.commandLine();
    StringWriter out = new StringWriter();
    fromFile.setOut(new PrintWriter(out));
    assertEquals(0, fromFile.execute("me", "--config", config.toString(), "-o", "json"));
    assertEquals("root@example.com", new JsonObject(out.toString()).getString("actor"));
  }
}
