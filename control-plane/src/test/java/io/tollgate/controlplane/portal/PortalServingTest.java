package io.tollgate.controlplane.portal;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.controlplane.testsupport.RunningControlPlane.Exchange;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The portal at /: its page never cached, its hashed assets immutable, its routes reachable by deep link. */
class PortalServingTest {

  private static RunningControlPlane cp;

  @BeforeAll
  static void start() throws Exception {
    cp = RunningControlPlane.start();
  }

  @AfterAll
  static void stop() throws Exception {
    cp.close();
  }

  private static Exchange get(String path, String accept) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI(path);
    if (accept != null) {
      options.putHeader("accept", accept);
    }
    return cp.exchange(options, null);
  }

  private static void isThePage(Exchange page) {
    assertEquals(200, page.status(), page.body());
    assertTrue(page.headers().get("content-type").startsWith("text/html"), page.headers().toString());
    assertEquals("no-cache", page.headers().get("cache-control"));
    assertTrue(page.headers().get("content-security-policy").contains("frame-ancestors 'none'"));
    assertEquals("nosniff", page.headers().get("x-content-type-options"));
    assertTrue(page.body().contains("<div id=\"root\"></div>"), page.body());
  }

  @Test
  void thePageIsServedAtTheRootAndAtThePortalsOwnRoutes() throws Exception {
    isThePage(get("/", null));
    isThePage(get("/orgs/acme/keys", "text/html,application/xhtml+xml,*/*;q=0.8"));
  }

  @Test
  void hashedAssetsAreImmutable() throws Exception {
    String page = get("/", null).body();
    Matcher script = Pattern.compile("src=\"(/assets/index-[^\"]+\\.js)\"").matcher(page);
    assertTrue(script.find(), page);
    Exchange asset = get(script.group(1), null);
    assertEquals(200, asset.status());
    assertEquals("public, max-age=31536000, immutable", asset.headers().get("cache-control"));
    assertTrue(asset.headers().get("content-type").contains("javascript"), asset.headers().toString());
    Matcher style = Pattern.compile("href=\"(/assets/index-[^\"]+\\.css)\"").matcher(page);
    assertTrue(style.find(), page);
    assertEquals(200, get(style.group(1), null).status());
  }

  @Test
  void whatIsNotThePortalsStillGetsTheApisErrors() throws Exception {
    // An API client (no HTML accepted), a missing file, an API path: 404 in the API's shape.
    for (Exchange missing : new Exchange[] {get("/orgs/acme", null), get("/assets/nope.js", "text/html"),
        get("/api/v1/nothing", "text/html"), get("/favicon.ico", "text/html")}) {
      assertEquals(404, missing.status(), missing.body());
      assertEquals(404, new JsonObject(missing.body()).getJsonObject("error").getInteger("status"));
    }
    // A served path asked with another method is still a 405, whatever the client accepts.
    RequestOptions post = new RequestOptions().setMethod(HttpMethod.POST).setURI("/health").putHeader("accept",
        "text/html");
    assertEquals(405, cp.exchange(post, null).status());
  }
}
