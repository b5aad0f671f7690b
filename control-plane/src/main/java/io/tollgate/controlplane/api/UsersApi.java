package io.tollgate.controlplane.api;

import io.tollgate.controlplane.auth.Role;
import io.tollgate.controlplane.auth.TokenHash;
import io.tollgate.controlplane.config.ControlPlaneSettings;
import io.tollgate.controlplane.schema.Bodies;
import io.tollgate.controlplane.store.Tx;
import io.tollgate.controlplane.store.UserStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.time.Duration;
import java.util.Map;

/** Users and their admin tokens (each shown once, stored as a hash, valid for the configured TTL). */
final class UsersApi {

  private final Pool pool;
  /** Seconds a new token is valid; null: forever. */
  private final Long tokenTtlSeconds;

  UsersApi(Pool pool, Duration tokenTtl) {
    this.pool = pool;
    this.tokenTtlSeconds = tokenTtl.isZero() ? null : tokenTtl.toSeconds();
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
    Object reader = fields.body().getValue("configReader", false);
    if (!(reader instanceof Boolean)) {
      fields.refuse("configReader", "must be a boolean");
    }
    Long ttl = ttlSeconds(call, fields);
    fields.check();
    String token = TokenHash.newToken();
    return Tx.<JsonObject>audited(pool, tx -> UserStore.create(tx, email, TokenHash.of(token), (Boolean) admin,
            (Boolean) reader, ttl)
            .map(user -> new Tx.Change<>(user, call.audit("user.create", "user:" + email, null, user))))
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
    return Tx.<JsonObject>audited(pool, tx -> UserStore.newToken(tx, email, TokenHash.of(token), ttl)
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
    return Tx.<Void>audited(pool, tx -> UserStore.delete(tx, email)
            .map(before -> new Tx.Change<Void>(null, call.audit("user.delete", "user:" + email, before, null))))
        .map(v -> Reply.noContent());
  }

  Future<Reply> list(Call call) {
    call.requirePlatformAdmin();
    return UserStore.list(pool).map(Reply::ok);
  }

  /**
   * Whose usage the caller may read: what the analytics service asks the control plane of a caller
   * it does not know (ADR 0013), so that the role table lives here only. Every org where the role
   * reads spend (the usage proxy's permission); {@code allOrgs} for a platform admin.
   */
  Future<Reply> access(Call call) {
    JsonArray orgs = new JsonArray();
    call.caller().roles().entrySet().stream()
        .filter(entry -> entry.getValue().may(Role.Permission.SPEND_READ))
        .map(Map.Entry::getKey).sorted().forEach(orgs::add);
    return Future.succeededFuture(Reply.ok(new JsonObject().put("actor", call.caller().actor())
        .put("allOrgs", call.caller().platformAdmin()).put("usageOrgs", orgs)));
  }

  Future<Reply> me(Call call) {
    JsonObject roles = new JsonObject();
    call.caller().roles().forEach((org, role) -> roles.put(org, role.wire()));
    return Future.succeededFuture(Reply.ok(new JsonObject().put("actor", call.caller().actor())
        .put("platformAdmin", call.caller().platformAdmin()).put("configReader", call.caller().configReader())
        .put("roles", roles)));
  }
}
