package io.tollgate.controlplane.oidc;

import io.tollgate.controlplane.config.OidcSettings;
import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.vertx.core.json.JsonObject;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The portal's sign-in through a real OpenID Connect provider (mock-oauth2-server, non-interactive):
 * authorization code with PKCE, then the portal's usual session cookie, for a user provisioned with
 * the roles their groups map to. A callback that this browser did not start is refused.
 */
class PortalSsoTest {

  private static final String ISSUER_ID = "corp";
  private static final String CLIENT = "tollgate-portal";

  private static MockOAuth2Server idp;
  private static RunningControlPlane cp;
  private static String root;
  private static String base;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    idp = new MockOAuth2Server();
    idp.start();
    cp = RunningControlPlane.start(new OidcSettings(idp.issuerUrl(ISSUER_ID).toString(), CLIENT, "email", "groups",
        OidcSettings.parseMappings("team-a-owners=team-a:owner"), Duration.ZERO));
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "team-a")).status());
    base = "http://127.0.0.1:" + cp.plane.port();
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

  private static HttpResponse<String> get(String url, String cookie) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String cookie(HttpResponse<?> response, String name) {
    return response.headers().allValues("set-cookie").stream().filter(c -> c.startsWith(name + "="))
        .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow(() -> new AssertionError("no cookie " + name
            + " in " + response.headers().allValues("set-cookie")));
  }

  @Test
  void signingInThroughTheProviderOpensAPortalSessionWithTheMappedRoles() throws Exception {
    assertEquals(new JsonObject().put("enabled", true).put("start", PortalLogin.START)
            .put("issuer", idp.issuerUrl(ISSUER_ID).toString()).put("clientId", CLIENT),
        new JsonObject(get(base + "/portal/auth/oidc", null).body()));
    HttpResponse<String> start = get(base + PortalLogin.START, null);
    assertEquals(302, start.statusCode(), start.body());
    String authorize = start.headers().firstValue("location").orElseThrow();
    assertTrue(authorize.startsWith(idp.authorizationEndpointUrl(ISSUER_ID).toString()), authorize);
    assertTrue(authorize.contains("code_challenge_method=S256") && authorize.contains("client_id=" + CLIENT), authorize);
    String flow = cookie(start, PortalLogin.FLOW_COOKIE);

    idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, "ivan@corp.example", "JWT", List.of(CLIENT),
        Map.of("email", "ivan@corp.example", "groups", List.of("team-a-owners")), 3600));
    HttpResponse<String> atProvider = get(authorize, null);
    assertEquals(302, atProvider.statusCode(), atProvider.body());
    String callback = atProvider.headers().firstValue("location").orElseThrow();
    assertTrue(callback.startsWith(base + PortalLogin.CALLBACK), callback);

    HttpResponse<String> back = get(callback, flow);
    assertEquals(302, back.statusCode(), back.body());
    assertEquals("/", back.headers().firstValue("location").orElseThrow());
    String session = cookie(back, "tollgate_session");
    HttpResponse<String> me = get(base + "/api/v1/me", session);
    assertEquals(200, me.statusCode(), me.body());
    JsonObject who = new JsonObject(me.body());
    assertEquals("ivan@corp.example", who.getString("actor"));
    assertEquals(new JsonObject().put("team-a", "owner"), who.getJsonObject("roles"));
  }

  @Test
  void aCallbackThisBrowserDidNotStartIsRefused() throws Exception {
    HttpResponse<String> start = get(base + PortalLogin.START, null);
    String flow = cookie(start, PortalLogin.FLOW_COOKIE);
    idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, "judy@corp.example", "JWT", List.of(CLIENT),
        Map.of("email", "judy@corp.example"), 3600));
    String callback = get(start.headers().firstValue("location").orElseThrow(), null).headers()
        .firstValue("location").orElseThrow();
    HttpResponse<String> noCookie = get(callback, null);
    assertEquals(400, noCookie.statusCode(), noCookie.body());
    assertTrue(noCookie.body().contains("not started here"), noCookie.body());
    HttpResponse<String> otherState = get(callback.replaceAll("state=[^&]+", "state=forged"), flow);
    assertEquals(400, otherState.statusCode(), otherState.body());
    assertTrue(noCookie.headers().allValues("set-cookie").stream().noneMatch(c -> c.startsWith("tollgate_session=")));
  }
}
