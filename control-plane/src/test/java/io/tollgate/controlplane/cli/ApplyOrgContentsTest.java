package io.tollgate.controlplane.cli;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** apply's members and keys' policies: created, kept, changed, and pruned only when asked. */
class ApplyOrgContentsTest {

  private static RunningControlPlane cp;
  private static String root;
  private static Path dir;

  @BeforeAll
  static void setUp() throws Exception {
    cp = RunningControlPlane.start();
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    cp.user(root, "alice@example.com", false);
    cp.user(root, "bob@example.com", false);
    dir = Files.createTempDirectory("tg-apply");
    AdminCli.environment(Map.of());
  }

  @AfterAll
  static void tearDown() throws Exception {
    AdminCli.environment(System.getenv());
    cp.close();
  }

  private record Result(int code, String out) {
  }

  private static Result apply(String yaml, String... flags) throws Exception {
    Path file = dir.resolve("platform-" + System.nanoTime() + ".yaml");
    Files.writeString(file, yaml);
    StringWriter out = new StringWriter();
    CommandLine cli = AdminCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(out));
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("apply", "-f", file.toString(),
        "--endpoint", "http://127.0.0.1:" + cp.plane.port(), "--token", root,
        "--config", dir.resolve("none.yaml").toString()));
    args.addAll(java.util.List.of(flags));
    int code = cli.execute(args.toArray(String[]::new));
    return new Result(code, out.toString());
  }

  private static final String POLICIES = """
      policies:
        - {name: small, limits: {requestsPerMinute: 10}}
        - {name: large, limits: {requestsPerMinute: 1000}}
      """;

  private static JsonObject key(String id) throws Exception {
    return cp.get("/api/v1/orgs/team-x/keys/" + id, root).json();
  }

  private static Map<String, String> members() throws Exception {
    Map<String, String> members = new java.util.TreeMap<>();
    for (Object m : new JsonArray(cp.get("/api/v1/orgs/team-x/members", root).body())) {
      members.put(((JsonObject) m).getString("email"), ((JsonObject) m).getString("role"));
    }
    return members;
  }

  private static long audit() throws Exception {
    return cp.schema.count("SELECT count(*) FROM $S.audit_log");
  }

  @Test
  void membersAndKeysPoliciesAreCreatedKeptChangedAndPrunedOnlyWhenAsked() throws Exception {
    String first = POLICIES + """
        orgs:
          - name: team-x
            members: {alice@example.com: owner, bob@example.com: viewer}
            keys:
              - {id: svc, policy: small, models: [m1], expiresAt: 2030-01-01T00:00:00Z}
        """;
    Result created = apply(first);
    assertEquals(0, created.code(), created.out());
    assertTrue(created.out().contains("+ members team-x/alice@example.com"), created.out());
    assertTrue(created.out().matches("(?s).*secret of key team-x/svc \\(shown once\\): tg-[0-9A-Za-z]{40}.*"),
        created.out());
    assertEquals(Map.of("alice@example.com", "owner", "bob@example.com", "viewer"), members());
    JsonObject svc = key("svc");
    assertEquals("small", svc.getString("policy"));
    assertEquals(new JsonArray().add("m1"), svc.getJsonArray("models"));
    assertEquals(10, svc.getJsonObject("limits").getInteger("requestsPerMinute"), "limits come from the policy");
    assertTrue(svc.getString("expiresAt").startsWith("2030-01-01T00:00:00"), svc.encode());

    long auditAfterFirst = audit();
    Result again = apply(first);
    assertEquals(0, again.code(), again.out());
    assertTrue(again.out().contains("no changes"), again.out());
    assertFalse(again.out().contains("secret"), "no key is made twice");
    assertEquals(auditAfterFirst, audit(), "a second apply changes nothing");

    // Bob's role, the key's policy and budget change; alice and svc leave the file, batch joins it.
    String second = POLICIES + """
        orgs:
          - name: team-x
            members: {bob@example.com: member}
            keys:
              - {id: batch, policy: large, budget: {limitUsd: 5, period: day}}
        """;
    Result kept = apply(second);
    assertEquals(0, kept.code(), kept.out());
    assertTrue(kept.out().contains("~ members team-x/bob@example.com (role)"), kept.out());
    assertTrue(kept.out().contains("! members team-x/alice@example.com is not in the file"), kept.out());
    assertTrue(kept.out().contains("! keys team-x/svc is not in the file (kept; --prune revokes it)"), kept.out());
    assertEquals(Map.of("alice@example.com", "owner", "bob@example.com", "member"), members());
    assertFalse(key("svc").getBoolean("revoked"), "no --prune, no revocation");
    assertEquals(5.0, key("batch").getJsonObject("budget").getDouble("limitUsd"));

    Result pruned = apply(second, "--prune");
    assertEquals(0, pruned.code(), pruned.out());
    assertTrue(pruned.out().contains("- keys team-x/svc (revoke)"), pruned.out());
    assertTrue(key("svc").getBoolean("revoked"), "revoked, not deleted: its audit trail stays");
    assertEquals(Map.of("bob@example.com", "member"), members());
    assertTrue(apply(second, "--prune").out().contains("no changes"));

    // A key's managed fields change in place (a PATCH, same secret); a revoked key cannot come back.
    String third = POLICIES + """
        orgs:
          - name: team-x
            members: {bob@example.com: member}
            keys:
              - {id: batch, policy: small, budget: null}
              - {id: svc}
        """;
    String prefix = key("batch").getString("prefix");
    Result changed = apply(third);
    assertEquals(0, changed.code(), changed.out());
    assertTrue(changed.out().contains("~ keys team-x/batch (policy, budget)"), changed.out());
    assertTrue(changed.out().contains("! keys team-x/svc is revoked"), changed.out());
    assertEquals("small", key("batch").getString("policy"));
    assertEquals(null, key("batch").getValue("budget"), "budget: null removes it");
    // A field the file leaves out is not managed: the policy stays as the last apply set it.
    Result unmanaged = apply(POLICIES + """
        orgs:
          - name: team-x
            keys:
              - {id: batch}
        """);
    assertTrue(unmanaged.out().contains("= keys team-x/batch"), unmanaged.out());
    assertEquals("small", key("batch").getString("policy"));
    assertEquals(prefix, key("batch").getString("prefix"), "the same key, not a new secret");
  }

  @Test
  void anOrgWithoutTheSectionsKeepsItsMembersAndKeysAndBadEntriesAreUsageErrors() throws Exception {
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "hands-off")).status());
    assertEquals(201, cp.post("/api/v1/orgs/hands-off/keys", root, new JsonObject().put("id", "manual")).status());
    Result result = apply("orgs:\n  - name: hands-off\n", "--prune");
    assertEquals(0, result.code(), result.out());
    assertFalse(key("manual", "hands-off").getBoolean("revoked"), "no keys: section, no key management");

    Result bad = apply("orgs:\n  - name: hands-off\n    keys:\n      - {id: k, limits: {requestsPerMinute: 1}}\n");
    assertEquals(ExitCodes.INVALID, bad.code(), bad.out());
    assertTrue(bad.out().contains(".yaml:4: $.orgs[0].keys[0].limits: unknown field limits"), bad.out());
  }

  private static JsonObject key(String id, String org) throws Exception {
    return cp.get("/api/v1/orgs/" + org + "/keys/" + id, root).json();
  }
}
