package io.tollgate.controlplane.oidc;

import io.tollgate.controlplane.api.ApiError;
import io.tollgate.controlplane.config.OidcSettings;
import io.tollgate.controlplane.session.Sessions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * The portal's sign-in with the identity provider: OpenID Connect's authorization code flow with
 * PKCE. {@code GET /portal/auth/oidc/start} sends the browser to the provider with a fresh state,
 * nonce and code challenge (their secrets wait in a short-lived HttpOnly cookie: SameSite=Lax, the
 * provider's redirect back is a cross-site navigation); {@code GET /portal/auth/oidc/callback}
 * checks the state, exchanges the code with the verifier, checks the ID token (signature, issuer,
 * audience, expiry, nonce) and opens the portal's usual session for the user, provisioned and
 * with their roles mapped as for the provider's bearer tokens.
 */
public final class PortalLogin {

  public static final String START = "/portal/auth/oidc/start";
  public static final String CALLBACK = "/portal/auth/oidc/callback";
  static final String FLOW_COOKIE = "tollgate_oidc";
  private static final int FLOW_SECONDS = 600;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final OidcSettings settings;
  private final OidcVerifier verifier;
  private final SsoUsers users;
  private final Sessions sessions;
  private final WebClient client;

  public PortalLogin(Vertx vertx, OidcSettings settings, SsoUsers users, Sessions sessions) {
    this.settings = settings;
    this.verifier = users.verifier();
    this.users = users;
    this.sessions = sessions;
    this.client = WebClient.create(vertx);
  }

  public void start(RoutingContext ctx) {
    String state = random();
    String nonce = random();
    String verifierSecret = random();
    verifier.discovery().onSuccess(document -> {
      String endpoint = document.getString("authorization_endpoint");
      if (endpoint == null) {
        fail(ctx, new ApiError(503, "the identity provider names no authorization_endpoint", List.of()));
        return;
      }
      String location = endpoint + (endpoint.contains("?") ? "&" : "?") + "response_type=code"
          + "&client_id=" + encode(settings.audience()) + "&redirect_uri=" + encode(redirectUri(ctx.request()))
          + "&scope=" + encode("openid email profile") + "&state=" + state + "&nonce=" + nonce
          + "&code_challenge=" + challenge(verifierSecret) + "&code_challenge_method=S256";
      ctx.response().addCookie(Cookie.cookie(FLOW_COOKIE, state + "." + nonce + "." + verifierSecret)
          .setPath("/portal/auth/oidc").setSecure(true).setHttpOnly(true).setSameSite(CookieSameSite.LAX)
          .setMaxAge(FLOW_SECONDS));
      ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, location).end();
    }).onFailure(failure -> fail(ctx, failure));
  }

  public void callback(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    Cookie flow = request.getCookie(FLOW_COOKIE);
    String[] parts = flow == null ? new String[0] : flow.getValue().split("\\.");
    if (request.getParam("error") != null) {
      fail(ctx, ApiError.unauthorized("the identity provider refused the sign-in: " + request.getParam("error")));
      return;
    }
    String code = request.getParam("code");
    if (parts.length != 3 || code == null || !MessageDigest.isEqual(parts[0].getBytes(StandardCharsets.UTF_8),
        String.valueOf(request.getParam("state")).getBytes(StandardCharsets.UTF_8))) {
      fail(ctx, ApiError.badRequest("this sign-in was not started here, or took over 10 minutes: start again at "
          + START));
      return;
    }
    String nonce = parts[1];
    ctx.response().addCookie(Cookie.cookie(FLOW_COOKIE, "").setPath("/portal/auth/oidc").setMaxAge(0));
    verifier.discovery().compose(document -> {
      MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "authorization_code").add("code", code)
          .add("redirect_uri", redirectUri(request)).add("client_id", settings.audience())
          .add("code_verifier", parts[2]);
      if (!settings.clientSecret().isEmpty()) {
        form.add("client_secret", settings.clientSecret());
      }
      return client.postAbs(document.getString("token_endpoint")).timeout(5_000).sendForm(form);
    }).compose(response -> {
      JsonObject body = response.statusCode() == 200 ? response.bodyAsJsonObject() : null;
      if (body == null || body.getString("id_token") == null) {
        return Future.failedFuture(ApiError.unauthorized("the identity provider did not exchange the code ("
            + response.statusCode() + ")"));
      }
      return verifier.verify(body.getString("id_token"));
    }).compose(claims -> nonce.equals(claims.getString("nonce")) ? users.caller(claims, random())
        : Future.failedFuture(ApiError.unauthorized("the ID token's nonce is not this sign-in's")))
        .compose(caller -> sessions.start(caller.actor()))
        .onSuccess(started -> ctx.response()
            .addCookie(Sessions.cookie(Sessions.COOKIE, started.id(), true))
            .addCookie(Sessions.cookie(Sessions.CSRF_COOKIE, started.csrfToken(), false))
            .setStatusCode(302).putHeader(HttpHeaders.LOCATION, "/").end())
        .onFailure(failure -> fail(ctx, failure));
  }

  /** Configured, or this host's callback (behind a proxy, its X-Forwarded-Proto says the scheme). */
  private String redirectUri(HttpServerRequest request) {
    if (!settings.redirectUri().isEmpty()) {
      return settings.redirectUri();
    }
    String forwarded = request.getHeader("x-forwarded-proto");
    String scheme = forwarded != null ? forwarded : request.scheme();
    return scheme + "://" + request.authority() + CALLBACK;
  }

  private static void fail(RoutingContext ctx, Throwable failure) {
    ApiError error = failure instanceof ApiError known ? known
        : new ApiError(503, "the identity provider could not be asked: " + failure.getMessage(), List.of());
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(error.status()).putHeader("content-type", "application/json")
          .end(error.toJson().encode());
    }
  }

  private static String challenge(String verifier) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
