package io.tollgate.controlplane.cli;

import io.tollgate.controlplane.config.OidcSettings;
import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.vertx.core.json.JsonObject;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tollgate-admin login} against a real OpenID Connect provider (mock-oauth2-server,
 * non-interactive): the browser's part is played by this test, following the URL the command
 * prints to the provider and back to the command's loopback port. The token is cached readable by
 * its owner only, used by the next commands, and refreshed when it expires.
 */
class CliLoginTest {

  private static final String ISSUER_ID = "corp";
  private static final String CLIENT = "tollgate-cli";
  private static final HttpClient BROWSER = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

  private static MockOAuth2Server idp;
  private static RunningControlPlane cp;
  private static String endpoint;

  @TempDir
  Path home;

  @BeforeAll
  static void start() throws Exception {
    idp = new MockOAuth2Server();
    idp.start();
    cp = RunningControlPlane.start(new OidcSettings(idp.issuerUrl(ISSUER_ID).toString(), CLIENT, "email", "groups",
        OidcSettings.parseMappings("team-a-viewers=team-a:viewer"), Duration.ZERO));
    String root = cp.user(cp.bootstrapToken, "root@example.com", true);
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "team-a")).status());
    endpoint = "http://127.0.0.1:" + cp.plane.port();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (cp != null) {
        cp.close();
      }
    } finally {
      if (idp != null) {
        idp.shutdown();
      }
    }
  }

  private record Run(int code, String out, String err) {
  }

  private Run cli(StringWriter err, String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = AdminCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err, true));
    String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of(
        "--endpoint", endpoint, "--config", home.resolve("admin.yaml").toString())).toArray(String[]::new);
    int code = cli.execute(all);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void loginCachesATokenTheNextCommandsUseAndRefresh() throws Exception {
    idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, "kim@corp.example", "JWT", List.of(CLIENT),
        Map.of("email", "kim@corp.example", "groups", List.of("team-a-viewers")), 3600));
    StringWriter err = new StringWriter();
    CompletableFuture<Run> login = CompletableFuture.supplyAsync(() -> cli(err, "login", "--no-browser", "--wait",
        "60", "-o", "json"));
    String url = printedUrl(err);
    // The browser: to the provider, which signs the user in at once and sends it back to the loopback port.
    HttpResponse<String> provider = BROWSER.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(302, provider.statusCode(), provider.body());
    String back = provider.headers().firstValue("location").orElseThrow();
    assertTrue(back.startsWith("http://127.0.0.1:"), back);
    HttpResponse<String> page = BROWSER.send(HttpRequest.newBuilder(URI.create(back)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertTrue(page.body().contains("Signed in"), page.body());
    Run done = login.get(60, TimeUnit.SECONDS);
    assertEquals(0, done.code(), done.err());
    assertEquals("kim@corp.example", new JsonObject(done.out()).getString("actor"));

    Path cache = home.resolve(SsoSession.FILE);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));
    Run me = cli(new StringWriter(), "me", "-o", "json");
    assertEquals(0, me.code(), me.err());
    assertEquals("viewer", new JsonObject(me.out()).getJsonObject("roles").getString("team-a"));

    // Expired: the next command refreshes it with the refresh token, and caches the new one.
    JsonObject session = new JsonObject(Files.readString(cache));
    String first = session.getString("idToken");
    Files.writeString(cache, session.put("expiresAt", Instant.now().minusSeconds(60).toString()).encode());
    idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, "kim@corp.example", "JWT", List.of(CLIENT),
        Map.of("email", "kim@corp.example", "groups", List.of("team-a-viewers")), 3600));
    Run refreshed = cli(new StringWriter(), "orgs", "get", "team-a", "-o", "json");
    assertEquals(0, refreshed.code(), refreshed.err());
    JsonObject renewed = new JsonObject(Files.readString(cache));
    assertNotEquals(first, renewed.getString("idToken"));
    assertTrue(Instant.parse(renewed.getString("expiresAt")).isAfter(Instant.now()));
  }

  @Test
  void loginSaysSoWhenTheControlPlaneHasNoSingleSignOn() throws Exception {
    try (RunningControlPlane plain = RunningControlPlane.start()) {
      StringWriter err = new StringWriter();
      CommandLine cli = AdminCli.commandLine();
      cli.setOut(new PrintWriter(new StringWriter()));
      cli.setErr(new PrintWriter(err, true));
      int code = cli.execute("login", "--no-browser", "--endpoint", "http://127.0.0.1:" + plain.plane.port(),
          "--config", home.resolve("admin.yaml").toString());
      assertEquals(ExitCodes.USAGE, code);
      assertTrue(err.toString().contains("has no single sign-on"), err.toString());
    }
  }

  /** The sign-in URL the command prints, once it has. */
  private static String printedUrl(StringWriter err) throws InterruptedException {
    Pattern printed = Pattern.compile("Sign in at: (\\S+)");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Matcher m = printed.matcher(err.toString());
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(20);
    }
    throw new AssertionError("login printed no sign-in URL: " + err);
  }
}
