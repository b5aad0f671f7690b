package io.tollgate.controlplane.auth;

import io.tollgate.controlplane.store.ServiceAccountStore;
import io.tollgate.controlplane.store.UserStore;
import io.tollgate.controlplane.api.ApiError;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Bearer tokens to callers. The bootstrap token from the environment works only until the first
 * platform admin user exists (first start); after that, only per-user tokens, until they expire.
 */
public final class Authenticator {

  public static final String BOOTSTRAP_ACTOR = "bootstrap";
  /** Service accounts' tokens ("tgs-…") are told from users' ("tga-…") by their prefix. */
  public static final String SERVICE_ACCOUNT_TOKEN_PREFIX = "tgs-";

  private final Pool pool;
  private final String bootstrapToken;
  /** The identity provider's JWTs to callers (single sign-on); null: off. */
  private final BiFunction<String, String, Future<Caller>> jwts;
  /** Once a platform admin exists it never stops existing for our purpose: the bootstrap is over. */
  private volatile boolean bootstrapOver;

  public Authenticator(Pool pool, String bootstrapToken) {
    this(pool, bootstrapToken, null);
  }

  /**
   * @param jwts the identity provider's JWT and the request's id to the caller; null: single
   *             sign-on is off
   */
  public Authenticator(Pool pool, String bootstrapToken, BiFunction<String, String, Future<Caller>> jwts) {
    this.pool = pool;
    this.bootstrapToken = bootstrapToken;
    this.jwts = jwts;
  }

  /** Our own tokens are opaque ("tga-…"); a JWT has three base64url parts, the first a JSON header. */
  private static boolean isJwt(String token) {
    return token.startsWith("eyJ") && token.chars().filter(c -> c == '.').count() == 2;
  }

  public Future<Caller> authenticate(String authorization) {
    return authenticate(authorization, null);
  }

  public Future<Caller> authenticate(String authorization, String requestId) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return Future.failedFuture(ApiError.unauthorized("missing bearer token"));
    }
    String token = authorization.substring("Bearer ".length()).trim();
    if (bootstrapToken != null && !bootstrapToken.isEmpty() && constantTimeEquals(token, bootstrapToken)) {
      return bootstrapCaller();
    }
    if (jwts != null && isJwt(token)) {
      return jwts.apply(token, requestId);
    }
    if (token.startsWith(SERVICE_ACCOUNT_TOKEN_PREFIX)) {
      return ServiceAccountStore.byTokenHash(pool, TokenHash.of(token)).compose(owner -> owner == null
          ? Future.failedFuture(ApiError.unauthorized("unknown or expired service account token"))
          : Future.succeededFuture(new Caller(Caller.serviceAccount(owner.org(), owner.name()), false, false,
              Map.of(owner.org(), Role.fromWire(owner.role())))));
    }
    return UserStore.byTokenHash(pool, TokenHash.of(token)).compose(owner -> {
      if (owner == null) {
        return Future.failedFuture(ApiError.unauthorized("unknown token"));
      }
      if (owner.expired()) {
        return Future.failedFuture(ApiError.unauthorized(
            "token expired: ask a platform admin for a new one (tollgate-admin users token EMAIL)"));
      }
      Map<String, Role> roles = new HashMap<>();
      owner.roles().forEach((org, role) -> roles.put(org, Role.fromWire(role)));
      return Future.succeededFuture(new Caller(owner.email(), owner.platformAdmin(), owner.configReader(), Map.copyOf(roles)));
    });
  }

  private Future<Caller> bootstrapCaller() {
    Caller bootstrap = new Caller(BOOTSTRAP_ACTOR, true, Map.of());
    if (bootstrapOver) {
      return Future.failedFuture(ApiError.unauthorized("the bootstrap token is retired: a platform admin exists"));
    }
    return UserStore.platformAdminExists(pool)
        .compose(exists -> {
          if (exists) {
            bootstrapOver = true;
            return Future.failedFuture(ApiError.unauthorized("the bootstrap token is retired: a platform admin exists"));
          }
          return Future.succeededFuture(bootstrap);
        });
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
