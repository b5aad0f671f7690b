package io.tollgate.controlplane.api;

import io.tollgate.controlplane.auth.TokenHash;
import io.tollgate.controlplane.config.ControlPlaneSettings;
import io.tollgate.controlplane.schema.Bodies;
import io.tollgate.controlplane.store.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;

/** Users and their admin tokens (each shown once, stored as a hash, valid for the configured TTL). */
final class UsersApi {

  /** A user as the API shows it: never the token's hash. */
  private static final String USER_JSON = "jsonb_build_object('email', email, 'platformAdmin', platform_admin, "
      + "'tokenExpiresAt', token_expires_at)";

  private final Pool pool;
  /** Seconds a new token is valid; null: forever. */
  private final Long tokenTtlSeconds;

  UsersApi(Pool pool, Duration tokenTtl) {
    this.pool = pool;
    this.tokenTtlSeconds = tokenTtl.isZero() ? null : tokenTtl.toSeconds();
  }

  /** SQL for the expiry of a token issued now, from the TTL in seconds at parameter $n (NULL: never). */
  private static String expiry(int n) {
    return "now() + $" + n + "::bigint * interval '1 second'";
  }

  Future<Reply> create(Call call) {
    call.requirePlatformAdmin();
    Fields fields = call.fields().strict(Bodies.USER);
    String email = fields.string("email", true);
    if (email != null && !email.contains("@")) {
      fields.refuse("email", "must be an email address");
    }
    Object admin = fields.body().getValue("platformAdmin", false);
    if (!(admin instanceof Boolean)) {
      fields.refuse("platformAdmin", "must be a boolean");
    }
    Long ttl = ttlSeconds(call, fields);
    fields.check();
    String token = TokenHash.newToken();
    return Tx.<JsonObject>audited(pool, tx -> tx.preparedQuery(
                "INSERT INTO users (email, token_hash, platform_admin, token_expires_at) VALUES ($1, $2, $3, "
                    + expiry(4) + ") RETURNING " + USER_JSON + " AS j")
            .execute(Tuple.of(email, TokenHash.of(token), admin, ttl))
            .map(rows -> {
              JsonObject user = rows.iterator().next().getJsonObject("j");
              return new Tx.Change<>(user, call.audit("user.create", "user:" + email, null, user));
            }))
        // The token is in the answer only: never in the audit row, never stored in clear.
        .map(user -> Reply.created(user.copy().put("token", token)));
  }

  /** A new token for a user (themself, or anyone for a platform admin); the old one stops working. */
  Future<Reply> newToken(Call call) {
    String email = call.param("email");
    if (!call.caller().platformAdmin() && !email.equals(call.caller().actor())) {
      throw ApiError.forbidden("only a platform admin may renew another user's token");
    }
    Fields fields = call.fields().strict(Bodies.TOKEN);
    Long ttl = ttlSeconds(call, fields);
    fields.check();
    String token = TokenHash.newToken();
    return Tx.<JsonObject>audited(pool, tx -> tx.preparedQuery("UPDATE users SET token_hash = $2, token_expires_at = "
                + expiry(3) + " WHERE email = $1 RETURNING " + USER_JSON + " AS j")
            .execute(Tuple.of(email, TokenHash.of(token), ttl))
            .compose(rows -> rows.size() == 0 ? Future.failedFuture(ApiError.notFound("user " + email))
                : Future.succeededFuture(rows.iterator().next().getJsonObject("j")))
            .map(user -> new Tx.Change<>(user, call.audit("user.token", "user:" + email, null, user))))
        .map(user -> Reply.ok(user.copy().put("token", token)));
  }

  /**
   * The new token's lifetime in seconds (null: forever): the configured TTL, or the body's
   * {@code tokenTtl} ("P365D", "30", "0" for never), which only platform admins may choose — for
   * service users such as the gateways' config readers, whose tokens automation renews.
   */
  private Long ttlSeconds(Call call, Fields fields) {
    Object requested = fields.body().getValue("tokenTtl");
    if (requested == null) {
      return tokenTtlSeconds;
    }
    if (!call.caller().platformAdmin()) {
      throw ApiError.forbidden("only a platform admin may choose a token's lifetime");
    }
    try {
      Duration ttl = ControlPlaneSettings.parseTtl(String.valueOf(requested));
      return ttl.isZero() ? null : ttl.toSeconds();
    } catch (IllegalArgumentException e) {
      fields.refuse("tokenTtl", e.getMessage());
      return null;
    }
  }

  Future<Reply> delete(Call call) {
    call.requirePlatformAdmin();
    String email = call.param("email");
    return Tx.<Void>audited(pool, tx -> tx.preparedQuery("DELETE FROM users WHERE email = $1 RETURNING " + USER_JSON
                + " AS j")
            .execute(Tuple.of(email))
            .compose(rows -> rows.size() == 0 ? Future.failedFuture(ApiError.notFound("user " + email))
                : Future.succeededFuture(rows.iterator().next().getJsonObject("j")))
            .map(before -> new Tx.Change<Void>(null, call.audit("user.delete", "user:" + email, before, null))))
        .map(v -> Reply.noContent());
  }

  Future<Reply> list(Call call) {
    call.requirePlatformAdmin();
    return pool.query("SELECT " + USER_JSON + " AS j FROM users ORDER BY email").execute()
        .map(rows -> {
          JsonArray users = new JsonArray();
          rows.forEach(row -> users.add(row.getJsonObject("j")));
          return Reply.ok(users);
        });
  }

  Future<Reply> me(Call call) {
    JsonObject roles = new JsonObject();
    call.caller().roles().forEach((org, role) -> roles.put(org, role.wire()));
    return Future.succeededFuture(Reply.ok(new JsonObject().put("actor", call.caller().actor())
        .put("platformAdmin", call.caller().platformAdmin()).put("roles", roles)));
  }
}
