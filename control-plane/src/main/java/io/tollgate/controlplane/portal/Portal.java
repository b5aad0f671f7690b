package io.tollgate.controlplane.portal;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The portal's built files (the tollgate-portal module's jar, on the classpath under
 * {@value #ROOT}): {@code index.html} at {@code /} and for the portal's own routes (a deep link or a
 * reload of {@code /orgs/acme/keys}), never cached, so a new release is picked up at once; the
 * content-hashed files under {@code /assets/} cached for a year as immutable.
 */
public final class Portal {

  static final String ROOT = "tollgate-portal";
  private static final String IMMUTABLE = "public, max-age=31536000, immutable";
  /** Scripts, styles and fetches from this origin only; no framing (clickjacking). */
  private static final String CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
      + "form-action 'self'; frame-ancestors 'none'";

  /** null when this control plane was built without the portal. */
  private final Buffer index;
  /** Mounted at /assets/*: the handler looks up the path below the mount point. */
  private final StaticHandler assets = StaticHandler.create(ROOT + "/assets").setCachingEnabled(true)
      .setMaxAgeSeconds(31_536_000).setDirectoryListing(false);

  private Portal(Buffer index) {
    this.index = index;
  }

  /** Reads index.html once (it is small and served often); a control plane without the portal still starts. */
  public static Future<Portal> load(Vertx vertx) {
    return vertx.fileSystem().readFile(ROOT + "/index.html").map(Portal::new)
        .recover(missing -> Future.succeededFuture(new Portal(null)));
  }

  public boolean built() {
    return index != null;
  }

  /**
   * Whether the request is a browser asking for one of the portal's pages: a GET outside the API
   * for a path without a file extension, accepting HTML. API clients asking for a path no route
   * serves still get the API's 404.
   */
  public static boolean isPageRequest(HttpServerRequest request) {
    String path = request.path();
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    String last = path.substring(path.lastIndexOf('/') + 1);
    return (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD) && !path.startsWith("/api/")
        && !last.contains(".") && accept != null && accept.contains("text/html");
  }

  /** index.html; the caller answers when the portal is not built. */
  public void page(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    securityHeaders(response).putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8");
    if (ctx.request().method() == HttpMethod.HEAD) {
      response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(index.length())).end();
    } else {
      response.end(index);
    }
  }

  /** A file under /assets/; one that does not exist goes on to the router's 404. */
  public void asset(RoutingContext ctx) {
    ctx.addHeadersEndHandler(v -> {
      if (ctx.response().getStatusCode() == 200 || ctx.response().getStatusCode() == 304) {
        securityHeaders(ctx.response()).putHeader(HttpHeaders.CACHE_CONTROL, IMMUTABLE);
      }
    });
    assets.handle(ctx);
  }

  private static HttpServerResponse securityHeaders(HttpServerResponse response) {
    return response.putHeader("Content-Security-Policy", CSP).putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "same-origin");
  }
}
