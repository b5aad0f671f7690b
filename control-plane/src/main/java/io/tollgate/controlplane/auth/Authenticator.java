package io.tollgate.controlplane.auth;

import io.tollgate.controlplane.api.ApiError;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;

/**
 * Bearer tokens to callers. The bootstrap token from the environment works only until the first
 * platform admin user exists (first start); after that, only per-user tokens, until they expire.
 */
public final class Authenticator {

  public static final String BOOTSTRAP_ACTOR = "bootstrap";

  private final Pool pool;
  private final String bootstrapToken;
  /** Once a platform admin exists it never stops existing for our purpose: the bootstrap is over. */
  private volatile boolean bootstrapOver;

  public Authenticator(Pool pool, String bootstrapToken) {
    this.pool = pool;
    this.bootstrapToken = bootstrapToken;
  }

  public Future<Caller> authenticate(String authorization) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return Future.failedFuture(ApiError.unauthorized("missing bearer token"));
    }
    String token = authorization.substring("Bearer ".length()).trim();
    if (bootstrapToken != null && !bootstrapToken.isEmpty() && constantTimeEquals(token, bootstrapToken)) {
      return bootstrapCaller();
    }
    return pool.preparedQuery("SELECT u.email, u.platform_admin, u.token_expires_at <= now() AS expired, m.org, m.role "
            + "FROM users u LEFT JOIN memberships m ON m.email = u.email WHERE u.token_hash = $1")
        .execute(Tuple.of(TokenHash.of(token)))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(ApiError.unauthorized("unknown token"));
          }
          // The database's clock decides, as it stamped the expiry: replicas cannot disagree.
          if (Boolean.TRUE.equals(rows.iterator().next().getBoolean("expired"))) {
            return Future.failedFuture(ApiError.unauthorized(
                "token expired: ask a platform admin for a new one (tollgate-admin users token EMAIL)"));
          }
          String email = null;
          boolean admin = false;
          Map<String, Role> roles = new HashMap<>();
          for (Row row : rows) {
            email = row.getString("email");
            admin = row.getBoolean("platform_admin");
            if (row.getString("org") != null) {
              roles.put(row.getString("org"), Role.fromWire(row.getString("role")));
            }
          }
          return Future.succeededFuture(new Caller(email, admin, Map.copyOf(roles)));
        });
  }

  private Future<Caller> bootstrapCaller() {
    Caller bootstrap = new Caller(BOOTSTRAP_ACTOR, true, Map.of());
    if (bootstrapOver) {
      return Future.failedFuture(ApiError.unauthorized("the bootstrap token is retired: a platform admin exists"));
    }
    return pool.query("SELECT EXISTS (SELECT 1 FROM users WHERE platform_admin AND token_hash IS NOT NULL)").execute()
        .compose(rows -> {
          if (rows.iterator().next().getBoolean(0)) {
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
