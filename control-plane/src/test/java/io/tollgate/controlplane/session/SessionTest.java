package io.tollgate.controlplane.session;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.controlplane.testsupport.RunningControlPlane.Exchange;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Portal sign-in against real PostgreSQL and Redis: passwords, session cookies, CSRF, the attempt limit. */
class SessionTest {

  private static final String PASSWORD = "correct horse battery staple";
  private static RunningControlPlane cp;
  private static String root;

  @BeforeAll
  static void start() throws Exception {
    cp = RunningControlPlane.start();
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
  }

  @AfterAll
  static void stop() throws Exception {
    cp.close();
  }

  /** A session: its cookie header and CSRF token. */
  private record Browser(String cookies, String csrf, JsonObject me) {
  }

  private static String newUser(boolean admin) throws Exception {
    String email = "u-" + UUID.randomUUID() + "@example.com";
    cp.user(root, email, admin);
    assertEquals(204, cp.put("/api/v1/users/" + email + "/password", root, new JsonObject().put("password", PASSWORD))
        .status());
    return email;
  }

  private static Exchange login(String email, String password) throws Exception {
    return cp.exchange(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/v1/session"),
        new JsonObject().put("email", email).put("password", password));
  }

  private static Browser signIn(String email) throws Exception {
    Exchange reply = login(email, PASSWORD);
    assertEquals(201, reply.status(), reply.body());
    List<String> cookies = reply.headers().getAll("set-cookie");
    String session = cookies.stream().filter(c -> c.startsWith("tollgate_session=")).findFirst().orElseThrow();
    String csrf = cookies.stream().filter(c -> c.startsWith("tollgate_csrf=")).findFirst().orElseThrow();
    return new Browser(session.substring(0, session.indexOf(';')) + "; " + csrf.substring(0, csrf.indexOf(';')),
        reply.json().getString("csrfToken"), reply.json());
  }

  private static Exchange as(Browser browser, HttpMethod method, String path, String csrf, JsonObject body)
      throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path).putHeader("cookie", browser.cookies());
    if (csrf != null) {
      options.putHeader("x-csrf-token", csrf);
    }
    return cp.exchange(options, body);
  }

  @Test
  void signingInSetsAStrictHttpOnlySessionCookieAndTheCallerIsKnownByIt() throws Exception {
    String email = newUser(false);
    Exchange reply = login(email, PASSWORD);
    assertEquals(201, reply.status(), reply.body());
    String session = reply.headers().getAll("set-cookie").stream().filter(c -> c.startsWith("tollgate_session="))
        .findFirst().orElseThrow();
    String lower = session.toLowerCase();
    assertTrue(lower.contains("httponly") && lower.contains("secure") && lower.contains("samesite=strict")
        && lower.contains("path=/"), session);
    String csrf = reply.headers().getAll("set-cookie").stream().filter(c -> c.startsWith("tollgate_csrf="))
        .findFirst().orElseThrow();
    assertTrue(!csrf.toLowerCase().contains("httponly") && csrf.contains(reply.json().getString("csrfToken")), csrf);
    assertEquals(email, reply.json().getString("actor"));
    assertEquals(false, reply.json().getBoolean("platformAdmin"));

    Browser browser = signIn(email);
    Exchange me = as(browser, HttpMethod.GET, "/api/v1/me", null, null);
    assertEquals(200, me.status(), me.body());
    assertEquals(email, me.json().getString("actor"));
  }

  @Test
  void wrongPasswordsAndUnknownAccountsGetTheSameRefusal() throws Exception {
    String email = newUser(false);
    Exchange wrong = login(email, "not the password at all");
    Exchange unknown = login("nobody-" + UUID.randomUUID() + "@example.com", PASSWORD);
    assertEquals(401, wrong.status());
    assertEquals(401, unknown.status());
    assertEquals(new JsonObject(wrong.body()).getJsonObject("error").getString("message"),
        new JsonObject(unknown.body()).getJsonObject("error").getString("message"));
    assertTrue(wrong.headers().getAll("set-cookie").isEmpty());
    // A user without a password (token-only) cannot sign in with any.
    String tokenOnly = "t-" + UUID.randomUUID() + "@example.com";
    cp.user(root, tokenOnly, false);
    assertEquals(401, login(tokenOnly, PASSWORD).status());
    Exchange missing = cp.exchange(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/v1/session"),
        new JsonObject().put("email", email).put("pasword", PASSWORD));
    assertEquals(422, missing.status(), missing.body());
  }

  @Test
  void changesWithTheCookieNeedTheCsrfTokenReadsDoNot() throws Exception {
    Browser admin = signIn(newUser(true));
    String org = "o" + Long.toString(System.nanoTime(), 36);
    JsonObject body = new JsonObject().put("name", org);
    Exchange noToken = as(admin, HttpMethod.POST, "/api/v1/orgs", null, body);
    assertEquals(403, noToken.status(), noToken.body());
    assertTrue(noToken.body().contains("X-CSRF-Token"), noToken.body());
    assertEquals(403, as(admin, HttpMethod.POST, "/api/v1/orgs", "forged", body).status());
    assertEquals(201, as(admin, HttpMethod.POST, "/api/v1/orgs", admin.csrf(), body).status());
    assertEquals(200, as(admin, HttpMethod.GET, "/api/v1/orgs/" + org, null, null).status());
    // Another session's token does not do.
    Browser other = signIn(newUser(true));
    assertNotEquals(admin.csrf(), other.csrf());
    assertEquals(403, as(admin, HttpMethod.DELETE, "/api/v1/orgs/" + org, other.csrf(), null).status());
  }

  @Test
  void rolesComeFromTheMembershipAndTheApiStillRefusesWhatTheRoleMayNotDo() throws Exception {
    String email = newUser(false);
    String org = "r" + Long.toString(System.nanoTime(), 36);
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", org)).status());
    assertEquals(200, cp.put("/api/v1/orgs/" + org + "/members/" + email, root, new JsonObject().put("role", "viewer"))
        .status());
    Browser viewer = signIn(email);
    assertEquals("viewer", viewer.me().getJsonObject("roles").getString(org));
    Exchange create = as(viewer, HttpMethod.POST, "/api/v1/orgs/" + org + "/keys", viewer.csrf(),
        new JsonObject().put("id", "k1"));
    assertEquals(403, create.status(), create.body());
    assertEquals(200, as(viewer, HttpMethod.GET, "/api/v1/orgs/" + org + "/keys", null, null).status());
  }

  @Test
  void signingOutEndsTheSessionAndClearsTheCookies() throws Exception {
    Browser browser = signIn(newUser(false));
    assertEquals(403, as(browser, HttpMethod.DELETE, "/api/v1/session", null, null).status());
    Exchange out = as(browser, HttpMethod.DELETE, "/api/v1/session", browser.csrf(), null);
    assertEquals(204, out.status(), out.body());
    assertTrue(out.headers().getAll("set-cookie").stream().anyMatch(c -> c.startsWith("tollgate_session=;")
        && c.contains("Max-Age=0")), out.headers().getAll("set-cookie").toString());
    Exchange after = as(browser, HttpMethod.GET, "/api/v1/me", null, null);
    assertEquals(401, after.status(), after.body());
  }

  @Test
  void afterFiveFailuresTheAccountIsRefusedFromThatAddressEvenWithTheRightPassword() throws Exception {
    String email = newUser(false);
    String bystander = newUser(false);
    for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
      assertEquals(401, login(email, "wrong password " + i).status());
    }
    Exchange refused = login(email, PASSWORD);
    assertEquals(429, refused.status(), refused.body());
    String retryAfter = refused.headers().get("retry-after");
    assertNotNull(retryAfter);
    long seconds = Long.parseLong(retryAfter);
    assertTrue(seconds > 0 && seconds <= LoginThrottle.WINDOW.toSeconds(), retryAfter);
    // Another account from the same address is not affected.
    assertEquals(201, login(bystander, PASSWORD).status());
  }

  @Test
  void aSuccessClearsTheFailureCount() throws Exception {
    String email = newUser(false);
    for (int i = 0; i < LoginThrottle.MAX_FAILURES - 1; i++) {
      assertEquals(401, login(email, "wrong password " + i).status());
    }
    assertEquals(201, login(email, PASSWORD).status());
    for (int i = 0; i < LoginThrottle.MAX_FAILURES - 1; i++) {
      assertEquals(401, login(email, "wrong again " + i).status());
    }
    assertEquals(201, login(email, PASSWORD).status());
  }

  @Test
  void passwords() throws Exception {
    String email = newUser(false);
    Browser browser = signIn(email);
    String path = "/api/v1/users/" + email + "/password";
    // Too short: refused with the field named.
    Exchange weak = as(browser, HttpMethod.PUT, path, browser.csrf(), new JsonObject().put("password", "short"));
    assertEquals(422, weak.status(), weak.body());
    assertTrue(weak.body().contains("at least 12"), weak.body());
    // One's own needs the current password.
    String next = "a different long passphrase";
    assertEquals(403, as(browser, HttpMethod.PUT, path, browser.csrf(), new JsonObject().put("password", next)).status());
    assertEquals(403, as(browser, HttpMethod.PUT, path, browser.csrf(),
        new JsonObject().put("password", next).put("currentPassword", "wrong wrong wrong")).status());
    // Another's is a platform admin's business.
    String other = newUser(false);
    assertEquals(403, as(browser, HttpMethod.PUT, "/api/v1/users/" + other + "/password", browser.csrf(),
        new JsonObject().put("password", next)).status());
    assertEquals(204, as(browser, HttpMethod.PUT, path, browser.csrf(),
        new JsonObject().put("password", next).put("currentPassword", PASSWORD)).status());
    // The change ended the user's sessions; the new password signs in, the old does not.
    assertEquals(401, as(browser, HttpMethod.GET, "/api/v1/me", null, null).status());
    assertEquals(401, login(email, PASSWORD).status());
    assertEquals(201, login(email, next).status());
    // The audit records the change, never the password.
    String audit = cp.get("/api/v1/audit?action=user.password", root).body();
    assertTrue(audit.contains("user:" + email) && !audit.contains(next), audit);
  }

  @Test
  void theBearerTokenStillWorksAndWinsOverACookie() throws Exception {
    Browser member = signIn(newUser(false));
    RequestOptions both = new RequestOptions().setMethod(HttpMethod.GET).setURI("/api/v1/users")
        .putHeader("cookie", member.cookies()).putHeader("authorization", "Bearer " + root);
    assertEquals(200, cp.exchange(both, null).status());
    // With a token, changes need no CSRF header (no browser sends it on its own).
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "b" + Long.toString(System.nanoTime(),
        36))).status());
  }
}
