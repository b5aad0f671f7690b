package io.tollgate.controlplane.cli;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code update} changes only what it is given, and sends the version the user read: a stale one is refused. */
class CliUpdateTest {

  private static RunningControlPlane cp;
  private static String root;

  @BeforeAll
  static void setUp() throws Exception {
    cp = RunningControlPlane.start();
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    AdminCli.environment(Map.of());
  }

  @AfterAll
  static void tearDown() throws Exception {
    AdminCli.environment(System.getenv());
    cp.close();
  }

  private static CliRunner.Result run(String... args) {
    return new CliRunner(cp, root).run(args);
  }

  @Test
  void aPartialUpdateKeepsTheOtherFields() throws Exception {
    assertEquals(0, run("policies", "create", "--json", "{\"name\":\"p\",\"limits\":{\"requestsPerMinute\":10,"
        + "\"tokensPerMinute\":1000,\"maxConcurrentStreams\":2}}").code());
    CliRunner.Result updated = run("policies", "update", "p", "--json", "{\"limits\":{\"requestsPerMinute\":11}}");
    assertEquals(0, updated.code(), updated.err());
    assertEquals(new JsonObject().put("requestsPerMinute", 11).put("tokensPerMinute", 1000).put("maxConcurrentStreams", 2),
        cp.get("/api/v1/policies/p", root).json().getJsonObject("limits"), "the token and stream limits stay");

    assertEquals(0, run("orgs", "create", "o", "--display", "O", "--policy", "p").code());
    assertEquals(0, run("orgs", "update", "o", "--display", "Oh").code());
    JsonObject org = cp.get("/api/v1/orgs/o", root).json();
    assertEquals("Oh", org.getString("display"));
    assertEquals("p", org.getString("policy"), "the policy stays");
  }

  @Test
  void aBodyOrFileThatCannotBeReadIsRefusedSayingWhyAndWhere() {
    CliRunner.Result malformed = run("backends", "create", "--json", "{\"id\":\"b\",");
    assertEquals(ExitCodes.USAGE, malformed.code());
    assertTrue(malformed.err().contains("cannot read the body: not valid JSON: Unexpected end-of-input within/between"
        + " Object entries at line 1, column 11"), malformed.err());
    CliRunner.Result missing = run("backends", "create", "-f", "/nonexistent/backend.json");
    assertEquals(ExitCodes.USAGE, missing.code());
    assertTrue(missing.err().contains("cannot read the body: no such file"), missing.err());
    CliRunner.Result noFile = run("apply", "-f", "/nonexistent/platform.yaml");
    assertEquals(ExitCodes.USAGE, noFile.code());
    assertTrue(noFile.err().contains("cannot read /nonexistent/platform.yaml: no such file"), noFile.err());
  }

  @Test
  void theVersionTheUserReadIsSentAndAStaleOneRefused() throws Exception {
    assertEquals(0, run("backends", "create", "--json", "{\"id\":\"b\",\"url\":\"http://h:1\"}").code());
    assertEquals(0, run("backends", "update", "b", "--json", "{\"url\":\"http://h:2\"}", "--version", "1").code());
    CliRunner.Result stale = run("backends", "update", "b", "--json", "{\"url\":\"http://h:3\"}", "--version", "1");
    assertEquals(ExitCodes.CONFLICT, stale.code(), stale.err());
    assertTrue(stale.err().contains("stale version 1"), stale.err());
    CliRunner.Result staleInBody = run("backends", "update", "b", "--json", "{\"url\":\"http://h:3\",\"version\":1}");
    assertEquals(ExitCodes.CONFLICT, staleInBody.code(), "a version in the body is the user's, not replaced");
    assertEquals("http://h:2", cp.get("/api/v1/backends/b", root).json().getString("url"));

    assertEquals(0, run("orgs", "create", "vo").code());
    assertEquals(ExitCodes.CONFLICT, run("orgs", "update", "vo", "--display", "x", "--version", "5").code());
    assertEquals(0, run("keys", "create", "vo", "k").code());
    assertEquals(ExitCodes.CONFLICT, run("keys", "update", "vo", "k", "--rpm", "5", "--version", "9").code());
    assertEquals(0, run("keys", "update", "vo", "k", "--rpm", "5", "--version", "1").code());
  }
}
