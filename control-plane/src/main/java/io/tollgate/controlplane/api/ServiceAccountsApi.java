package io.tollgate.controlplane.api;

import io.tollgate.controlplane.auth.Authenticator;
import io.tollgate.controlplane.auth.Role.Permission;
import io.tollgate.controlplane.auth.TokenHash;
import io.tollgate.controlplane.config.ControlPlaneSettings;
import io.tollgate.controlplane.schema.Bodies;
import io.tollgate.controlplane.store.ServiceAccountStore;
import io.tollgate.controlplane.store.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Service accounts: org-scoped, non-human callers (CI, automation) with their own tokens, which
 * expire and rotate with a grace as keys do, and which the audit log names as
 * {@code service_account:ORG/NAME}. Owners and admins manage them; whoever lists members lists them.
 */
final class ServiceAccountsApi {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  /** Owner is not given: an owner may delete the org, which no machine should. */
  private static final List<String> ROLES = List.of("admin", "member", "viewer", "billing");
  private static final long DEFAULT_GRACE_SECONDS = 3600;

  private final Pool pool;
  /** Seconds a new token is valid by default; null: forever. */
  private final Long tokenTtlSeconds;

  ServiceAccountsApi(Pool pool, Duration tokenTtl) {
    this.pool = pool;
    this.tokenTtlSeconds = tokenTtl.isZero() ? null : tokenTtl.toSeconds();
  }

  private static String target(String org, String name) {
    return "org:" + org + "/service_account:" + name;
  }

  Future<Reply> list(Call call) {
    String org = call.param("org");
    call.require(org, Permission.MEMBERS_READ);
    return OrgsApi.read(pool, org).compose(o -> ServiceAccountStore.list(pool, org)).map(Reply::ok);
  }

  Future<Reply> create(Call call) {
    String org = call.param("org");
    call.require(org, Permission.MEMBERS_WRITE);
    Fields fields = call.fields().strict(Bodies.SERVICE_ACCOUNT);
    String name = fields.string("name", true);
    if (name != null && !NAME.matcher(name).matches()) {
      fields.refuse("name", "must be 1 to 63 lower-case letters, digits or . _ - starting with a letter or digit (got \""
          + name + "\")");
    }
    String role = fields.string("role", true);
    if (role != null && !ROLES.contains(role)) {
      fields.refuse("role", "must be one of " + String.join(", ", ROLES) + " (got \"" + role + "\")");
    }
    String description = fields.string("description", false);
    Long ttl = ttlSeconds(fields);
    fields.check();
    String token = TokenHash.newToken(Authenticator.SERVICE_ACCOUNT_TOKEN_PREFIX);
    return Tx.<JsonObject>audited(pool, tx -> OrgsApi.read(tx, org).compose(o -> ServiceAccountStore.create(tx, org,
                name, role, description, TokenHash.of(token), ttl))
            .map(account -> new Tx.Change<>(account, call.audit("service_account.create", target(org, name), null,
                account))))
        // The token is in the answer only: never in the audit row, never stored in clear.
        .map(account -> Reply.created(account.copy().put("token", token)));
  }

  /** A new token; the current one keeps working for {@code graceSeconds} (default 1 h, 0: not at all). */
  Future<Reply> rotate(Call call) {
    String org = call.param("org");
    String name = call.param("name");
    call.require(org, Permission.MEMBERS_WRITE);
    Fields fields = call.fields().strict(Bodies.SERVICE_ACCOUNT_TOKEN);
    Integer grace = fields.nonNegativeInt(fields.body(), "$", "graceSeconds");
    Long ttl = ttlSeconds(fields);
    fields.check();
    String token = TokenHash.newToken(Authenticator.SERVICE_ACCOUNT_TOKEN_PREFIX);
    return Tx.<JsonObject>audited(pool, tx -> ServiceAccountStore.rotate(tx, org, name, TokenHash.of(token), ttl,
                grace == null ? DEFAULT_GRACE_SECONDS : grace)
            .map(account -> new Tx.Change<>(account, call.audit("service_account.token", target(org, name), null,
                account))))
        .map(account -> Reply.ok(account.copy().put("token", token)));
  }

  Future<Reply> delete(Call call) {
    String org = call.param("org");
    String name = call.param("name");
    call.require(org, Permission.MEMBERS_WRITE);
    return Tx.<Void>audited(pool, tx -> ServiceAccountStore.delete(tx, org, name)
            .map(before -> new Tx.Change<Void>(null, call.audit("service_account.delete", target(org, name), before,
                null))))
        .map(v -> Reply.noContent());
  }

  /** {@code tokenTtl}: ISO-8601 or days, "0" never; unset, the admin tokens' TTL. */
  private Long ttlSeconds(Fields fields) {
    Object requested = fields.body().getValue("tokenTtl");
    if (requested == null) {
      return tokenTtlSeconds;
    }
    try {
      Duration ttl = ControlPlaneSettings.parseTtl(String.valueOf(requested));
      return ttl.isZero() ? null : ttl.toSeconds();
    } catch (IllegalArgumentException e) {
      fields.refuse("tokenTtl", e.getMessage());
      return null;
    }
  }
}
