package io.tollgate.controlplane.oidc;

import io.tollgate.controlplane.api.ApiError;
import io.tollgate.controlplane.config.OidcSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The identity provider's JWTs, checked as OpenID Connect says: the signature against the keys its
 * discovery document points to (JWKS), the issuer, the audience and the expiry (Vert.x's JWT
 * auth does the checking). The provider is asked lazily, so the control plane starts while it is
 * away. Keys it rotated are picked up: a token naming a key id not among the fetched ones makes
 * the keys be fetched again, at most once per {@link OidcSettings#jwksMinRefresh()}.
 */
public final class OidcVerifier {

  private static final Logger LOG = Logger.getLogger(OidcVerifier.class.getName());
  private static final int TIMEOUT_MS = 10_000;
  /** Clock skew allowed between the provider and us, in seconds. */
  private static final int LEEWAY_SECONDS = 30;

  private record Keys(JWTAuth auth, Set<String> kids, long fetchedAtNanos) {
  }

  private final Vertx vertx;
  private final WebClient client;
  private final OidcSettings settings;
  private volatile Keys keys;
  private volatile JsonObject discovery;
  /** The fetch in flight, shared by every request that needs it. */
  private Future<Keys> fetching;

  public OidcVerifier(Vertx vertx, OidcSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(TIMEOUT_MS).setIdleTimeout(60));
  }

  /** The provider's discovery document (for the portal's and the CLI's flows). */
  public Future<JsonObject> discovery() {
    JsonObject known = discovery;
    if (known != null) {
      return Future.succeededFuture(known);
    }
    String url = settings.issuer().replaceAll("/+$", "") + "/.well-known/openid-configuration";
    return client.getAbs(url).timeout(TIMEOUT_MS).send().compose(response -> json(response, url)).map(document -> {
      discovery = document;
      return document;
    });
  }

  /** The token's claims; fails with 401 in words when it is refused, 503 when the provider cannot be asked. */
  public Future<JsonObject> verify(String token) {
    String kid;
    try {
      kid = new JsonObject(new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
          StandardCharsets.UTF_8)).getString("kid");
    } catch (RuntimeException e) {
      return Future.failedFuture(ApiError.unauthorized("the identity provider's token could not be read"));
    }
    return keys(false).compose(current -> {
      boolean unknownKey = kid != null && !current.kids().contains(kid);
      boolean mayFetch = System.nanoTime() - current.fetchedAtNanos() >= settings.jwksMinRefresh().toNanos();
      return unknownKey && mayFetch ? keys(true) : Future.succeededFuture(current);
    }).compose(current -> current.auth().authenticate(new TokenCredentials(token))
        .recover(refused -> Future.failedFuture(ApiError.unauthorized("the identity provider's token was refused: "
            + refused.getMessage())))
        .map(user -> user.principal()));
  }

  private synchronized Future<Keys> keys(boolean again) {
    Keys current = keys;
    if (current != null && !again) {
      return Future.succeededFuture(current);
    }
    if (fetching == null) {
      fetching = fetchKeys().recover(failure -> Future.failedFuture(failure instanceof ApiError ? failure
          : unavailable(String.valueOf(failure.getMessage())))).onComplete(done -> {
        synchronized (this) {
          fetching = null;
        }
      });
    }
    return fetching;
  }

  private Future<Keys> fetchKeys() {
    return discovery().compose(document -> {
      String jwksUri = document.getString("jwks_uri");
      if (jwksUri == null) {
        return Future.failedFuture(unavailable("its discovery document names no jwks_uri"));
      }
      return client.getAbs(jwksUri).timeout(TIMEOUT_MS).send().compose(response -> json(response, jwksUri));
    }).map(jwks -> {
      JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions()
          .setIssuer(settings.issuer()).setAudience(List.of(settings.audience())).setLeeway(LEEWAY_SECONDS));
      Set<String> kids = new HashSet<>();
      JsonArray listed = jwks.getJsonArray("keys", new JsonArray());
      for (int i = 0; i < listed.size(); i++) {
        JsonObject key = listed.getJsonObject(i);
        if (!"sig".equals(key.getString("use", "sig"))) {
          continue;
        }
        options.addJwk(key);
        if (key.getString("kid") != null) {
          kids.add(key.getString("kid"));
        }
      }
      Keys fetched = new Keys(JWTAuth.create(vertx, options), Set.copyOf(kids), System.nanoTime());
      keys = fetched;
      LOG.info(() -> "identity provider " + settings.issuer() + ": " + kids.size() + " signing key(s) " + kids);
      return fetched;
    });
  }

  private static Future<JsonObject> json(HttpResponse<Buffer> response, String url) {
    if (response.statusCode() != 200) {
      return Future.failedFuture(unavailable(url + " answered " + response.statusCode()));
    }
    try {
      return Future.succeededFuture(response.bodyAsJsonObject());
    } catch (RuntimeException e) {
      return Future.failedFuture(unavailable(url + " did not answer JSON"));
    }
  }

  private static ApiError unavailable(String why) {
    return new ApiError(503, "the identity provider could not be asked: " + why, List.of());
  }
}
